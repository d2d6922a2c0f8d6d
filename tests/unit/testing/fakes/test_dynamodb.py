"""InMemoryDynamoDB: writes, conditions, update expressions, batches and pages, as DynamoDB."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import TypeVar

import pytest

from lambda_stream.connectors.dynamodb import ConditionFailed
from lambda_stream.core.errors import RetryableError
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.fakes.dynamodb import InMemoryDynamoDB, UnsupportedExpression
from lambda_stream.utils.expressions import timestamp_condition, update_expression

T = TypeVar("T")
KEY: dict[str, JsonValue] = {"pk": "1", "sk": "a"}


def _run(call: Coroutine[object, object, T]) -> T:
    return asyncio.run(call)


def _update(db: InMemoryDynamoDB, item: dict[str, JsonValue], **extra: JsonValue) -> JsonObject:
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Key": KEY,
        **update_expression(item),
        **extra,
    }
    return _run(db.update(request))


def _numbers(page: JsonObject) -> list[object]:
    items = page["Items"]
    assert isinstance(items, Sequence)
    return [item["n"] for item in items if isinstance(item, JsonObject)]


def _requests(call: JsonObject) -> Sequence[object]:
    requests = call.get_object("RequestItems").get("t")
    assert isinstance(requests, Sequence)
    return requests


def test_an_update_creates_the_item_from_its_key() -> None:
    db = InMemoryDynamoDB()
    answer = _update(db, {"name": "n"})
    assert answer == {"Attributes": {"pk": "1", "sk": "a", "name": "n"}}
    assert db.items("t") == [{"pk": "1", "sk": "a", "name": "n"}]


def test_an_update_sets_removes_adds_and_deletes() -> None:
    db = InMemoryDynamoDB()
    db.seed(
        "t", {**KEY, "n": 1, "gone": "x", "tags": frozenset({"a", "b"}), "more": frozenset({1})}
    )
    _update(db, {"set": "v", "gone": None, "more": frozenset({2}), "tags_delete": "a"})
    assert db.items("t") == [
        {**KEY, "n": 1, "tags": frozenset({"b"}), "more": frozenset({1, 2}), "set": "v"}
    ]


def test_deleting_the_last_member_removes_the_set() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", {**KEY, "tags": frozenset({"a"})})
    _update(db, {"tags_delete": "a"})
    assert db.items("t") == [KEY]


def test_set_evaluates_arithmetic_and_if_not_exists() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", {**KEY, "n": 1})
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Key": KEY,
        "UpdateExpression": "SET n = n + :one, #c = if_not_exists(#c, :zero)",
        "ExpressionAttributeNames": {"#c": "c"},
        "ExpressionAttributeValues": {":one": 1, ":zero": 0},
    }
    _run(db.update(request))
    assert db.items("t") == [{**KEY, "n": 2, "c": 0}]


def test_an_update_of_a_key_attribute_is_refused() -> None:
    db = InMemoryDynamoDB()
    with pytest.raises(UnsupportedExpression, match="part of the key"):
        _update(db, {"pk": "2"})


def test_a_newer_stored_timestamp_fails_the_condition() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", {**KEY, "timestamp": 5})
    with pytest.raises(ConditionFailed):
        _update(db, {"timestamp": 4}, **timestamp_condition())
    assert db.items("t") == [{**KEY, "timestamp": 5}]


def test_an_older_or_absent_timestamp_lets_the_update_through() -> None:
    db = InMemoryDynamoDB()
    _update(db, {"timestamp": 4}, **timestamp_condition())
    _update(db, {"timestamp": 6}, **timestamp_condition())
    assert db.items("t") == [{**KEY, "timestamp": 6}]


def test_a_failed_condition_returns_the_stored_item_when_asked() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", KEY)
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Item": KEY,
        "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    with pytest.raises(ConditionFailed) as failed:
        _run(db.put(request))
    assert failed.value.item == KEY


def test_conditions_combine_with_and_or_not_and_parentheses() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", {**KEY, "a": 1, "s": "abc"})
    condition = "NOT (a > :one OR begins_with(s, :x)) AND a BETWEEN :zero AND :one"
    values: dict[str, JsonValue] = {":one": 1, ":zero": 0, ":x": "x"}
    request: dict[str, JsonValue] = {"TableName": "t", "Key": KEY, "ConditionExpression": condition}
    _run(db.delete({**request, "ExpressionAttributeValues": values}))
    assert db.items("t") == []


def test_put_replaces_and_returns_the_old_item_when_asked() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", {**KEY, "v": 1})
    answer = _run(db.put({"TableName": "t", "Item": {**KEY, "v": 2}, "ReturnValues": "ALL_OLD"}))
    assert answer == {"Attributes": {**KEY, "v": 1}}
    assert db.items("t") == [{**KEY, "v": 2}]


def test_get_finds_the_item_or_nothing() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", KEY)
    assert _run(db.get({"TableName": "t", "Key": KEY})) == {"Item": KEY}
    assert _run(db.get({"TableName": "t", "Key": {"pk": "2", "sk": "a"}})) == {}


def test_a_table_keyed_by_pk_alone() -> None:
    db = InMemoryDynamoDB(keys={"t": ("id",)})
    db.seed("t", {"id": "x", "sk": "not a key"}, {"id": "x", "sk": "replaced"})
    assert db.items("t") == [{"id": "x", "sk": "replaced"}]


def test_batch_writes_go_25_to_a_call() -> None:
    db = InMemoryDynamoDB()
    requests = [JsonObject({"PutRequest": {"Item": {"pk": str(n), "sk": "a"}}}) for n in range(30)]
    outcome = _run(db.batch_write("t", requests))
    assert [len(_requests(call)) for _, call in db.calls] == [25, 5]
    assert outcome.failed_count == 0
    assert len(db.items("t")) == 30


def test_unprocessed_batch_writes_are_retried_until_stored() -> None:
    db = InMemoryDynamoDB(unprocess=lambda request, attempt: attempt < 2)
    deletes = [JsonObject({"DeleteRequest": {"Key": KEY}})]
    db.seed("t", KEY)
    outcome = _run(db.batch_write("t", deletes))
    assert (outcome.failed_count, len(db.calls), db.items("t")) == (0, 3, [])


def test_writes_left_unprocessed_after_the_retries_are_retryable_failures() -> None:
    db = InMemoryDynamoDB(unprocess=lambda request, attempt: True, max_retries=1)
    outcome = _run(db.batch_write("t", [JsonObject({"PutRequest": {"Item": KEY}})]))
    (result,) = outcome.results
    assert (result.error_code, result.retryable, db.items("t")) == ("UnprocessedItems", True, [])


def test_a_malformed_batch_write_fails_alone() -> None:
    db = InMemoryDynamoDB()
    outcome = _run(
        db.batch_write("t", [JsonObject({"Oops": {}}), JsonObject({"PutRequest": {"Item": KEY}})])
    )
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("ValidationException", False),
        (None, False),
    ]


def test_batch_get_answers_the_found_items_per_table() -> None:
    db = InMemoryDynamoDB()
    db.seed("t", KEY)
    answer = _run(db.batch_get({"RequestItems": {"t": {"Keys": [KEY, {"pk": "9", "sk": "z"}]}}}))
    assert answer == {"Responses": {"t": [KEY]}}


def _seed_partition(db: InMemoryDynamoDB, count: int) -> None:
    db.seed(
        "t", *({"pk": "p", "sk": f"{n:02}", "n": n} for n in range(count)), {"pk": "q", "sk": "0"}
    )


def test_a_query_pages_by_limit() -> None:
    db = InMemoryDynamoDB()
    _seed_partition(db, 5)
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ExpressionAttributeValues": {":pk": "p"},
        "Limit": 2,
    }
    first = _run(db.query_page(request))
    assert _numbers(first) == [0, 1]
    assert first["LastEvaluatedKey"] == {"pk": "p", "sk": "01"}
    second = _run(db.query_page({**request, "ExclusiveStartKey": first["LastEvaluatedKey"]}))
    assert _numbers(second) == [2, 3]


def test_a_scan_reads_pages_until_limit_items() -> None:
    db = InMemoryDynamoDB()
    _seed_partition(db, 5)
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Limit": 2,
        "FilterExpression": "n > :zero",
        "ExpressionAttributeValues": {":zero": 0},
    }
    items = _run(db.scan(request))
    assert [item["n"] for item in items] == [1, 2, 3]
    assert [operation for operation, _ in db.calls] == ["scan_page"] * 2


def test_a_filter_applies_after_the_limit() -> None:
    db = InMemoryDynamoDB()
    _seed_partition(db, 5)
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Limit": 3,
        "FilterExpression": "n > :one",
        "ExpressionAttributeValues": {":one": 1},
    }
    page = _run(db.scan_page(request))
    assert (page["Count"], page["ScannedCount"]) == (1, 3)


def test_an_injected_failure_is_raised() -> None:
    db = InMemoryDynamoDB(fail=lambda operation, request: RetryableError("throttled"))
    with pytest.raises(RetryableError):
        _run(db.get({"TableName": "t", "Key": KEY}))


def test_an_expression_it_cannot_evaluate_says_so() -> None:
    db = InMemoryDynamoDB()
    with pytest.raises(UnsupportedExpression):
        _run(db.update({"TableName": "t", "Key": KEY, "UpdateExpression": "SET a.b = :x"}))
