"""DynamoDBConnector: native values on the wire, condition failures, batches and pages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodb import ConditionFailed, DynamoDBConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonValue
from lambda_stream.utils.dynamodb import Base64

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

T = TypeVar("T")
Script = Callable[[dict[str, Any]], object]
"""Answers a call's parameters with a response (a dict), or an exception to raise."""


class Client:
    """Stands in for a boto3 DynamoDB client: records calls, answers from `script`."""

    def __init__(self, script: Script | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.script = script

    def _answer(self, operation: str, params: dict[str, Any]) -> dict[str, object]:
        self.calls.append((operation, params))
        answer = self.script(params) if self.script else {}
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, dict)
        return {**answer, "ResponseMetadata": {"HTTPStatusCode": 200}}

    def __getattr__(self, operation: str) -> Callable[..., dict[str, object]]:
        return lambda **params: self._answer(operation, params)


def _error(code: str, **extra: object) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": code}, **extra}
    return ClientError(response, "Op")  # type: ignore[arg-type]  # botocore's TypedDict omits Item


def _connector(client: Client) -> DynamoDBConnector:
    options = resolve_options({}, batch_max_retries=2, batch_retry_wait_ms=1)
    return DynamoDBConnector(Connections(options), client=cast("DynamoDBClient", client))


def _run(call: Coroutine[object, object, T]) -> T:
    return asyncio.run(call)


def test_an_update_is_marshalled_with_binaries_as_bytes() -> None:
    client = Client()
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Key": {"pk": "1"},
        "UpdateExpression": "SET #b = :b, #n = :n",
        "ExpressionAttributeNames": {"#b": "b", "#n": "n"},
        "ExpressionAttributeValues": {":b": Base64("aGk="), ":n": Decimal("1.5")},
    }
    _run(_connector(client).update(request))
    assert client.calls == [
        (
            "update_item",
            {
                "TableName": "t",
                "Key": {"pk": {"S": "1"}},
                "UpdateExpression": "SET #b = :b, #n = :n",
                "ExpressionAttributeNames": {"#b": "b", "#n": "n"},
                "ExpressionAttributeValues": {":b": {"B": b"hi"}, ":n": {"N": "1.5"}},
            },
        )
    ]


def test_empty_attribute_maps_are_left_out() -> None:
    """DynamoDB rejects an empty ``ExpressionAttributeValues``, which `update_expression`
    writes for an item holding only removals (the JS library sends it and fails)."""
    client = Client()
    request: dict[str, JsonValue] = {
        "TableName": "t",
        "Key": {"pk": "1"},
        "UpdateExpression": "REMOVE #a",
        "ExpressionAttributeNames": {"#a": "a"},
        "ExpressionAttributeValues": {},
    }
    _run(_connector(client).update(request))
    assert "ExpressionAttributeValues" not in client.calls[0][1]


def test_the_answer_comes_back_in_native_values() -> None:
    attributes = {"n": {"N": "2"}, "s": {"SS": ["a"]}, "b": {"B": b"hi"}}
    answer = _run(
        _connector(Client(lambda _: {"Attributes": attributes})).update({"TableName": "t"})
    )
    assert answer == {"Attributes": {"n": 2, "s": frozenset({"a"}), "b": "aGk="}}


def test_a_failed_condition_is_told_apart() -> None:
    old = {"pk": {"S": "1"}, "v": {"N": "3"}}
    client = Client(lambda _: _error("ConditionalCheckFailedException", Item=old))
    with pytest.raises(ConditionFailed) as failed:
        _run(_connector(client).put({"TableName": "t", "Item": {"pk": "1"}}))
    assert failed.value.item == {"pk": "1", "v": 3}
    assert not is_retryable(failed.value)


def test_other_errors_are_raised_as_they_are() -> None:
    client = Client(lambda _: _error("ProvisionedThroughputExceededException"))
    with pytest.raises(ClientError) as failed:
        _run(_connector(client).delete({"TableName": "t", "Key": {"pk": "1"}}))
    assert is_retryable(failed.value)


def test_get_answers_the_item() -> None:
    client = Client(lambda _: {"Item": {"pk": {"S": "1"}}})
    assert _run(_connector(client).get({"TableName": "t", "Key": {"pk": "1"}})) == {
        "Item": {"pk": "1"}
    }


def test_a_query_follows_the_last_evaluated_key() -> None:
    pages = iter(
        [
            {"Items": [{"n": {"N": "1"}}], "LastEvaluatedKey": {"pk": {"S": "a"}}},
            {"Items": [{"n": {"N": "2"}}]},
        ]
    )
    client = Client(lambda _: next(pages))
    items = _run(_connector(client).query({"TableName": "t", "KeyConditionExpression": "x"}))
    assert [item["n"] for item in items] == [1, 2]
    assert client.calls[1][1]["ExclusiveStartKey"] == {"pk": {"S": "a"}}


def test_a_query_stops_at_limit_items() -> None:
    page = {"Items": [{"n": {"N": "1"}}, {"n": {"N": "2"}}], "LastEvaluatedKey": {"pk": {"S": "a"}}}
    client = Client(lambda _: page)
    items = _run(_connector(client).query({"TableName": "t", "Limit": 2}))
    assert (len(items), len(client.calls)) == (2, 1)


def test_a_scan_reads_every_page() -> None:
    pages = iter(
        [{"Items": [], "LastEvaluatedKey": {"pk": {"S": "a"}}}, {"Items": [{"n": {"N": "1"}}]}]
    )
    client = Client(lambda _: next(pages))
    assert len(_run(_connector(client).scan({"TableName": "t"}))) == 1
    assert [operation for operation, _ in client.calls] == ["scan", "scan"]
