"""DynamoDBConnector over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from decimal import Decimal
from functools import cache
from typing import TypeVar

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodb import (
    ConditionFailed,
    DynamoDBConnector,
    UnprocessedKeysError,
)
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule, throttling
from lambda_stream.testing.moto import LocalAws
from lambda_stream.utils.dynamodb import Base64
from lambda_stream.utils.expressions import update_expression

pytestmark = pytest.mark.usefixtures("instant_backoff")

T = TypeVar("T")


def _table(aws: LocalAws, name: str = "t") -> None:
    aws.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@cache
def _session() -> boto3.Session:
    """One session for the module: a client of a new session costs 0.2 s to build."""
    return boto3.Session(region_name="us-east-1")


def _connector(endpoint: str, retries: int = 8, attempts: int | None = None) -> DynamoDBConnector:
    options = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=retries)
    connections = Connections(options, session=_session(), endpoint_url=endpoint)
    if attempts is None:
        return DynamoDBConnector(connections)
    client = connections.session.client(
        "dynamodb", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": attempts})
    )
    return DynamoDBConnector(connections, client=client)


def _run(call: Coroutine[object, object, T]) -> T:
    return asyncio.run(call)


def _put(n: int) -> JsonObject:
    return JsonObject({"PutRequest": {"Item": {"pk": f"p{n:03}", "sk": "s", "n": n}}})


def _stored(aws: LocalAws, table: str = "t") -> list[str]:
    pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return sorted(item["pk"]["S"] for page in pages for item in page["Items"])


def test_native_values_survive_a_round_trip(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    item: dict[str, JsonValue] = {
        "pk": "1",
        "sk": "a",
        "big": 2**70,
        "price": Decimal("99.95"),
        "tags": frozenset({"x", "y"}),
        "blob": Base64("aGk="),
        "nested": {"l": [1, None, True]},
    }
    _run(db.put({"TableName": "t", "Item": item}))
    assert _run(db.get({"TableName": "t", "Key": {"pk": "1", "sk": "a"}})) == {"Item": item}


def test_an_update_returns_the_new_item(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    request = {"TableName": "t", "Key": {"pk": "1", "sk": "a"}, **update_expression({"v": 1})}
    answer = _run(db.update(request))
    assert answer.get("Attributes") == {"pk": "1", "sk": "a", "v": 1}


def test_an_update_that_only_removes_goes_through(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    key: dict[str, JsonValue] = {"pk": "1", "sk": "a"}
    _run(db.put({"TableName": "t", "Item": {**key, "gone": 1}}))
    _run(db.update({"TableName": "t", "Key": key, **update_expression({"gone": None})}))
    assert _run(db.get({"TableName": "t", "Key": key})) == {"Item": key}


def test_a_failed_condition_raises_condition_failed(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    item: dict[str, JsonValue] = {"pk": "1", "sk": "a"}
    _run(db.put({"TableName": "t", "Item": item}))
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Item": {**item, "v": 2},
        "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    with pytest.raises(ConditionFailed) as failed:
        _run(db.put(request))
    assert failed.value.item == item


def test_a_delete_removes_the_item(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    key: dict[str, JsonValue] = {"pk": "1", "sk": "a"}
    _run(db.put({"TableName": "t", "Item": key}))
    _run(db.delete({"TableName": "t", "Key": key}))
    assert _stored(aws) == []


def test_throttling_that_outlives_the_sdk_retries_is_retryable(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(Rule(service="dynamodb", operation="UpdateItem", error=throttling("dynamodb")))
    db = _connector(fault_proxy.url, attempts=2)
    with pytest.raises(ClientError) as failed:
        _run(
            db.update(
                {"TableName": "t", "Key": {"pk": "1", "sk": "a"}, **update_expression({"v": 1})}
            )
        )
    assert is_retryable(failed.value)
    assert len(fault_proxy.calls) == 2


def test_batch_writes_go_25_to_a_call(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _table(aws)
    outcome = _run(_connector(fault_proxy.url).batch_write("t", [_put(n) for n in range(30)]))
    assert outcome.failed_count == 0
    assert fault_proxy.stats.by_operation == {"dynamodb.BatchWriteItem": 2}
    assert len(_stored(aws)) == 30


def test_unprocessed_writes_are_retried_until_every_item_is_stored(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchWriteItem", partial=Partial(fraction=0.3))
    )
    outcome = _run(_connector(fault_proxy.url).batch_write("t", [_put(n) for n in range(25)]))
    assert outcome.failed_count == 0
    assert _stored(aws) == [f"p{n:03}" for n in range(25)]
    assert len(fault_proxy.calls) > 1


def test_writes_still_unprocessed_fail_retryably_and_are_not_stored(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchWriteItem", partial=Partial(indices=(0,)))
    )
    outcome = _run(
        _connector(fault_proxy.url, retries=1).batch_write("t", [_put(n) for n in range(3)])
    )
    assert [(r.failed, r.retryable) for r in outcome.results] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    assert _stored(aws) == ["p001", "p002"]


def test_an_item_dynamodb_refuses_fails_alone(aws: LocalAws) -> None:
    _table(aws)
    too_big = JsonObject({"PutRequest": {"Item": {"pk": "big", "sk": "s", "x": "x" * 410_000}}})
    requests = [_put(0), too_big, _put(1), _put(1)]  # p001 twice: a duplicate in one call
    outcome = _run(_connector(aws.endpoint_url).batch_write("t", requests))
    assert [r.error_code for r in outcome.results] == [None, "ValidationException", None, None]
    assert _stored(aws) == ["p000", "p001"]


def _found(answer: JsonObject) -> list[str]:
    items = answer.get_object("Responses").get("t")
    assert isinstance(items, Sequence)
    return sorted(item.get_str("pk") or "" for item in items if isinstance(item, JsonObject))


def test_batch_get_asks_100_keys_a_call(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _table(aws)
    db = _connector(fault_proxy.url)
    _run(db.batch_write("t", [_put(n) for n in range(120)]))
    keys: list[JsonValue] = [{"pk": f"p{n:03}", "sk": "s"} for n in range(120)]
    answer = _run(db.batch_get({"RequestItems": {"t": {"Keys": keys}}}))
    assert _found(answer) == [f"p{n:03}" for n in range(120)]
    assert fault_proxy.stats.by_operation["dynamodb.BatchGetItem"] == 2


def test_batch_get_asks_again_for_unprocessed_keys(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _table(aws)
    db = _connector(fault_proxy.url)
    _run(db.batch_write("t", [_put(n) for n in range(30)]))
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchGetItem", partial=Partial(fraction=0.3))
    )
    keys: list[JsonValue] = [{"pk": f"p{n:03}", "sk": "s"} for n in range(30)]
    answer = _run(db.batch_get({"RequestItems": {"t": {"Keys": keys}}}))
    assert _found(answer) == [f"p{n:03}" for n in range(30)]
    assert fault_proxy.stats.failed_entries > 0


def test_keys_still_unprocessed_raise_a_retryable_error(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchGetItem", partial=Partial(fraction=1.0))
    )
    with pytest.raises(UnprocessedKeysError) as failed:
        _run(
            _connector(fault_proxy.url, retries=1).batch_get(
                {"RequestItems": {"t": {"Keys": [{"pk": "1", "sk": "s"}]}}}
            )
        )
    assert is_retryable(failed.value)


def test_a_query_reads_every_page_and_a_scan_too(aws: LocalAws) -> None:
    _table(aws)
    db = _connector(aws.endpoint_url)
    _run(
        db.batch_write(
            "t",
            [JsonObject({"PutRequest": {"Item": {"pk": "p", "sk": f"{n:02}"}}}) for n in range(7)],
        )
    )
    query: dict[str, JsonValue] = {
        "TableName": "t",
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ExpressionAttributeValues": {":pk": "p"},
    }
    page = _run(db.query_page({**query, "Limit": 3}))
    assert page.get("LastEvaluatedKey") == {"pk": "p", "sk": "02"}
    assert len(_run(db.query(query))) == 7
    assert len(_run(db.scan({"TableName": "t", "Limit": 100}))) == 7
