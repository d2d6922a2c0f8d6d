"""DynamoDBStreamsConnector over real HTTP: a moto table's stream, read shard by shard."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import cache

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodbstreams import DynamoDBStreamsConnector
from lambda_stream.connectors.shards import IteratorType
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.moto import LocalAws


@cache
def _session() -> boto3.Session:
    # Made inside the first test, once `aws` has set the environment (0.2 s per new session).
    return boto3.Session(region_name="us-east-1")


@pytest.fixture
def connector(aws: LocalAws) -> Iterator[DynamoDBStreamsConnector]:
    options = resolve_options({}, timeout_ms=30_000)
    connections = Connections(options, session=_session(), endpoint_url=aws.endpoint_url)
    yield DynamoDBStreamsConnector(connections)
    connections.close()


def _stream(aws: LocalAws, *keys: str) -> str:
    table = aws.client("dynamodb")
    described = table.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for key in keys:
        table.put_item(TableName="t", Item={"pk": {"S": key}, "b": {"B": b"\x01"}})
    return described["TableDescription"]["LatestStreamArn"]


def _read(
    connector: DynamoDBStreamsConnector,
    arn: str,
    kind: IteratorType = "TRIM_HORIZON",
    sequence: str | None = None,
    limit: int | None = None,
) -> tuple[JsonObject, ...]:
    (shard,) = asyncio.run(connector.describe_stream(arn))
    iterator = asyncio.run(
        connector.get_shard_iterator(
            stream_arn=arn, shard_id=shard.shard_id, iterator_type=kind, sequence_number=sequence
        )
    )
    return asyncio.run(connector.get_records(iterator, limit=limit)).records


def test_the_records_of_a_table_come_in_the_apis_json(
    aws: LocalAws, connector: DynamoDBStreamsConnector
) -> None:
    arn = _stream(aws, "a")
    (record,) = _read(connector, arn)
    change = record.get_object("dynamodb")
    assert record["eventName"] == "INSERT"
    assert change["NewImage"] == {"pk": {"S": "a"}, "b": {"B": "AQ=="}}
    assert isinstance(change["ApproximateCreationDateTime"], float)


def test_a_page_holds_at_most_the_limit_and_the_next_iterator_goes_on(
    aws: LocalAws, connector: DynamoDBStreamsConnector
) -> None:
    arn = _stream(aws, "a", "b", "c")
    (shard,) = asyncio.run(connector.describe_stream(arn))
    iterator = asyncio.run(
        connector.get_shard_iterator(
            stream_arn=arn, shard_id=shard.shard_id, iterator_type="TRIM_HORIZON"
        )
    )
    first = asyncio.run(connector.get_records(iterator, limit=2))
    assert first.next_iterator is not None
    second = asyncio.run(connector.get_records(first.next_iterator, limit=2))
    keys = [r.get_object("dynamodb").get_object("Keys") for r in first.records + second.records]
    assert keys == [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}, {"pk": {"S": "c"}}]


def test_an_iterator_after_a_sequence_number_starts_past_it(
    aws: LocalAws, connector: DynamoDBStreamsConnector
) -> None:
    arn = _stream(aws, "a", "b")
    first, _ = _read(connector, arn)
    sequence = first.get_object("dynamodb").get_str("SequenceNumber")
    after = _read(connector, arn, "AFTER_SEQUENCE_NUMBER", sequence)
    assert [r.get_object("dynamodb").get_object("Keys") for r in after] == [{"pk": {"S": "b"}}]


def test_latest_starts_after_what_is_there(
    aws: LocalAws, connector: DynamoDBStreamsConnector
) -> None:
    arn = _stream(aws, "a")
    assert _read(connector, arn, "LATEST") == ()
