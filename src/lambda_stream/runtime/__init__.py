"""The Lambda edge: one batch in, the Lambda response out."""

from lambda_stream.runtime.handler import (
    Invocation,
    InvocationError,
    RetryableFailure,
    invoke,
    invoke_async,
)
from lambda_stream.runtime.response import (
    BatchItemFailure,
    LambdaResponse,
    PartialBatchResponse,
    item_identifier,
)

__all__ = [
    "BatchItemFailure",
    "Invocation",
    "InvocationError",
    "LambdaResponse",
    "PartialBatchResponse",
    "RetryableFailure",
    "invoke",
    "invoke_async",
    "item_identifier",
]
