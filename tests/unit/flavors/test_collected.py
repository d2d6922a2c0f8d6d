"""Collected events: recognising the rows of a micro event store and reading their events."""

from __future__ import annotations

import pytest

from lambda_stream import Event, EventError, JsonObject, JsonValue, UnitOfWork
from lambda_stream.flavors import META, is_collected_event, normalize


def _record(event_name: str = "INSERT", sk: str = "EVENT") -> JsonObject:
    return JsonObject({"eventName": event_name, "dynamodb": {"Keys": {"sk": {"S": sk}}}})


def _row(**row: JsonValue) -> UnitOfWork:
    change = Event.from_dict({"id": "0", "type": "event-created", "raw": {"new": row}})
    return UnitOfWork(record=_record(), event=change)


def test_the_insert_of_an_event_row_is_a_collected_event() -> None:
    assert is_collected_event(UnitOfWork(record=_record()))


def test_other_rows_and_changes_are_not() -> None:
    others = [_record(sk="thing"), _record(event_name="MODIFY"), JsonObject({"kinesis": {}})]
    assert [is_collected_event(UnitOfWork(record=record)) for record in others] == [False] * 3


def test_normalize_makes_the_stored_event_the_uows_event() -> None:
    stored: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "timestamp": 5}
    uow = normalize(_row(pk="e1", sk="EVENT", event=stored))
    assert uow.event is not None
    assert uow.event.to_dict() == stored


def test_normalize_keeps_the_rows_sequence_number_ttl_and_data_as_meta() -> None:
    row = _row(event={"id": "e1", "type": "t"}, sequenceNumber="7", ttl=9, data="k", expire=True)
    assert normalize(row)[META] == {"sequenceNumber": "7", "ttl": 9, "data": "k"}


def test_a_row_without_an_event_cannot_be_normalized() -> None:
    with pytest.raises(ValueError, match="no 'event'"):
        normalize(_row(pk="e1", sk="EVENT"))


def test_a_stored_event_without_a_type_cannot_be_normalized() -> None:
    with pytest.raises(EventError):
        normalize(_row(event={"id": "e1"}))
