"""Helpers for testing pipelines: Lambda-shaped event builders, stream collection, fakes."""

from lambda_stream.testing.kinesis import to_kinesis_records
from lambda_stream.testing.streams import collect

__all__ = ["collect", "to_kinesis_records"]
