"""DynamoDBConnector batches: 25 writes and 100 keys a call, unprocessed ones retried alone."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import pytest
from botocore.exceptions import ClientError

from lambda_stream.connectors.dynamodb import UnprocessedKeysError
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonObject, JsonValue
from tests.unit.connectors.test_dynamodb import Client, _connector, _error

T = TypeVar("T")


def _run(call: Coroutine[object, object, T]) -> T:
    return asyncio.run(call)


def _put(n: int) -> JsonObject:
    return JsonObject({"PutRequest": {"Item": {"pk": str(n)}}})


def _wired(n: int) -> dict[str, object]:
    return {"PutRequest": {"Item": {"pk": {"S": str(n)}}}}


def _sent(client: Client) -> list[list[object]]:
    out = []
    for _, params in client.calls:
        items = params["RequestItems"]
        assert isinstance(items, dict)
        out.append(items["t"])
    return out


def test_writes_go_25_to_a_call() -> None:
    client = Client()
    outcome = _run(_connector(client).batch_write("t", [_put(n) for n in range(30)]))
    assert [len(batch) for batch in _sent(client)] == [25, 5]
    assert (len(outcome.results), outcome.failed_count) == (30, 0)


def test_unprocessed_writes_are_sent_again_alone() -> None:
    answers = iter([{"UnprocessedItems": {"t": [_wired(1)]}}, {}])
    client = Client(lambda _: next(answers))
    outcome = _run(_connector(client).batch_write("t", [_put(n) for n in range(3)]))
    assert _sent(client) == [[_wired(0), _wired(1), _wired(2)], [_wired(1)]]
    assert outcome.failed_count == 0
    assert outcome.responses[0] == {
        "UnprocessedItems": {"t": [{"PutRequest": {"Item": {"pk": "1"}}}]}
    }


def test_writes_still_unprocessed_after_the_retries_fail_retryably() -> None:
    client = Client(lambda params: {"UnprocessedItems": params["RequestItems"]})
    outcome = _run(_connector(client).batch_write("t", [_put(0), _put(1)]))
    assert len(client.calls) == 3  # the first call and batch_max_retries=2
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("UnprocessedItems", True)
    ] * 2


def test_an_unprocessed_write_that_matches_nothing_sends_the_batch_again() -> None:
    answers = iter([{"UnprocessedItems": {"t": [_wired(9)]}}, {}])
    client = Client(lambda _: next(answers))
    _run(_connector(client).batch_write("t", [_put(0), _put(1)]))
    assert _sent(client)[1] == [_wired(0), _wired(1)]


def _refuse_two(params: dict[str, object]) -> dict[str, object] | Exception:
    return _error("ValidationException") if _wired(2) in _sent_items(params) else {}


def _sent_items(params: dict[str, object]) -> list[object]:
    items = params["RequestItems"]
    assert isinstance(items, dict)
    return list(items["t"])


def test_a_write_refused_for_what_it_is_fails_alone_and_the_others_go_through() -> None:
    client = Client(_refuse_two)
    outcome = _run(_connector(client).batch_write("t", [_put(n) for n in range(4)]))
    assert [r.error_code for r in outcome.results] == [None, None, "ValidationException", None]
    assert not outcome.results[2].retryable
    stored = [item for batch in _sent(client) if _wired(2) not in batch for item in batch]
    assert stored == [_wired(0), _wired(1), _wired(3)]


def test_a_malformed_write_is_refused_without_a_call() -> None:
    client = Client()
    outcome = _run(_connector(client).batch_write("t", [JsonObject({"Item": {}}), _put(1)]))
    assert outcome.results[0].error_code == "ValidationException"
    assert _sent(client) == [[_wired(1)]]


def test_a_call_that_fails_as_a_whole_raises() -> None:
    client = Client(lambda _: _error("InternalServerError"))
    with pytest.raises(ClientError) as failed:
        _run(_connector(client).batch_write("t", [_put(0)]))
    assert is_retryable(failed.value)


def _keys(count: int) -> list[JsonValue]:
    return [{"pk": str(n)} for n in range(count)]


def test_keys_go_100_to_a_call_and_the_answers_are_gathered_per_table() -> None:
    def answer(params: dict[str, object]) -> dict[str, object]:
        items = params["RequestItems"]
        assert isinstance(items, dict)
        return {"Responses": {"t": items["t"]["Keys"]}}

    client = Client(answer)
    request: dict[str, JsonValue] = {
        "RequestItems": {"t": {"Keys": _keys(150), "ProjectionExpression": "pk"}}
    }
    out = _run(_connector(client).batch_get(request))
    found = out.get_object("Responses")["t"]
    assert isinstance(found, Sequence)
    assert len(found) == 150
    specs = [_sent_items_spec(params) for _, params in client.calls]
    assert sorted(len(spec["Keys"]) for spec in specs) == [50, 100]
    assert {spec["ProjectionExpression"] for spec in specs} == {"pk"}


def _sent_items_spec(params: dict[str, object]) -> dict[str, Any]:
    items = params["RequestItems"]
    assert isinstance(items, dict)
    spec: dict[str, Any] = items["t"]
    return spec


def test_unprocessed_keys_are_asked_again() -> None:
    answers = iter(
        [
            {
                "Responses": {"t": [{"pk": {"S": "0"}}]},
                "UnprocessedKeys": {"t": {"Keys": [{"pk": {"S": "1"}}]}},
            },
            {"Responses": {"t": [{"pk": {"S": "1"}}]}},
        ]
    )
    client = Client(lambda _: next(answers))
    out = _run(_connector(client).batch_get({"RequestItems": {"t": {"Keys": _keys(2)}}}))
    assert out == {"Responses": {"t": [{"pk": "0"}, {"pk": "1"}]}}
    assert client.calls[1][1]["RequestItems"] == {"t": {"Keys": [{"pk": {"S": "1"}}]}}


def test_keys_still_unprocessed_after_the_retries_are_a_retryable_error() -> None:
    client = Client(lambda params: {"Responses": {}, "UnprocessedKeys": params["RequestItems"]})
    with pytest.raises(UnprocessedKeysError) as failed:
        _run(_connector(client).batch_get({"RequestItems": {"t": {"Keys": _keys(1)}}}))
    assert is_retryable(failed.value)
    assert failed.value.unprocessed == {"t": {"Keys": [{"pk": "0"}]}}
    assert len(client.calls) == 3


def test_a_batch_get_without_keys_makes_no_call() -> None:
    client = Client()
    assert _run(_connector(client).batch_get({"RequestItems": {"t": {"Keys": []}}})) == {
        "Responses": {"t": []}
    }
    assert client.calls == []
