"""query_all_dynamodb, batch_get_dynamodb and the splits: what they read, cache and emit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors.dynamodb import Request, UnprocessedKeysError
from lambda_stream.core.json import JsonObject
from lambda_stream.queries.dynamodb import (
    BATCH_GET_REQUEST,
    BATCH_GET_RESPONSE,
    QUERY_REQUEST,
    QUERY_RESPONSE,
    QUERY_SPLIT_REQUEST,
    QUERY_SPLIT_RESPONSE,
    SCAN_REQUEST,
    SCAN_RESPONSE,
    batch_get_dynamodb,
    query_all_dynamodb,
    query_split_dynamodb,
    scan_split_dynamodb,
    to_pk_query_request,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes.dynamodb import InMemoryDynamoDB

OPTIONS = resolve_options({"EVENT_TABLE_NAME": "events", "ENTITY_TABLE_NAME": "entities"})
Step = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]


def _db(count: int = 5) -> InMemoryDynamoDB:
    db = InMemoryDynamoDB()
    db.seed("events", *({"pk": "p", "sk": f"{n:02}", "n": n} for n in range(count)))
    return db


def _uow(partition_key: str = "p") -> UnitOfWork:
    event = Event(id="e", type="t", partition_key=partition_key)
    uow = UnitOfWork(record=None, event=event)
    return uow.set(QUERY_REQUEST, to_pk_query_request(uow))


def _run(step: Step, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(step))


def _numbers(items: object) -> list[object]:
    assert isinstance(items, tuple)
    return [item["n"] for item in items]


def test_a_query_adds_every_item_of_the_event_table() -> None:
    db = _db()
    (out,) = _run(query_all_dynamodb(OPTIONS, db), [_uow()])
    assert isinstance(out, UnitOfWork)
    assert _numbers(out[QUERY_RESPONSE]) == [0, 1, 2, 3, 4]
    assert db.calls[0][1]["TableName"] == "events"


def test_a_query_reads_page_after_page_until_limit_items() -> None:
    db = _db()
    query = to_pk_query_request(_uow()).update(
        {
            "Limit": 2,
            "FilterExpression": "n <> :zero",
            "ExpressionAttributeValues": {":pk": "p", ":zero": 0},
        }
    )
    (out,) = _run(query_all_dynamodb(OPTIONS, db), [_uow().set(QUERY_REQUEST, query)])
    assert isinstance(out, UnitOfWork)
    assert _numbers(out[QUERY_RESPONSE]) == [1, 2, 3]
    assert [operation for operation, _ in db.calls] == ["query_page", "query_page"]


def test_the_same_query_is_read_once_per_cache() -> None:
    db, cache = _db(), dict[str, object]()
    out = _run(query_all_dynamodb(OPTIONS, db, cache=cache, parallel=4), [_uow(), _uow(), _uow()])
    assert len(db.calls) == 1
    assert all(
        _numbers(uow[QUERY_RESPONSE]) == [0, 1, 2, 3, 4]
        for uow in out
        if isinstance(uow, UnitOfWork)
    )


class _Yielding(InMemoryDynamoDB):
    """Reads that let the event loop run other uows before answering."""

    async def query(self, request: Request) -> tuple[JsonObject, ...]:
        for _ in range(3):
            await asyncio.sleep(0)
        return await super().query(request)


def test_uows_asking_the_same_at_the_same_time_share_one_read() -> None:
    db = _Yielding()
    db.seed("events", {"pk": "p", "sk": "1", "n": 1})
    out = _run(query_all_dynamodb(OPTIONS, db, cache={}, parallel=4), [_uow() for _ in range(4)])
    assert len(db.calls) == 1
    assert all(isinstance(uow, UnitOfWork) and _numbers(uow[QUERY_RESPONSE]) == [1] for uow in out)


def test_without_a_cache_every_uow_reads() -> None:
    db = _db()
    _run(query_all_dynamodb(OPTIONS, db), [_uow(), _uow()])
    assert len(db.calls) == 2


def test_a_failed_read_is_not_kept() -> None:
    failures = iter([True, False])
    db = InMemoryDynamoDB(
        fail=lambda operation, request: ValueError("bad") if next(failures) else None
    )
    out = _run(query_all_dynamodb(OPTIONS, db, cache={}), [_uow(), _uow()])
    assert [type(item).__name__ for item in out] == ["Fault", "UnitOfWork"]


def test_items_are_decrypted() -> None:
    async def decrypt(item: JsonObject) -> JsonObject:
        return item.set("clear", True)

    (out,) = _run(query_all_dynamodb(OPTIONS, _db(1), decrypt=decrypt), [_uow()])
    assert isinstance(out, UnitOfWork)
    assert out[QUERY_RESPONSE][0]["clear"] is True


def test_a_uow_without_a_query_passes_untouched() -> None:
    bare = UnitOfWork(record=None)
    assert _run(query_all_dynamodb(OPTIONS, _db()), [bare]) == [bare]


def test_a_batch_get_adds_the_items_and_is_cached() -> None:
    db = _db()
    request = JsonObject({"RequestItems": {"events": {"Keys": [{"pk": "p", "sk": "01"}]}}})
    uows = [UnitOfWork(record=None).set(BATCH_GET_REQUEST, request) for _ in range(2)]
    out = _run(batch_get_dynamodb(OPTIONS, db, cache={}), uows)
    assert all(
        isinstance(uow, UnitOfWork)
        and uow[BATCH_GET_RESPONSE] == {"Responses": {"events": [{"pk": "p", "sk": "01", "n": 1}]}}
        for uow in out
    )
    assert len(db.calls) == 1


def test_keys_left_unprocessed_make_a_retryable_fault() -> None:
    error = UnprocessedKeysError("left", unprocessed=JsonObject())
    db = InMemoryDynamoDB(fail=lambda operation, request: error)
    uow = UnitOfWork(record=None).set(
        BATCH_GET_REQUEST, JsonObject({"RequestItems": {"events": {"Keys": [{"pk": "p"}]}}})
    )
    (out,) = _run(batch_get_dynamodb(OPTIONS, db), [uow])
    assert isinstance(out, Fault)
    assert out.retryable


def test_a_scan_split_makes_a_uow_per_item_with_its_page() -> None:
    db = _db(3)
    uow = UnitOfWork(record=None).set(SCAN_REQUEST, JsonObject({"Limit": 2}))
    out = _run(scan_split_dynamodb(OPTIONS, db), [uow])
    assert len(out) == 2
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[SCAN_REQUEST] == {"Limit": 2}
    assert first[SCAN_RESPONSE] == {
        "Count": 2,
        "ScannedCount": 2,
        "LastEvaluatedKey": {"pk": "p", "sk": "01"},
        "Item": {"pk": "p", "sk": "00", "n": 0},
    }


def test_later_pages_carry_their_start_key() -> None:
    db = _db(5)
    uow = UnitOfWork(record=None).set(
        SCAN_REQUEST,
        JsonObject(
            {"Limit": 2, "FilterExpression": "n <> :one", "ExpressionAttributeValues": {":one": 1}}
        ),
    )
    out = _run(scan_split_dynamodb(OPTIONS, db), [uow])
    requests = [
        item[SCAN_REQUEST].get("ExclusiveStartKey") for item in out if isinstance(item, UnitOfWork)
    ]
    assert requests == [None, {"pk": "p", "sk": "01"}, {"pk": "p", "sk": "01"}]


def test_a_split_that_finds_nothing_leaves_no_uow() -> None:
    uow = UnitOfWork(record=None).set(SCAN_REQUEST, JsonObject())
    assert _run(scan_split_dynamodb(OPTIONS, InMemoryDynamoDB()), [uow]) == []


def test_the_split_table_falls_back_to_table_name() -> None:
    db = InMemoryDynamoDB()
    db.seed("plain", {"pk": "1"})
    uow = UnitOfWork(record=None).set(SCAN_REQUEST, JsonObject())
    out = _run(scan_split_dynamodb(resolve_options({"TABLE_NAME": "plain"}), db), [uow])
    assert len(out) == 1


def test_a_query_split_makes_a_uow_per_item() -> None:
    query = to_pk_query_request(_uow())
    uow = UnitOfWork(record=None).set(QUERY_SPLIT_REQUEST, query)
    out = _run(query_split_dynamodb(OPTIONS, _db(3)), [uow, UnitOfWork(record=None)])
    items = [
        item[QUERY_SPLIT_RESPONSE].get_object("Item").get("n")
        for item in out
        if isinstance(item, UnitOfWork) and QUERY_SPLIT_RESPONSE in item
    ]
    assert items == [0, 1, 2]
    assert len(out) == 4
