"""batch_write_dynamodb: 25 to a call, unprocessed entries retried, each uow its own outcome."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.options import Options
from lambda_stream.sinks.dynamodb import (
    BATCH_WRITE_REQUEST,
    BATCH_WRITE_REQUEST_ENTRY,
    BATCH_WRITE_RESPONSE,
    batch_write_dynamodb,
    delete_entry,
    put_entry,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes.dynamodb import InMemoryDynamoDB

OPTIONS = resolve_options({"EVENT_TABLE_NAME": "events", "ENTITY_TABLE_NAME": "entities"})


def _item(n: int) -> dict[str, JsonValue]:
    return {"pk": f"p{n}", "sk": "e", "n": n}


def _uows(count: int) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(BATCH_WRITE_REQUEST_ENTRY, put_entry(_item(n)))
        for n in range(count)
    ]


def _run(
    db: InMemoryDynamoDB, uows: list[UnitOfWork], batch_size: int | None = None
) -> list[UnitOfWork | Fault]:
    sink = batch_write_dynamodb(OPTIONS, db, batch_size=batch_size)
    return collect(Stream.of(uows).through(sink))


def _sizes(db: InMemoryDynamoDB) -> list[int]:
    sizes = []
    for _, call in db.calls:
        requests = call.get_object("RequestItems").get("events")
        assert isinstance(requests, Sequence)
        sizes.append(len(requests))
    return sizes


def _n(entry: JsonObject) -> int:
    n = entry.get_object("PutRequest").get_object("Item").get("n")
    assert isinstance(n, int)
    return n


def test_entries_go_to_the_event_table_25_to_a_call() -> None:
    db = InMemoryDynamoDB()
    out = _run(db, _uows(30))
    assert _sizes(db) == [25, 5]
    assert len(db.items("events")) == 30
    assert all(isinstance(uow, UnitOfWork) for uow in out)


def test_a_smaller_batch_size_is_kept_and_a_larger_one_capped() -> None:
    small, large = InMemoryDynamoDB(), InMemoryDynamoDB()
    _run(small, _uows(7), batch_size=3)
    _run(large, _uows(30), batch_size=100)
    assert (_sizes(small), _sizes(large)) == ([3, 3, 1], [25, 5])


def test_each_uow_keeps_the_batch_request_and_answer() -> None:
    db = InMemoryDynamoDB()
    out = _run(db, _uows(2))
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[BATCH_WRITE_REQUEST] == {
        "RequestItems": {"events": [put_entry(_item(0)), put_entry(_item(1))]}
    }
    assert first[BATCH_WRITE_RESPONSE] == {"UnprocessedItems": {}}


def test_deletes_go_in_the_same_batches() -> None:
    db = InMemoryDynamoDB()
    db.seed("events", _item(1))
    gone = UnitOfWork(record=None).set(
        BATCH_WRITE_REQUEST_ENTRY, delete_entry({"pk": "p1", "sk": "e"})
    )
    _run(db, [*_uows(1), gone])
    assert db.items("events") == [_item(0)]


def test_unprocessed_entries_are_sent_again_until_stored() -> None:
    db = InMemoryDynamoDB(unprocess=lambda entry, attempt: attempt == 0 and _n(entry) % 3 == 0)
    out = _run(db, _uows(10))
    assert all(isinstance(uow, UnitOfWork) for uow in out)
    assert _sizes(db) == [10, 4]
    assert len(db.items("events")) == 10
    first = out[0]
    assert isinstance(first, UnitOfWork)
    attempts = first[BATCH_WRITE_RESPONSE]["attempts"]
    assert isinstance(attempts, Sequence)
    assert len(attempts) == 2


def test_an_entry_still_unprocessed_is_a_retryable_fault_of_its_uow_only() -> None:
    db = InMemoryDynamoDB(unprocess=lambda entry, attempt: _n(entry) == 1, max_retries=2)
    out = _run(db, _uows(3))
    assert [type(uow).__name__ for uow in out] == ["UnitOfWork", "Fault", "UnitOfWork"]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("UnprocessedItems", True)
    assert fault.uows[0].record == {"n": 1}
    assert _sizes(db) == [3, 1, 1]


def test_the_batch_answer_lists_what_stayed_unprocessed() -> None:
    db = InMemoryDynamoDB(unprocess=lambda entry, attempt: _n(entry) == 1, max_retries=0)
    out = _run(db, _uows(2))
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[BATCH_WRITE_RESPONSE] == {"UnprocessedItems": {"events": [put_entry(_item(1))]}}


def test_a_malformed_entry_is_a_fault_of_its_uow_and_is_not_sent() -> None:
    db = InMemoryDynamoDB()
    bad = UnitOfWork(record=None).set(BATCH_WRITE_REQUEST_ENTRY, JsonObject({"Item": _item(9)}))
    out = _run(db, [*_uows(1), bad])
    assert isinstance(out[0], UnitOfWork)
    assert isinstance(out[1], Fault)
    assert not out[1].retryable
    assert _sizes(db) == [1]


def test_a_uow_without_an_entry_passes_untouched_in_place() -> None:
    db = InMemoryDynamoDB()
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows = _uows(2)
    out = _run(db, [uows[0], bare, uows[1]])
    assert out[1] is bare
    assert [uow.record for uow in out if isinstance(uow, UnitOfWork)] == [
        {"n": 0},
        {"bare": True},
        {"n": 1},
    ]


def test_a_table_is_required() -> None:
    with pytest.raises(ValueError, match="EVENT_TABLE_NAME"):
        batch_write_dynamodb(Options(), InMemoryDynamoDB())
