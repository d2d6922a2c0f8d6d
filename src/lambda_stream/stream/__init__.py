"""The `Stream[T]` engine."""

from lambda_stream.stream.stream import Stream

__all__ = ["Stream"]
