"""FirehoseConnector: the PutRecordBatch request, per-record results, retries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import closing

import boto3
import pytest
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.firehose import FirehoseConnector
from lambda_stream.core.json import JsonObject

OPTIONS = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=2)
OK = {"RecordId": "r"}
UNAVAILABLE = {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}


@pytest.fixture
def stubbed() -> Iterator[tuple[FirehoseConnector, Stubber]]:
    client = boto3.client(
        "firehose", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with closing(Connections(OPTIONS, threads=1)) as connections, Stubber(client) as stubber:
        yield FirehoseConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def _answer(*entries: dict[str, str]) -> dict[str, object]:
    failed = sum("ErrorCode" in entry for entry in entries)
    return {"FailedPutCount": failed, "RequestResponses": list(entries)}


def _put(connector: FirehoseConnector, *lines: str) -> BatchOutcome[JsonObject]:
    records = [JsonObject({"Data": line.encode()}) for line in lines]
    return asyncio.run(connector.put_record_batch(records, delivery_stream_name="lake"))


def test_the_request_names_the_delivery_stream(
    stubbed: tuple[FirehoseConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    expected = {"DeliveryStreamName": "lake", "Records": [{"Data": b"a\n"}, {"Data": b"b\n"}]}
    stubber.add_response("put_record_batch", _answer(OK, OK), expected)
    assert _put(connector, "a\n", "b\n").failed_count == 0


def test_only_the_failed_records_are_sent_again(
    stubbed: tuple[FirehoseConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_response("put_record_batch", _answer(UNAVAILABLE, OK))
    again = {"DeliveryStreamName": "lake", "Records": [{"Data": b"a\n"}]}
    stubber.add_response("put_record_batch", _answer(OK), again)
    outcome = _put(connector, "a\n", "b\n")
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2


def test_a_record_failing_past_the_retries_keeps_its_failure(
    stubbed: tuple[FirehoseConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    for _ in range(3):
        stubber.add_response("put_record_batch", _answer(UNAVAILABLE))
    outcome = _put(connector, "a\n")
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("ServiceUnavailableException", True)
    ]


def test_a_missing_delivery_stream_fails_the_call(
    stubbed: tuple[FirehoseConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("put_record_batch", "ResourceNotFoundException")
    with pytest.raises(connector.client.exceptions.ResourceNotFoundException):
        _put(connector, "a\n")
