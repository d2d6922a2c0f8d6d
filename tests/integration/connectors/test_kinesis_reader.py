"""KinesisConnector as a reader over real HTTP: moto's shards, iterators and records."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from functools import cache

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.kinesis import KinesisConnector
from lambda_stream.testing.moto import LocalAws


@cache
def _session() -> boto3.Session:
    # Made inside the first test, once `aws` has set the environment (0.2 s per new session).
    return boto3.Session(region_name="us-east-1")


@pytest.fixture
def connector(aws: LocalAws) -> Iterator[KinesisConnector]:
    options = resolve_options({}, timeout_ms=30_000)
    connections = Connections(options, session=_session(), endpoint_url=aws.endpoint_url)
    yield KinesisConnector(connections)
    connections.close()


def test_the_shards_of_a_stream_are_listed(aws: LocalAws, connector: KinesisConnector) -> None:
    aws.client("kinesis").create_stream(StreamName="s", ShardCount=2)
    shards = asyncio.run(connector.list_shards(stream_name="s"))
    assert [shard.shard_id for shard in shards] == ["shardId-000000000000", "shardId-000000000001"]


def test_records_are_read_through_an_iterator_named_by_stream(
    aws: LocalAws, connector: KinesisConnector
) -> None:
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.put_record(StreamName="s", Data=b'{"a":1}', PartitionKey="k")
    iterator = asyncio.run(
        connector.get_shard_iterator(
            stream_name="s", shard_id="shardId-000000000000", iterator_type="TRIM_HORIZON"
        )
    )
    page = asyncio.run(connector.get_records(iterator))
    (record,) = page.records
    assert base64.b64decode(record.get_str("Data") or "") == b'{"a":1}'
    assert record["PartitionKey"] == "k"
    assert page.millis_behind_latest == 0
