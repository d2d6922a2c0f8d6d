"""update_dynamodb, put_dynamodb, delete_dynamodb: one call per uow, answers and faults."""

from __future__ import annotations

from botocore.exceptions import ClientError

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.options import Options
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.dynamodb import (
    DELETE_REQUEST,
    DELETE_RESPONSE,
    FALLBACK_UPDATE_REQUEST,
    PUT_REQUEST,
    PUT_RESPONSE,
    UPDATE_REQUEST,
    UPDATE_RESPONSE,
    delete_dynamodb,
    put_dynamodb,
    update_dynamodb,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes.dynamodb import InMemoryDynamoDB
from lambda_stream.utils.expressions import timestamp_condition, update_expression

OPTIONS = resolve_options({"ENTITY_TABLE_NAME": "entities", "EVENT_TABLE_NAME": "events"})


def _key(n: int) -> dict[str, JsonValue]:
    return {"pk": f"p{n}", "sk": "thing"}


def _update(n: int, timestamp: int = 10, **item: JsonValue) -> JsonObject:
    expression = update_expression({"timestamp": timestamp, **item})
    return JsonObject({"Key": _key(n), **expression, **timestamp_condition()})


def _uow(n: int, **values: JsonObject) -> UnitOfWork:
    uow = UnitOfWork(record=JsonObject({"n": n}))
    for name, value in values.items():
        uow = uow.set(
            {
                "update": UPDATE_REQUEST,
                "fallback": FALLBACK_UPDATE_REQUEST,
                "put": PUT_REQUEST,
                "delete": DELETE_REQUEST,
            }[name],
            value,
        )
    return uow


def _run(sink: Sink, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(sink))


def _throttled(operation: str, request: JsonObject) -> BaseException:
    error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}
    return ClientError(error, "UpdateItem")  # type: ignore[arg-type]  # a botocore error shape


def test_an_update_goes_to_the_entity_table_and_adorns_the_answer() -> None:
    db = InMemoryDynamoDB()
    (out,) = _run(update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1, name="n"))])
    assert isinstance(out, UnitOfWork)
    assert out[UPDATE_RESPONSE] == {"Attributes": {**_key(1), "timestamp": 10, "name": "n"}}
    assert db.calls[0][1]["TableName"] == "entities"


def test_the_event_table_is_the_fallback_of_updates() -> None:
    db = InMemoryDynamoDB()
    _run(
        update_dynamodb(resolve_options({"EVENT_TABLE_NAME": "events"}), db),
        [_uow(1, update=_update(1))],
    )
    assert db.calls[0][1]["TableName"] == "events"


def test_a_request_naming_its_table_keeps_it() -> None:
    db = InMemoryDynamoDB()
    _run(update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1).set("TableName", "mine"))])
    assert len(db.items("mine")) == 1


def test_a_uow_without_a_request_passes_untouched_in_place() -> None:
    db = InMemoryDynamoDB()
    bare = _uow(2)
    out = _run(
        update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1)), bare, _uow(3, update=_update(3))]
    )
    assert out[1] is bare
    assert [uow.record for uow in out if isinstance(uow, UnitOfWork)] == [
        {"n": 1},
        {"n": 2},
        {"n": 3},
    ]


def test_a_stale_update_is_ignored_with_an_empty_answer() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {**_key(1), "timestamp": 20})
    (out,) = _run(update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1, timestamp=10))])
    assert isinstance(out, UnitOfWork)
    assert out[UPDATE_RESPONSE] == {}
    assert db.items("entities") == [{**_key(1), "timestamp": 20}]


def test_the_fallback_runs_once_when_the_condition_failed() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {**_key(1), "timestamp": 20})
    fallback = JsonObject({"Key": _key(1), **update_expression({"seen": True})})
    uow = _uow(1, update=_update(1), fallback=fallback)
    (out,) = _run(update_dynamodb(OPTIONS, db), [uow])
    assert isinstance(out, UnitOfWork)
    assert out[UPDATE_RESPONSE] == {"Attributes": {**_key(1), "timestamp": 20, "seen": True}}
    assert [operation for operation, _ in db.calls] == ["update", "update"]


def test_a_fallback_that_fails_its_condition_too_is_ignored() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {**_key(1), "timestamp": 20})
    (out,) = _run(
        update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1), fallback=_update(1, 15))]
    )
    assert isinstance(out, UnitOfWork)
    assert out[UPDATE_RESPONSE] == {}
    assert len(db.calls) == 2


def test_no_fallback_runs_after_a_successful_update() -> None:
    db = InMemoryDynamoDB()
    _run(update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1), fallback=_update(1, 5))])
    assert len(db.calls) == 1


def test_a_condition_the_rule_requires_is_a_fault_of_its_uow_only() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {**_key(1), "timestamp": 20})
    sink = update_dynamodb(OPTIONS, db, throw_condition_failure=True)
    out = _run(
        sink, [_uow(1, update=_update(1), fallback=_update(1, 30)), _uow(2, update=_update(2))]
    )
    fault = out[0]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable, len(db.calls)) == ("ConditionFailed", False, 2)
    assert isinstance(out[1], UnitOfWork)


def test_throttling_that_outlives_the_retries_is_a_retryable_fault() -> None:
    db = InMemoryDynamoDB(fail=_throttled)
    (out,) = _run(update_dynamodb(OPTIONS, db), [_uow(1, update=_update(1))])
    assert isinstance(out, Fault)
    assert out.retryable
    assert out.uows[0].record == {"n": 1}


def test_an_invalid_request_is_a_fault_that_is_not_retried() -> None:
    db = InMemoryDynamoDB()
    bad = JsonObject({"Key": _key(1), "UpdateExpression": "SET a.b = :x"})
    out = _run(update_dynamodb(OPTIONS, db), [_uow(1, update=bad), _uow(2, update=_update(2))])
    assert isinstance(out[0], Fault)
    assert not out[0].retryable
    assert isinstance(out[1], UnitOfWork)


def test_without_any_table_the_uow_is_a_fault() -> None:
    (out,) = _run(update_dynamodb(Options(), InMemoryDynamoDB()), [_uow(1, update=_update(1))])
    assert isinstance(out, Fault)
    assert "TableName" in out.message


def test_many_updates_keep_their_order() -> None:
    db = InMemoryDynamoDB()
    uows = [_uow(n, update=_update(n)) for n in range(20)]
    out = _run(update_dynamodb(OPTIONS, db, parallel=8), uows)
    assert [uow.record for uow in out if isinstance(uow, UnitOfWork)] == [
        {"n": n} for n in range(20)
    ]


def test_a_put_goes_to_the_event_table() -> None:
    db = InMemoryDynamoDB()
    (out,) = _run(put_dynamodb(OPTIONS, db), [_uow(1, put=JsonObject({"Item": _key(1)}))])
    assert isinstance(out, UnitOfWork)
    assert out[PUT_RESPONSE] == {}
    assert db.items("events") == [_key(1)]


def test_a_put_whose_condition_fails_is_a_fault() -> None:
    db = InMemoryDynamoDB()
    db.seed("events", _key(1))
    put = JsonObject({"Item": _key(1), "ConditionExpression": "attribute_not_exists(pk)"})
    (out,) = _run(put_dynamodb(OPTIONS, db), [_uow(1, put=put)])
    assert isinstance(out, Fault)
    assert not out.retryable


def test_a_put_whose_condition_fails_can_be_ignored() -> None:
    db = InMemoryDynamoDB()
    db.seed("events", _key(1))
    put = JsonObject({"Item": _key(1), "ConditionExpression": "attribute_not_exists(pk)"})
    (out,) = _run(put_dynamodb(OPTIONS, db, throw_condition_failure=False), [_uow(1, put=put)])
    assert isinstance(out, UnitOfWork)
    assert out[PUT_RESPONSE] == {}


def test_a_delete_removes_the_item_of_the_entity_table() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", _key(1), _key(2))
    (out,) = _run(delete_dynamodb(OPTIONS, db), [_uow(1, delete=JsonObject({"Key": _key(1)}))])
    assert isinstance(out, UnitOfWork)
    assert DELETE_RESPONSE in out
    assert db.items("entities") == [_key(2)]


def test_a_stale_delete_is_ignored() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {**_key(1), "timestamp": 20})
    delete = JsonObject(
        {
            "Key": _key(1),
            "ExpressionAttributeValues": {":t": 10},
            "ConditionExpression": "#t < :t",
            "ExpressionAttributeNames": {"#t": "timestamp"},
        }
    )
    (out,) = _run(delete_dynamodb(OPTIONS, db), [_uow(1, delete=delete)])
    assert isinstance(out, UnitOfWork)
    assert out[DELETE_RESPONSE] == {}
    assert len(db.items("entities")) == 1
