"""compact, group and un_batch."""

from __future__ import annotations

from lambda_stream import Event, Fault, Key, Stream, UnitOfWork
from lambda_stream.testing import collect
from lambda_stream.utils.batch import compact, group, un_batch

DONE = Key[bool]("done")


def _uow(event_id: str, key: str | None, timestamp: int | None) -> UnitOfWork:
    event = Event(id=event_id, type="t", partition_key=key, timestamp=timestamp)
    return UnitOfWork(record=None, event=event)


def _ids(items: list[UnitOfWork | Fault]) -> list[tuple[str, list[str]]]:
    out = []
    for item in items:
        assert isinstance(item, UnitOfWork)
        assert item.event is not None
        out.append((item.event.id, [m.event.id for m in item.batch if m.event]))
    return out


def test_compact_keeps_the_latest_uow_of_each_key_standing_for_all() -> None:
    uows = [_uow("1", "a", 30), _uow("2", "b", 10), _uow("3", "a", 20), _uow("4", "a", 40)]
    out = collect(Stream.of(uows).through(compact()))
    assert _ids(out) == [("4", ["3", "1", "4"]), ("2", ["2"])]


def test_compact_puts_events_without_a_timestamp_first() -> None:
    out = collect(Stream.of([_uow("1", "a", 5), _uow("2", "a", None)]).through(compact()))
    assert _ids(out) == [("1", ["2", "1"])]


def test_compact_keeps_what_the_latest_uow_carries() -> None:
    latest = _uow("2", "a", 9).set(DONE, True)
    [out] = collect(Stream.of([_uow("1", "a", 1), latest]).through(compact()))
    assert isinstance(out, UnitOfWork)
    assert out[DONE] is True


def test_a_fault_passes_compact() -> None:
    fault = Fault.of(ValueError("x"), None)
    out = collect(Stream[UnitOfWork].of([fault, _uow("1", "a", 1)]).through(compact()))
    assert out[0] is fault


def test_group_makes_one_batch_uow_per_key_in_first_seen_order() -> None:
    uows = [_uow("1", "b", 1), _uow("2", "a", 1), _uow("3", "b", 1)]
    out = collect(Stream.of(uows).through(group()))
    batches = [
        [m.event.id for m in item.batch if m.event] for item in out if isinstance(item, UnitOfWork)
    ]
    assert batches == [["1", "3"], ["2"]]


def test_un_batch_of_a_plain_uow_is_the_uow() -> None:
    uow = _uow("1", "a", 1)
    assert un_batch(uow) == (uow,)


def test_un_batch_gives_each_member_the_batch_values() -> None:
    batch = UnitOfWork(record=None, batch=(_uow("1", "a", 1), _uow("2", "a", 2))).set(DONE, True)
    assert [member[DONE] for member in un_batch(batch)] == [True, True]
