"""from_kinesis: base64 UTF-8 JSON events in; a bad record is a fault, never a crashed batch."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import (
    Event,
    Fault,
    InMemoryFaultPublisher,
    UnitOfWork,
    freeze,
    from_kinesis,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.testing import collect, to_kinesis_records

GOOD_ID = "good"


def _data(payload: bytes | str) -> str:
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    return base64.b64encode(raw).decode("ascii")


def _record(data: str, n: int = 0) -> dict[str, JsonValue]:
    return {
        "eventSource": "aws:kinesis",
        "eventID": f"shardId-000000000000:{n}",
        "kinesis": {"sequenceNumber": str(n), "data": data},
    }


def _good(n: int = 1) -> dict[str, JsonValue]:
    return _record(_data(json.dumps({"id": f"{GOOD_ID}{n}", "type": "thing-created"})), n)


def _decode(*records: object) -> list[UnitOfWork | Fault]:
    return collect(from_kinesis({"Records": list(records)}))


def _only_uow(*records: object) -> UnitOfWork:
    [item] = _decode(*records)
    assert isinstance(item, UnitOfWork)
    return item


def _only_fault(event: object) -> Fault:
    [item] = collect(from_kinesis(cast(Mapping[str, object], event)))  # as an untyped caller would
    assert isinstance(item, Fault)
    return item


def test_a_record_becomes_a_uow_with_its_event() -> None:
    event: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "thing": {"name": "x"}}
    assert _only_uow(_record(_data(json.dumps(event)))).event == Event.from_dict(event)


def test_the_uow_keeps_the_record_as_received() -> None:
    record = _good()
    assert _only_uow(record).record == record


def test_a_payload_id_wins_over_the_event_id() -> None:
    uow = _only_uow(_record(_data('{"id":"from-payload","type":"t"}')))
    assert uow.event is not None
    assert uow.event.id == "from-payload"


def test_the_event_id_is_the_fallback_id() -> None:
    uow = _only_uow(_record(_data('{"type":"t"}'), 7))
    assert uow.event is not None
    assert uow.event.id == "shardId-000000000000:7"


def test_utf8_payloads_are_decoded() -> None:
    uow = _only_uow(_record(_data('{"id":"1","type":"t","name":"Zoë ✓"}')))
    assert uow.event is not None
    assert uow.event["name"] == "Zoë ✓"


def test_json_whitespace_around_the_payload_is_allowed() -> None:
    uow = _only_uow(_record(_data(' \n{"id":"1","type":"t"}\n ')))
    assert uow.event == Event(id="1", type="t")


def test_compressed_members_are_revived() -> None:
    packed = "COMPRESSED" + base64.b64encode(gzip.compress(b'{"name":"big"}')).decode()
    uow = _only_uow(_record(_data(json.dumps({"id": "1", "type": "t", "thing": packed}))))
    assert uow.event is not None
    assert uow.event["thing"] == {"name": "big"}


def test_events_tagged_skip_are_dropped() -> None:
    skipped = _record(_data('{"id":"1","type":"t","tags":{"skip":true}}'))
    assert _decode(skipped, _good()) == [_only_uow(_good())]


def test_the_records_of_a_helper_built_event_decode() -> None:
    event = to_kinesis_records([{"id": "a", "type": "t1"}, {"id": "b", "type": "t2"}])
    items = collect(from_kinesis(event))
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == [
        Event(id="a", type="t1"),
        Event(id="b", type="t2"),
    ]


def test_a_frozen_event_decodes_like_a_plain_one() -> None:
    event = to_kinesis_records([{"id": "a", "type": "t1"}])
    assert [type(item) for item in collect(from_kinesis(freeze(event)))] == [UnitOfWork]  # type: ignore[arg-type]  # the builder returns plain JSON


def test_an_empty_batch_is_an_empty_stream() -> None:
    assert collect(from_kinesis({"Records": []})) == []


# Bad records: each becomes a fault whose uow carries the raw record, and the good records of
# the same batch flow on.
NOT_BASE64 = _record("!!! not base64 !!!")
NOT_UTF8 = _record(_data(b'{"id":"1","type":"t","name":"\xff\xfe"}'))
TRUNCATED = _record(_data('{"id":"1","type":'))
NO_TYPE = _record(_data('{"id":"1","thing":{}}'))
NO_DATA: dict[str, JsonValue] = {"eventID": "x", "kinesis": {"sequenceNumber": "3"}}
NO_KINESIS: dict[str, JsonValue] = {"eventID": "x"}
DATA_NOT_TEXT = _record("")
DATA_NOT_TEXT["kinesis"] = {"sequenceNumber": "4", "data": 42}
BAD_RECORDS: dict[str, object] = {
    "bad base64": NOT_BASE64,
    "invalid utf-8": NOT_UTF8,
    "truncated json": TRUNCATED,
    "no type": NO_TYPE,
    "no kinesis.data": NO_DATA,
    "no kinesis": NO_KINESIS,
    "data not a string": DATA_NOT_TEXT,
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
    items = _decode(_good(1), record, _good(2))
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


@pytest.mark.parametrize("payload", ['"ab"', "3", "null", "[1]", "true"])
def test_non_object_json_is_a_fault(payload: str) -> None:
    """Deliberate difference #1 (conformance case ``kinesis-non-object-json``).

    The JS library object-spreads such a payload into an event (``"ab"`` becomes
    ``{"0": "a", "1": "b", id}``, ``null`` and numbers become ``{id}``); that is not an event, so
    here the record is a fault carrying the raw record.
    """
    record = _record(_data(payload))
    [fault] = _decode(record)
    assert isinstance(fault, Fault)
    assert fault.name == "EventError"
    assert fault.uows[0].record == record


def test_a_fault_names_what_is_wrong_with_the_record() -> None:
    [fault] = _decode(NO_DATA)
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "record has no kinesis.data")


def test_a_fault_of_the_source_belongs_to_no_pipeline() -> None:
    [fault] = _decode(TRUNCATED)
    assert isinstance(fault, Fault)
    assert fault.pipeline is None


def test_a_record_that_is_not_json_at_all_is_a_fault() -> None:
    [fault] = _decode(object())
    assert isinstance(fault, Fault)
    assert str(fault.uows[0].record).startswith("<object object at ")


@pytest.mark.parametrize(
    "event", [None, 5, "text", [1, 2]], ids=["null", "number", "string", "list"]
)
def test_an_event_that_is_not_an_object_is_a_single_fault(event: object) -> None:
    fault = _only_fault(event)
    assert fault.message.startswith("a Kinesis event must be a JSON object")
    assert fault.uows[0].record == event


@pytest.mark.parametrize("event", [{}, {"Records": None}, {"Records": "abc"}, {"records": []}])
def test_an_event_without_a_records_list_is_a_single_fault(event: dict[str, object]) -> None:
    fault = _only_fault(event)
    assert fault.message == "a Kinesis event needs a 'Records' list"
    assert fault.uows[0].record == event


def test_the_stream_can_be_read_twice() -> None:
    stream = from_kinesis({"Records": [_good()]})
    assert collect(stream) == collect(stream) == [_only_uow(_good())]


BAD_EVENTS: dict[str, object] = {
    **{
        f"record: {name}": {"Records": [_good(1), record, _good(2)]}
        for name, record in BAD_RECORDS.items()
    },
    **{
        f"record: non-object json {payload}": {
            "Records": [_good(1), _record(_data(payload)), _good(2)]
        }
        for payload in ('"ab"', "3", "null", "[1]")
    },
    "event: not an object": "not an event",
    "event: no Records": {"records": []},
}


@pytest.mark.parametrize("event", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_through_the_pipelines_bad_input_is_a_fault_event_with_the_raw_record(
    event: object,
) -> None:
    publisher = InMemoryFaultPublisher()
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=publisher
    )
    pipelines.invoke(from_kinesis(cast(Mapping[str, object], event)))
    records = event.get("Records") if isinstance(event, dict) else None
    raw = records[1] if isinstance(records, list) and len(records) == 3 else event
    assert [fault_event.to_dict()["uow"] for fault_event in publisher.events] == [{"record": raw}]


@pytest.mark.parametrize("event", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_through_the_pipelines_the_good_records_still_come_out(event: object) -> None:
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=InMemoryFaultPublisher()
    )
    invocation = pipelines.invoke(from_kinesis(cast(Mapping[str, object], event)))
    expected = ["good1", "good2"] if isinstance(event, dict) and "Records" in event else []
    assert [uow.event.id for uow in invocation.uows if uow.event] == expected
