"""The Lambda edge (one batch in, the Lambda response out), and the local event-source mapping.

`LocalEventSourceMapping` is Lambda's poller on this machine: a stream or a queue feeding a
handler at any endpoint (``lambda-stream poll`` on the command line).
"""

from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping, StartingPosition
from lambda_stream.runtime.esm_failures import (
    DestinationError,
    FailedBatch,
    OnFailure,
    send_to_bus,
    send_to_queue,
)
from lambda_stream.runtime.esm_invoke import LocalLambdaContext
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
    "DestinationError",
    "EsmStats",
    "FailedBatch",
    "FirehoseRecordResult",
    "FirehoseResponse",
    "Invocation",
    "InvocationError",
    "LambdaResponse",
    "LocalEventSourceMapping",
    "LocalLambdaContext",
    "OnFailure",
    "PartialBatchResponse",
    "RetryableFailure",
    "StartingPosition",
    "firehose_response",
    "invoke",
    "invoke_async",
    "item_identifier",
    "observing",
    "send_to_bus",
    "send_to_queue",
]
