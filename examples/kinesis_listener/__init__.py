"""A Kinesis listener: materializes ``thing`` events into a view, with three pipelines."""
