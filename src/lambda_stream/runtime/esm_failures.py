"""Stream batches a mapping gave up on, and the on-failure destinations they are sent to.

When a batch still fails after its retries, Lambda sends an invocation record describing it
(not the records themselves) to the mapping's on-failure destination and moves on. The local
mapping calls an `OnFailure` with a `FailedBatch`; `send_to_queue` and `send_to_bus` build
callables that send Lambda's record to an SQS queue or an EventBridge bus.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeAlias

from lambda_stream.connectors.eventbridge import EventBridgePort
from lambda_stream.connectors.sqs import SqsPort
from lambda_stream.core.json import JsonObject
from lambda_stream.runtime.loop import run_fresh

__all__ = [
    "DestinationError",
    "FailedBatch",
    "OnFailure",
    "send_to_bus",
    "send_to_queue",
]

FAILURE_DETAIL_TYPE = "Lambda Function Invocation Result - Failure"
"""The ``detail-type`` of the failure records Lambda puts on a bus."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FailedBatch:
    """A stream batch whose retries ran out.

    Attributes:
        kind: the kind of stream.
        source_arn: the stream's ARN.
        function_arn: the ARN of the function that failed it.
        shard_id: the shard the batch came from.
        start_sequence_number: the sequence number of its first record.
        end_sequence_number: the sequence number of its last record.
        batch_size: how many records it holds.
        attempts: how many times the function was invoked with it.
        error: the last error, or None when the function reported failed items instead.
        records: the Lambda records of the batch (Lambda's own record leaves them out).
        first_arrival: when its first record reached the stream (epoch seconds), if known.
        last_arrival: when its last record reached the stream, if known.
    """

    kind: Literal["dynamodb", "kinesis"]
    source_arn: str
    function_arn: str
    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    batch_size: int
    attempts: int
    error: BaseException | None
    records: tuple[JsonObject, ...] = ()
    first_arrival: float | None = None
    last_arrival: float | None = None

    def to_record(self, *, now: datetime | None = None) -> dict[str, object]:
        """The invocation record Lambda sends to an on-failure destination for this batch."""
        info = {
            "shardId": self.shard_id,
            "startSequenceNumber": self.start_sequence_number,
            "endSequenceNumber": self.end_sequence_number,
            "approximateArrivalOfFirstRecord": _iso(self.first_arrival),
            "approximateArrivalOfLastRecord": _iso(self.last_arrival),
            "batchSize": self.batch_size,
            "streamArn": self.source_arn,
        }
        response: dict[str, object] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if self.error is not None:
            response["functionError"] = "Unhandled"
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self.attempts,
            },
            "responseContext": response,
            "version": "1.0",
            "timestamp": _stamp(now or datetime.now(UTC)),
            ("DDBStreamBatchInfo" if self.kind == "dynamodb" else "KinesisBatchInfo"): info,
        }


OnFailure: TypeAlias = Callable[[FailedBatch], None]
"""Called with each batch the mapping gives up on; raising keeps the batch where it is."""


class DestinationError(RuntimeError):
    """The on-failure destination did not take the record."""


def send_to_queue(sqs: SqsPort, queue_url: str) -> OnFailure:
    """An `OnFailure` that sends Lambda's invocation record to the queue `queue_url`.

    The callable raises `DestinationError` when SQS does not take the message.
    """

    def send(batch: FailedBatch) -> None:
        message = JsonObject({"Id": "0", "MessageBody": json.dumps(batch.to_record())})
        outcome = run_fresh(sqs.send_message_batch([message], queue_url=queue_url))
        if outcome.failed_count:
            raise DestinationError(f"SQS refused the failure record: {outcome.results[0]}")

    return send


def send_to_bus(eventbridge: EventBridgePort, bus_name: str) -> OnFailure:
    """An `OnFailure` that puts Lambda's invocation record on the bus `bus_name`.

    The event has ``source`` ``lambda`` and the ``detail-type`` of Lambda's failure records.

    The callable raises `DestinationError` when EventBridge does not take the event.
    """

    def send(batch: FailedBatch) -> None:
        entry = JsonObject(
            {
                "EventBusName": bus_name,
                "Source": "lambda",
                "DetailType": FAILURE_DETAIL_TYPE,
                "Detail": json.dumps(batch.to_record()),
            }
        )
        outcome = run_fresh(eventbridge.put_events([entry]))
        if outcome.failed_count:
            raise DestinationError(f"EventBridge refused the failure record: {outcome.results[0]}")

    return send


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else _stamp(datetime.fromtimestamp(epoch, UTC))


def _stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as Lambda writes it: ``2019-11-14T00:38:06.021Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
