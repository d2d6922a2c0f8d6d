"""The Lambda edge: one batch in, the Lambda response out."""

from lambda_stream.runtime.firehose import (
    FIREHOSE_DATA,
    FIREHOSE_METADATA,
    FirehoseRecordResult,
    FirehoseResponse,
    firehose_response,
)
from lambda_stream.runtime.handler import (
    Invocation,
    InvocationError,
    RetryableFailure,
    invoke,
    invoke_async,
    observing,
)
from lambda_stream.runtime.response import (
    BatchItemFailure,
    LambdaResponse,
    PartialBatchResponse,
    item_identifier,
)

__all__ = [
    "FIREHOSE_DATA",
    "FIREHOSE_METADATA",
    "BatchItemFailure",
    "FirehoseRecordResult",
    "FirehoseResponse",
    "Invocation",
    "InvocationError",
    "LambdaResponse",
    "PartialBatchResponse",
    "RetryableFailure",
    "firehose_response",
    "invoke",
    "invoke_async",
    "item_identifier",
    "observing",
]
