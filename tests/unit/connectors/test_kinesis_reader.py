"""KinesisConnector as a reader: shards over pages, iterators by stream name, records."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.kinesis import KinesisConnector

RANGES = {
    "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "1"},
    "SequenceNumberRange": {"StartingSequenceNumber": "0"},
}


@pytest.fixture
def stubbed() -> Iterator[tuple[KinesisConnector, Stubber]]:
    client = boto3.client(
        "kinesis", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with (
        closing(Connections(resolve_options({}), threads=1)) as connections,
        Stubber(client) as stubber,
    ):
        yield KinesisConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def test_the_shards_of_every_page_are_listed(stubbed: tuple[KinesisConnector, Stubber]) -> None:
    connector, stubber = stubbed
    first = {"Shards": [{"ShardId": "a", **RANGES}], "NextToken": "t"}
    stubber.add_response("list_shards", first, {"StreamName": "s"})
    second = {"Shards": [{"ShardId": "b", "ParentShardId": "a", **RANGES}]}
    stubber.add_response("list_shards", second, {"NextToken": "t"})
    shards = asyncio.run(connector.list_shards(stream_name="s"))
    assert [(shard.shard_id, shard.parent_shard_id) for shard in shards] == [
        ("a", None),
        ("b", "a"),
    ]


def test_an_iterator_names_the_stream_by_name(stubbed: tuple[KinesisConnector, Stubber]) -> None:
    connector, stubber = stubbed
    expected = {
        "StreamName": "s",
        "ShardId": "a",
        "ShardIteratorType": "AT_SEQUENCE_NUMBER",
        "StartingSequenceNumber": "7",
    }
    stubber.add_response("get_shard_iterator", {"ShardIterator": "it"}, expected)
    iterator = asyncio.run(
        connector.get_shard_iterator(
            stream_name="s", shard_id="a", iterator_type="AT_SEQUENCE_NUMBER", sequence_number="7"
        )
    )
    assert iterator == "it"


def test_records_come_back_with_base64_data_and_epoch_seconds(
    stubbed: tuple[KinesisConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    arrived = datetime(2026, 1, 1, tzinfo=UTC)
    record = {
        "SequenceNumber": "1",
        "Data": b"{}",
        "PartitionKey": "k",
        "ApproximateArrivalTimestamp": arrived,
    }
    response = {"Records": [record], "NextShardIterator": "n", "MillisBehindLatest": 0}
    stubber.add_response("get_records", response, {"ShardIterator": "it", "Limit": 10})
    page = asyncio.run(connector.get_records("it", limit=10))
    assert page.records[0] == {
        "SequenceNumber": "1",
        "Data": "e30=",
        "PartitionKey": "k",
        "ApproximateArrivalTimestamp": arrived.timestamp(),
    }
    assert (page.next_iterator, page.millis_behind_latest) == ("n", 0)
