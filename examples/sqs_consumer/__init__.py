"""An SQS consumer with partial batch failures: ``thing`` events materialized into a view."""
