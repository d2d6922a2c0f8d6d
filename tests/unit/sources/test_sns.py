"""from_sns: raw notifications in; a bad record is a fault, never a crashed batch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import Fault, UnitOfWork, freeze
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.sns import from_sns
from lambda_stream.testing import collect
from lambda_stream.testing.sns import to_sns_records


def _record(message: JsonValue, n: int = 0) -> dict[str, JsonValue]:
    return {"EventSource": "aws:sns", "Sns": {"MessageId": f"m-{n}", "Message": message}}


def _decode(*records: object) -> list[UnitOfWork | Fault]:
    return collect(from_sns({"Records": list(records)}))


def test_a_notification_becomes_a_uow_with_only_its_record() -> None:
    [uow] = _decode(_record("hello"))
    assert isinstance(uow, UnitOfWork)
    assert uow.record == _record("hello")
    assert uow.event is None


def test_the_message_is_not_parsed() -> None:
    record = _record('{"type":')
    assert [item.record for item in _decode(record) if isinstance(item, UnitOfWork)] == [record]


def test_unicode_messages_are_kept() -> None:
    record = _record("Zoë ✓ 🍮")
    assert [item.record for item in _decode(record) if isinstance(item, UnitOfWork)] == [record]


def test_the_records_of_a_helper_built_event_decode() -> None:
    event = to_sns_records([{"msg": "a"}, {"msg": "b", "subject": "s"}])
    items = collect(from_sns(event))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == event["Records"]


def test_a_frozen_event_decodes_like_a_plain_one() -> None:
    event = to_sns_records([{"msg": "a"}])
    assert [type(item) for item in collect(from_sns(freeze(event)))] == [UnitOfWork]  # type: ignore[arg-type]  # plain JSON


def test_an_empty_batch_is_an_empty_stream() -> None:
    assert collect(from_sns({"Records": []})) == []


BAD_RECORDS: dict[str, object] = {
    "no Sns": {"EventSource": "aws:sns"},
    "Sns not an object": {"EventSource": "aws:sns", "Sns": "text"},
    "no Sns.Message": {"EventSource": "aws:sns", "Sns": {"MessageId": "m"}},
    "Sns.Message not text": _record({"type": "t"}),
    "record is a string": "not a record",
    "record is a number": 5,
    "record is null": None,
    "record is a list": [1, 2],
}


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_bad_record_is_a_fault_carrying_the_raw_record(record: object) -> None:
    [fault] = _decode(record)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == record


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_the_good_records_around_a_bad_one_flow_on(record: object) -> None:
    items = _decode(_record("a"), record, _record("b"))
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


def test_a_fault_names_what_is_wrong_with_the_record() -> None:
    [fault] = _decode(BAD_RECORDS["no Sns.Message"])
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "record has no Sns.Message")


@pytest.mark.parametrize("event", [None, 5, "text", [1, 2]], ids=["null", "int", "str", "list"])
def test_an_event_that_is_not_an_object_is_a_single_fault(event: object) -> None:
    [fault] = collect(from_sns(cast(Mapping[str, object], event)))
    assert isinstance(fault, Fault)
    assert "event must be a JSON object" in fault.message
    assert fault.uows[0].record == event


@pytest.mark.parametrize("event", [{}, {"Records": None}, {"records": []}])
def test_an_event_without_a_records_list_is_a_single_fault(event: dict[str, object]) -> None:
    [fault] = collect(from_sns(event))
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event
