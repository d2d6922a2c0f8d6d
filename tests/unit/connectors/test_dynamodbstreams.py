"""DynamoDBStreamsConnector: shards over pages, iterators, records in the API's JSON."""

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
from lambda_stream.connectors.dynamodbstreams import DynamoDBStreamsConnector
from lambda_stream.connectors.shards import Shard

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000"
# The model wants real lengths: shard ids of 28 characters and more, sequence numbers of 21.
S1 = "shardId-00000001541626099285-00000001"
S2 = "shardId-00000001541626099285-00000002"
SEQ = "1100000000017454423009"


@pytest.fixture
def stubbed() -> Iterator[tuple[DynamoDBStreamsConnector, Stubber]]:
    client = boto3.client(
        "dynamodbstreams", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with (
        closing(Connections(resolve_options({}), threads=1)) as connections,
        Stubber(client) as stubber,
    ):
        yield DynamoDBStreamsConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def test_the_shards_of_every_page_are_listed(
    stubbed: tuple[DynamoDBStreamsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    first = {"Shards": [{"ShardId": S1}], "LastEvaluatedShardId": S1}
    second = {"Shards": [{"ShardId": S2, "ParentShardId": S1}]}
    stubber.add_response("describe_stream", {"StreamDescription": first}, {"StreamArn": ARN})
    stubber.add_response(
        "describe_stream",
        {"StreamDescription": second},
        {"StreamArn": ARN, "ExclusiveStartShardId": S1},
    )
    shards = asyncio.run(connector.describe_stream(ARN))
    assert shards == (Shard(shard_id=S1), Shard(shard_id=S2, parent_shard_id=S1))


def test_an_iterator_at_a_sequence_number_names_it(
    stubbed: tuple[DynamoDBStreamsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    expected = {
        "StreamArn": ARN,
        "ShardId": S1,
        "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
        "SequenceNumber": SEQ,
    }
    stubber.add_response("get_shard_iterator", {"ShardIterator": "it"}, expected)
    iterator = asyncio.run(
        connector.get_shard_iterator(
            stream_arn=ARN,
            shard_id=S1,
            iterator_type="AFTER_SEQUENCE_NUMBER",
            sequence_number=SEQ,
        )
    )
    assert iterator == "it"


def test_an_iterator_at_a_sequence_number_needs_one(
    stubbed: tuple[DynamoDBStreamsConnector, Stubber],
) -> None:
    connector, _ = stubbed
    with pytest.raises(ValueError, match="needs a sequence number"):
        asyncio.run(
            connector.get_shard_iterator(
                stream_arn=ARN, shard_id="s1", iterator_type="AT_SEQUENCE_NUMBER"
            )
        )


def test_records_come_back_with_epoch_seconds_and_base64_binaries(
    stubbed: tuple[DynamoDBStreamsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    created = datetime(2026, 1, 1, 0, 0, 1, 500_000, tzinfo=UTC)
    record = {
        "eventID": "e1",
        "eventName": "INSERT",
        "dynamodb": {
            "ApproximateCreationDateTime": created,
            "Keys": {"pk": {"B": b"\x01"}},
            "SequenceNumber": SEQ,
        },
    }
    stubber.add_response(
        "get_records",
        {"Records": [record], "NextShardIterator": "next"},
        {"ShardIterator": "it", "Limit": 1000},
    )
    page = asyncio.run(connector.get_records("it", limit=5000))
    change = page.records[0].get_object("dynamodb")
    assert change["ApproximateCreationDateTime"] == created.timestamp()
    assert change["Keys"] == {"pk": {"B": "AQ=="}}
    assert page.next_iterator == "next"


def test_a_closed_shard_read_to_its_end_has_no_next_iterator(
    stubbed: tuple[DynamoDBStreamsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_response("get_records", {"Records": []}, {"ShardIterator": "it"})
    assert asyncio.run(connector.get_records("it")).next_iterator is None
