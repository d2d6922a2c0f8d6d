"""Small pure helpers shared across the library."""

from lambda_stream.utils.compression import compress, decompress
from lambda_stream.utils.dynamodb import (
    AttributeValue,
    AttributeValueError,
    Base64,
    marshall,
    marshall_value,
    unmarshall,
    unmarshall_value,
)

__all__ = [
    "AttributeValue",
    "AttributeValueError",
    "Base64",
    "compress",
    "decompress",
    "marshall",
    "marshall_value",
    "unmarshall",
    "unmarshall_value",
]
