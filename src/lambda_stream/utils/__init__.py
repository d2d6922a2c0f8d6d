"""Small pure helpers shared across the library."""

from lambda_stream.utils.batch import compact, group, un_batch
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
from lambda_stream.utils.expressions import pk_condition, timestamp_condition, update_expression
from lambda_stream.utils.split import split_object
from lambda_stream.utils.time import ttl, ttl_rule

__all__ = [
    "AttributeValue",
    "AttributeValueError",
    "Base64",
    "compact",
    "compress",
    "decompress",
    "group",
    "marshall",
    "marshall_value",
    "pk_condition",
    "split_object",
    "timestamp_condition",
    "ttl",
    "ttl_rule",
    "un_batch",
    "unmarshall",
    "unmarshall_value",
    "update_expression",
]
