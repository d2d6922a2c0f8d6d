"""from_sqs and from_sqs_event: a bad message is a fault carrying it, never a crashed batch."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Mapping
from typing import cast

import pytest

from lambda_stream import (
    Event,
    Fault,
    InMemoryFaultPublisher,
    Stream,
    UnitOfWork,
    freeze,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.runtime.response import item_identifier
from lambda_stream.sources.sqs import from_sqs, from_sqs_event
from lambda_stream.testing import InMemoryS3, collect
from lambda_stream.testing.sqs import to_sqs_event_records, to_sqs_records

Source = Callable[[Mapping[str, object]], Stream[UnitOfWork]]
SOURCES: dict[str, Source] = {"from_sqs": from_sqs, "from_sqs_event": from_sqs_event}


def _record(body: JsonValue, n: int = 0) -> dict[str, JsonValue]:
    return {"messageId": f"m-{n}", "body": body, "eventSource": "aws:sqs"}


def _good(n: int = 1) -> dict[str, JsonValue]:
    return _record(json.dumps({"id": f"good{n}", "type": "thing-created"}), n)


def _decode(*records: object, source: Source = from_sqs_event) -> list[UnitOfWork | Fault]:
    return collect(source({"Records": list(records)}))


def _event_of(body: str, n: int = 0) -> Event | None:
    [uow] = _decode(_record(body, n))
    assert isinstance(uow, UnitOfWork)
    return uow.event


# -- from_sqs -------------------------------------------------------------------------------


def test_from_sqs_gives_a_uow_per_message_with_only_its_record() -> None:
    [uow] = _decode(_good(), source=from_sqs)
    assert isinstance(uow, UnitOfWork)
    assert uow.record == _good()
    assert uow.event is None


def test_from_sqs_does_not_parse_the_body() -> None:
    record = _record('{"id":"1","type":')
    assert [item.record for item in _decode(record, source=from_sqs)] == [record]  # type: ignore[union-attr]  # uows


def test_from_sqs_reads_a_frozen_event_like_a_plain_one() -> None:
    event = to_sqs_records([{"body": "b"}])
    assert [type(item) for item in collect(from_sqs(freeze(event)))] == [UnitOfWork]  # type: ignore[arg-type]  # plain JSON


# -- from_sqs_event -------------------------------------------------------------------------


def test_a_body_becomes_the_event_of_its_uow() -> None:
    event: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "thing": {"name": "x"}}
    assert _event_of(json.dumps(event)) == Event.from_dict(event)


def test_the_uow_keeps_the_record_as_received() -> None:
    [uow] = _decode(_good())
    assert isinstance(uow, UnitOfWork)
    assert uow.record == _good()


def test_a_body_id_wins_over_the_message_id() -> None:
    event = _event_of('{"id":"from-body","type":"t"}')
    assert event is not None
    assert event.id == "from-body"


def test_the_message_id_is_the_fallback_id() -> None:
    event = _event_of('{"type":"t"}', 7)
    assert event is not None
    assert event.id == "m-7"


def test_unicode_bodies_are_decoded() -> None:
    event = _event_of('{"id":"1","type":"t","name":"Zoë ✓ 🍮"}')
    assert event is not None
    assert event["name"] == "Zoë ✓ 🍮"


def test_compressed_members_are_revived() -> None:
    packed = "COMPRESSED" + base64.b64encode(gzip.compress(b'{"name":"big"}')).decode()
    event = _event_of(json.dumps({"id": "1", "type": "t", "thing": packed}))
    assert event is not None
    assert event["thing"] == {"name": "big"}


def test_an_eventbridge_envelope_is_unwrapped() -> None:
    """Deliberate difference: a rule targeting a queue without ``InputPath: $.detail``
    delivers the EventBridge envelope (anchor §3 item 20); the JS library takes the envelope
    for the event, we unwrap ``detail``, whose ``id`` falls back to the envelope's."""
    body = {"detail-type": "t", "source": "s", "id": "eb-1", "detail": {"type": "t", "n": 1}}
    assert _event_of(json.dumps(body)) == Event.from_dict({"id": "eb-1", "type": "t", "n": 1})


def test_events_tagged_skip_are_dropped() -> None:
    skipped = _record('{"id":"1","type":"t","tags":{"skip":true}}')
    assert _decode(skipped, _good()) == _decode(_good())


def test_a_claim_check_stub_is_redeemed_through_the_s3_port() -> None:
    s3 = InMemoryS3()
    s3.put("b", "k", '{"id":"1","type":"t","thing":{"big":true}}')
    stub = _record('{"id":"1","type":"t","s3":{"bucket":"b","key":"k"}}')
    [uow] = collect(from_sqs_event({"Records": [stub]}, s3=s3))
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event["thing"] == {"big": True}


def test_without_an_s3_port_a_claim_check_stub_is_a_fault() -> None:
    stub = _record('{"id":"1","type":"t","s3":{"bucket":"b","key":"k"}}')
    [fault] = _decode(stub)
    assert isinstance(fault, Fault)
    assert fault.name == "ClaimCheckError"


def test_the_records_of_a_helper_built_event_decode() -> None:
    items = collect(
        from_sqs_event(to_sqs_event_records([{"type": "t1"}, {"id": "b", "type": "t2"}]))
    )
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == [
        Event(id="00000000-0000-0000-0000-000000000000", type="t1"),
        Event(id="b", type="t2"),
    ]


@pytest.mark.parametrize("payload", ['"ab"', "3", "null", "[1]", "true"])
def test_non_object_json_is_a_fault(payload: str) -> None:
    """Deliberate difference #1 of the conformance README: the JS library spreads such a
    body into an event (``{"0": "a", "1": "b", id}``); it is not an event, so it is a fault."""
    [fault] = _decode(_record(payload))
    assert isinstance(fault, Fault)
    assert fault.name == "EventError"


def test_a_body_that_is_not_an_event_is_a_fault() -> None:
    [fault] = _decode(_record('{"json":"not an event"}'))
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("EventError", "not an event: no 'type'")


def test_a_fault_is_known_to_lambda_by_its_message_id() -> None:
    """A fault carries the SQS record, so a partial batch response can name the message."""
    [fault] = _decode(_record("{", 3))
    assert isinstance(fault, Fault)
    assert item_identifier(fault.uows[0].record) == "m-3"


def test_a_fault_of_the_source_belongs_to_no_pipeline() -> None:
    [fault] = _decode(_record("{"))
    assert isinstance(fault, Fault)
    assert fault.pipeline is None


# -- bad input, both sources ----------------------------------------------------------------

NO_BODY: dict[str, JsonValue] = {"messageId": "m-9", "eventSource": "aws:sqs"}
BAD_RECORDS: dict[str, object] = {
    "no body": NO_BODY,
    "body not a string": _record({"id": "1", "type": "t"}),
    "body is null": _record(None),
    "record is a string": "not a record",
    "record is a number": 5,
    "record is null": None,
    "record is a list": [1, 2],
}
BAD_BODIES: dict[str, object] = {
    "truncated json": _record('{"id":"1","type":'),
    "not json": _record("this is a test"),
    "no type": _record('{"id":"1","thing":{}}'),
    "non-object json": _record('"ab"'),
}
CASES = [
    *((source, name, record) for source in SOURCES for name, record in BAD_RECORDS.items()),
    *(("from_sqs_event", name, record) for name, record in BAD_BODIES.items()),
]
IDS = [f"{source}: {name}" for source, name, _ in CASES]


@pytest.mark.parametrize(("source", "name", "record"), CASES, ids=IDS)
def test_a_bad_record_is_a_fault_carrying_the_raw_record(
    source: str, name: str, record: object
) -> None:
    [fault] = _decode(record, source=SOURCES[source])
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == record


@pytest.mark.parametrize(("source", "name", "record"), CASES, ids=IDS)
def test_the_good_records_around_a_bad_one_flow_on(source: str, name: str, record: object) -> None:
    items = _decode(_good(1), record, _good(2), source=SOURCES[source])
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


def test_a_fault_names_what_is_wrong_with_the_record() -> None:
    [fault] = _decode(NO_BODY)
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "record has no body")


@pytest.mark.parametrize("source", SOURCES)
def test_an_empty_batch_is_an_empty_stream(source: str) -> None:
    assert collect(SOURCES[source]({"Records": []})) == []


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("event", [None, 5, "text", [1, 2]], ids=["null", "int", "str", "list"])
def test_an_event_that_is_not_an_object_is_a_single_fault(source: str, event: object) -> None:
    [fault] = collect(SOURCES[source](cast(Mapping[str, object], event)))
    assert isinstance(fault, Fault)
    assert "event must be a JSON object" in fault.message
    assert fault.uows[0].record == event


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("event", [{}, {"Records": None}, {"records": []}])
def test_an_event_without_a_records_list_is_a_single_fault(
    source: str, event: dict[str, object]
) -> None:
    [fault] = collect(SOURCES[source](event))
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event


@pytest.mark.parametrize(("name", "record"), BAD_BODIES.items(), ids=BAD_BODIES.keys())
def test_through_the_pipelines_a_bad_message_is_a_fault_event_and_the_rest_flow_on(
    name: str, record: object
) -> None:
    """The JS library's fault of a bad body carries the bare SQS record as its ``uow`` (no
    ``{record}`` wrapper); ours has the shape of every other fault's uow: ``{record}``."""
    publisher = InMemoryFaultPublisher()
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=publisher
    )
    invocation = pipelines.invoke(from_sqs_event({"Records": [_good(1), record, _good(2)]}))
    assert [fault_event.to_dict()["uow"] for fault_event in publisher.events] == [
        {"record": record}
    ]
    assert [uow.event.id for uow in invocation.uows if uow.event] == ["good1", "good2"]
