"""KinesisConnector over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
from contextlib import closing
from functools import cache

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.kinesis import KinesisConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

# A call that times out is sent again by botocore, and may be stored twice if the first one
# went through: on a loaded machine moto can take longer than the default second.
TIMEOUT_MS = 30_000


@cache
def _session() -> boto3.Session:
    # One session for the module, made inside the first test (after the `aws` fixture has set
    # the environment): a new session loads the service models again, 0.2 s a test.
    return boto3.Session(region_name="us-east-1")


def _stream(aws: LocalAws) -> None:
    aws.client("kinesis").create_stream(StreamName="s", ShardCount=1)


def _stored(aws: LocalAws) -> list[bytes]:
    kinesis = aws.client("kinesis")
    iterator = kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [record["Data"] for record in kinesis.get_records(ShardIterator=iterator)["Records"]]


def _put(endpoint: str, count: int, stream: str = "s") -> BatchOutcome[JsonObject]:
    options = resolve_options({}, batch_retry_wait_ms=1, timeout_ms=TIMEOUT_MS)
    records = [JsonObject({"Data": f"r{n}".encode(), "PartitionKey": "k"}) for n in range(count)]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        connector = KinesisConnector(connections)
        return asyncio.run(connector.put_records(records, stream_name=stream))


def test_the_records_are_put_on_the_stream(aws: LocalAws) -> None:
    _stream(aws)
    outcome = _put(aws.endpoint_url, 3)
    assert outcome.failed_count == 0
    assert [result.entry["SequenceNumber"] for result in outcome.results] == ["1", "2", "3"]
    assert _stored(aws) == [b"r0", b"r1", b"r2"]


def test_records_that_failed_are_put_again_and_each_is_stored_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _stream(aws)
    partial = Partial(indices=(0, 2))
    fault_proxy.add(Rule(service="kinesis", operation="PutRecords", partial=partial, max_hits=1))
    outcome = _put(fault_proxy.url, 4)
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2
    assert sorted(_stored(aws)) == [b"r0", b"r1", b"r2", b"r3"]


def test_a_missing_stream_fails_the_call(aws: LocalAws) -> None:
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        _put(aws.endpoint_url, 1, stream="missing")
