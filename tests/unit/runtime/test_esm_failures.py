"""Batches the mapping gave up on: Lambda's failure record, sent to a queue or a bus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal

import pytest

from lambda_stream.runtime.esm_failures import (
    FAILURE_DETAIL_TYPE,
    DestinationError,
    FailedBatch,
    send_to_bus,
    send_to_queue,
)
from lambda_stream.testing.fakes import InMemoryEventBridge, InMemorySqs

NOW = datetime(2026, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)


def _batch(kind: Literal["dynamodb", "kinesis"] = "kinesis", *, raised: bool = True) -> FailedBatch:
    return FailedBatch(
        kind=kind,
        source_arn="arn:aws:kinesis:us-east-1:123456789012:stream/s",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        shard_id="shardId-000000000000",
        start_sequence_number="1",
        end_sequence_number="3",
        batch_size=3,
        attempts=3,
        error=OSError("down") if raised else None,
        first_arrival=1767323045.0,
        last_arrival=1767323046.5,
    )


def test_a_kinesis_batch_is_described_as_lambda_describes_it() -> None:
    record = _batch().to_record(now=NOW)
    assert record["KinesisBatchInfo"] == {
        "shardId": "shardId-000000000000",
        "startSequenceNumber": "1",
        "endSequenceNumber": "3",
        "approximateArrivalOfFirstRecord": "2026-01-02T03:04:05.000Z",
        "approximateArrivalOfLastRecord": "2026-01-02T03:04:06.500Z",
        "batchSize": 3,
        "streamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
    }
    assert record["timestamp"] == "2026-01-02T03:04:05.678Z"
    assert record["version"] == "1.0"


def test_the_request_context_names_the_function_and_the_attempts() -> None:
    context = _batch().to_record(now=NOW)["requestContext"]
    assert isinstance(context, dict)
    assert context["functionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:f"
    assert context["condition"] == "RetryAttemptsExhausted"
    assert context["approximateInvokeCount"] == 3


def test_a_handler_that_raised_is_an_unhandled_function_error() -> None:
    response = _batch().to_record(now=NOW)["responseContext"]
    assert response == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }


def test_failed_items_are_no_function_error() -> None:
    response = _batch(raised=False).to_record(now=NOW)["responseContext"]
    assert response == {"statusCode": 200, "executedVersion": "$LATEST"}


def test_a_dynamodb_batch_is_described_under_its_own_key() -> None:
    record = _batch("dynamodb").to_record(now=NOW)
    assert "DDBStreamBatchInfo" in record
    assert "KinesisBatchInfo" not in record


def test_send_to_queue_sends_the_record_as_the_message_body() -> None:
    sqs = InMemorySqs()
    send_to_queue(sqs, "q")(_batch())
    (body,) = sqs.bodies
    assert json.loads(body)["KinesisBatchInfo"]["batchSize"] == 3


def test_send_to_queue_raises_when_sqs_refuses() -> None:
    sqs = InMemorySqs(refuse=lambda message, attempt: "InvalidMessageContents")
    with pytest.raises(DestinationError):
        send_to_queue(sqs, "q")(_batch())


def test_send_to_bus_puts_lambdas_failure_event() -> None:
    bus = InMemoryEventBridge()
    send_to_bus(bus, "b")(_batch())
    (entry,) = bus.entries
    assert entry.get_str("Source") == "lambda"
    assert entry.get_str("DetailType") == FAILURE_DETAIL_TYPE
    assert entry.get_str("EventBusName") == "b"
    assert (
        json.loads(entry.get_str("Detail") or "")["requestContext"]["approximateInvokeCount"] == 3
    )
