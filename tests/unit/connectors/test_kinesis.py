"""KinesisConnector: the PutRecords request, per-record results, retries of failed records."""

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
from lambda_stream.connectors.kinesis import KinesisConnector
from lambda_stream.core.json import JsonObject

OPTIONS = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=2)
# botocore's model gives FailedRecordCount a minimum of 1: the stubs leave a zero count out.
OK = {"SequenceNumber": "1", "ShardId": "shardId-000000000000"}
THROTTLED = {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow down"}


@pytest.fixture
def stubbed() -> Iterator[tuple[KinesisConnector, Stubber]]:
    client = boto3.client(
        "kinesis", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with closing(Connections(OPTIONS, threads=1)) as connections, Stubber(client) as stubber:
        yield KinesisConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def _records(*keys: str) -> list[JsonObject]:
    return [JsonObject({"Data": f"d-{key}".encode(), "PartitionKey": key}) for key in keys]


def _put(connector: KinesisConnector, records: list[JsonObject]) -> BatchOutcome[JsonObject]:
    return asyncio.run(connector.put_records(records, stream_name="s"))


def test_the_request_names_the_stream_and_carries_data_and_partition_keys(
    stubbed: tuple[KinesisConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    expected = {
        "StreamName": "s",
        "Records": [{"Data": b"d-a", "PartitionKey": "a"}, {"Data": b"d-b", "PartitionKey": "b"}],
    }
    stubber.add_response("put_records", {"Records": [OK, OK]}, expected)
    outcome = _put(connector, _records("a", "b"))
    assert outcome.failed_count == 0


def test_text_data_is_sent_as_utf8(stubbed: tuple[KinesisConnector, Stubber]) -> None:
    connector, stubber = stubbed
    expected = {"StreamName": "s", "Records": [{"Data": "é".encode(), "PartitionKey": "k"}]}
    stubber.add_response("put_records", {"Records": [OK]}, expected)
    _put(connector, [JsonObject({"Data": "é", "PartitionKey": "k"})])


def test_only_the_failed_records_are_sent_again(stubbed: tuple[KinesisConnector, Stubber]) -> None:
    connector, stubber = stubbed
    first = {"FailedRecordCount": 1, "Records": [OK, THROTTLED, OK]}
    stubber.add_response("put_records", first)
    retry = {"StreamName": "s", "Records": [{"Data": b"d-b", "PartitionKey": "b"}]}
    stubber.add_response("put_records", {"Records": [OK]}, retry)
    outcome = _put(connector, _records("a", "b", "c"))
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2


def test_a_record_failing_past_the_retries_keeps_its_failure(
    stubbed: tuple[KinesisConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    for _ in range(3):  # the first call and two retries
        stubber.add_response("put_records", {"FailedRecordCount": 1, "Records": [THROTTLED]})
    outcome = _put(connector, _records("a"))
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("ProvisionedThroughputExceededException", True)
    ]


def test_a_refused_call_raises(stubbed: tuple[KinesisConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("put_records", "ResourceNotFoundException", http_status_code=400)
    with pytest.raises(connector.client.exceptions.ResourceNotFoundException):
        _put(connector, _records("a"))
