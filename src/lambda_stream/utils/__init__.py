"""Small pure helpers shared across the library."""

from lambda_stream.utils.compression import compress, decompress

__all__ = ["compress", "decompress"]
