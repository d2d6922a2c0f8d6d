"""Connectors: the only code that calls AWS, one service per module, each behind a port."""

from lambda_stream.connectors.s3 import S3Object, S3Port

__all__ = ["S3Object", "S3Port"]
