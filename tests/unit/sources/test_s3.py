"""from_s3, from_sqs_sns_s3, from_s3_event: a bad record is a fault, never a crashed batch."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from lambda_stream import Event, Fault, JsonObject, Stream, UnitOfWork
from lambda_stream.connectors.s3 import S3Object
from lambda_stream.core.json import JsonValue
from lambda_stream.runtime.response import item_identifier
from lambda_stream.sources.s3 import (
    GET_REQUEST,
    GET_RESPONSE,
    from_s3,
    from_s3_event,
    from_sqs_sns_s3,
)
from lambda_stream.testing import InMemoryS3, collect
from lambda_stream.testing.s3 import to_s3_records, to_sqs_sns_s3_records

Source = Callable[[Mapping[str, object]], Stream[UnitOfWork]]


def _s3(key: str, bucket: str = "b") -> dict[str, JsonValue]:
    return {"s3": {"bucket": {"name": bucket}, "object": {"key": key}}}


def _message(body: JsonValue, n: int = 0) -> dict[str, JsonValue]:
    return {"messageId": f"m-{n}", "body": body}


def _relayed(*s3_records: JsonValue, n: int = 0) -> dict[str, JsonValue]:
    """An SQS message carrying an SNS notification carrying an S3 notification."""
    envelope = {"Type": "Notification", "Message": json.dumps({"Records": list(s3_records)})}
    return _message(json.dumps(envelope), n)


def _decode(*records: object, source: Source = from_sqs_sns_s3) -> list[UnitOfWork | Fault]:
    return collect(source({"Records": list(records)}))


def _records(items: list[UnitOfWork | Fault]) -> list[object]:
    assert all(isinstance(item, UnitOfWork) for item in items)
    return [item.record for item in items if isinstance(item, UnitOfWork)]


# -- from_s3 --------------------------------------------------------------------------------


def test_from_s3_gives_a_uow_per_record_with_only_the_record() -> None:
    [uow] = _decode(_s3("k"), source=from_s3)
    assert isinstance(uow, UnitOfWork)
    assert uow.record == _s3("k")
    assert uow.event is None


def test_from_s3_reads_the_records_of_a_helper_built_event() -> None:
    event = to_s3_records([_s3("a")["s3"], _s3("b")["s3"]])  # type: ignore[list-item]  # JSON
    assert _records(collect(from_s3(event))) == event["Records"]


# -- from_sqs_sns_s3 ------------------------------------------------------------------------


def test_each_s3_record_of_a_message_is_a_uow_with_the_js_record_shape() -> None:
    message = _relayed(_s3("a"), _s3("b"))
    envelope = json.loads(cast(str, message["body"]))
    assert _records(_decode(message)) == [
        {"sqs": message, "sns": envelope, "s3": _s3("a")},
        {"sqs": message, "sns": envelope, "s3": _s3("b")},
    ]


def test_the_uows_of_several_messages_come_in_order() -> None:
    items = _decode(_relayed(_s3("a"), _s3("b")), _relayed(_s3("c"), n=1))
    keys = [cast(Any, item).record["s3"]["s3"]["object"]["key"] for item in items]
    assert keys == ["a", "b", "c"]


def test_the_test_event_s3_sends_on_configuration_yields_nothing() -> None:
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"}
    message = _message(json.dumps({"Type": "Notification", "Message": json.dumps(test_event)}))
    assert _decode(message, _relayed(_s3("a"))) == _decode(_relayed(_s3("a")))


def test_a_notification_without_s3_records_yields_nothing() -> None:
    assert _decode(_relayed()) == []


def test_a_bad_message_is_known_to_lambda_by_its_message_id() -> None:
    [fault] = _decode(_message("{", 4))
    assert isinstance(fault, Fault)
    assert item_identifier(fault.uows[0].record) == "m-4"


# -- from_s3_event --------------------------------------------------------------------------

EVENT = {"id": "e1", "type": "thing-created", "thing": {"name": "Zoë"}}


def _stored(**bodies: bytes | str) -> InMemoryS3:
    s3 = InMemoryS3()
    for key, body in bodies.items():
        s3.put("b", key, body)
    return s3


def _read(s3: InMemoryS3 | None, *records: object) -> list[UnitOfWork | Fault]:
    return collect(from_s3_event({"Records": list(records)}, s3=s3))


def test_the_event_in_the_object_becomes_the_event_of_the_uow() -> None:
    [uow] = _read(_stored(k=json.dumps(EVENT)), _relayed(_s3("k")))
    assert isinstance(uow, UnitOfWork)
    assert uow.event == Event.from_dict(EVENT)  # type: ignore[arg-type]  # JSON


def test_the_uow_keeps_the_request_and_the_response_with_the_body_as_text() -> None:
    [uow] = _read(_stored(k=json.dumps(EVENT)), _relayed(_s3("k")))
    assert isinstance(uow, UnitOfWork)
    assert uow[GET_REQUEST] == JsonObject({"Bucket": "b", "Key": "k"})
    assert uow[GET_RESPONSE] == {"ContentType": "application/json", "Body": json.dumps(EVENT)}


def test_the_notified_key_is_url_decoded() -> None:
    """Deliberate difference: S3 notifications URL-encode the object key (``a b+c.json``
    arrives as ``a+b%2Bc.json``); the JS library reads the encoded key, which names no object.
    """
    s3 = _stored(**{"dir/a b+c.json": json.dumps(EVENT)})
    [uow] = _read(s3, _relayed(_s3("dir/a+b%2Bc.json")))
    assert isinstance(uow, UnitOfWork)
    assert s3.calls == [("get_object", {"Bucket": "b", "Key": "dir/a b+c.json"})]


def test_events_tagged_skip_are_dropped() -> None:
    """Deliberate difference: the JS fromS3Event applies no outSkip; every consumer must
    honour it (anchor §3 item 7), so test events read from S3 are dropped here too."""
    s3 = _stored(skip='{"id":"1","type":"t","tags":{"skip":true}}', k=json.dumps(EVENT))
    items = _read(s3, _relayed(_s3("skip"), _s3("k")))
    assert [item.event.id for item in items if isinstance(item, UnitOfWork) and item.event] == [
        "e1"
    ]


def test_without_an_s3_port_each_record_is_a_fault() -> None:
    items = _read(None, _relayed(_s3("a"), _s3("b")))
    assert [(item.name, item.message) for item in items if isinstance(item, Fault)] == [
        ("S3EventError", f"s3://b/{key} cannot be read: no S3 port was given") for key in "ab"
    ]


class _Throttled(InMemoryS3):
    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        error = {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}
        raise ClientError(error, "GetObject")  # type: ignore[arg-type]  # botocore's TypedDict


def test_a_throttled_read_is_a_retryable_fault() -> None:
    [fault] = _read(_Throttled(), _relayed(_s3("k")))
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("ClientError", True)


BAD_OBJECTS: dict[str, bytes] = {
    "missing": b"",
    "invalid utf-8": b'{"id":"1","type":"t","name":"\xff\xfe"}',
    "truncated json": b'{"id":"1","type":',
    "not an event": b'{"id":"1"}',
    "no id": b'{"type":"t"}',
    "non-object json": b"[1]",
}


@pytest.mark.parametrize("key", BAD_OBJECTS, ids=BAD_OBJECTS.keys())
def test_an_object_that_is_not_an_event_is_a_fault_that_is_not_retryable(key: str) -> None:
    s3 = _stored(**{k: v for k, v in BAD_OBJECTS.items() if k != "missing"})
    [fault] = _read(s3, _relayed(_s3(key)))
    assert isinstance(fault, Fault)
    assert not fault.retryable
    assert fault.uows[0][GET_REQUEST] == {"Bucket": "b", "Key": key}


@pytest.mark.parametrize("key", BAD_OBJECTS, ids=BAD_OBJECTS.keys())
def test_the_good_objects_around_a_bad_one_flow_on(key: str) -> None:
    s3 = _stored(
        **{k: v for k, v in BAD_OBJECTS.items() if k != "missing"}, good=b'{"id":"g","type":"t"}'
    )
    items = _read(s3, _relayed(_s3("good"), _s3(key), _s3("good")))
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


def test_an_s3_record_without_a_bucket_name_is_a_fault() -> None:
    [fault] = _read(_stored(), _relayed({"s3": {"object": {"key": "k"}}}))
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "record has no s3.s3.bucket")


def test_the_objects_of_a_helper_built_event_are_read() -> None:
    s3 = _stored(a='{"id":"1","type":"t"}', b='{"id":"2","type":"t"}')
    event = to_sqs_sns_s3_records([_s3("a")["s3"], _s3("b")["s3"]])  # type: ignore[list-item]  # JSON
    items = collect(from_s3_event(event, s3=s3, parallel=2))
    assert [item.event.id for item in items if isinstance(item, UnitOfWork) and item.event] == [
        "1",
        "2",
    ]


# -- bad input, every source ----------------------------------------------------------------

NOT_RECORDS: dict[str, object] = {"string": "text", "number": 5, "null": None, "list": [1, 2]}
BAD: dict[str, dict[str, object]] = {
    "from_s3": {
        "no s3": {"eventSource": "aws:s3"},
        "s3 not an object": {"s3": "b/k"},
        **{f"record is a {name}": record for name, record in NOT_RECORDS.items()},
    },
    "from_sqs_sns_s3": {
        "no body": {"messageId": "m-1"},
        "body not a string": _message({"Message": "{}"}),
        "truncated json body": _message('{"Type":"Notification","Message":'),
        "body not an object": _message("[1]"),
        "body without Message": _message('{"Type":"Notification"}'),
        "Message not text": _message('{"Message":{"Records":[]}}'),
        "Message not json": _message('{"Message":"this is a test"}'),
        "Message not an object": _message('{"Message":"[]"}'),
        "Message without Records": _message('{"Message":"{\\"Event\\":\\"other\\"}"}'),
        "S3 record not an object": _relayed(_s3("a"), "b/k"),
        **{f"record is a {name}": record for name, record in NOT_RECORDS.items()},
    },
}
SOURCES: dict[str, tuple[Source, object]] = {
    "from_s3": (from_s3, _s3("good")),
    "from_sqs_sns_s3": (from_sqs_sns_s3, _relayed(_s3("good"))),
}
CASES = [(source, name, record) for source, bad in BAD.items() for name, record in bad.items()]
IDS = [f"{source}: {name}" for source, name, _ in CASES]


@pytest.mark.parametrize(("source", "name", "record"), CASES, ids=IDS)
def test_a_bad_record_is_a_fault_carrying_the_raw_record(
    source: str, name: str, record: object
) -> None:
    [fault] = _decode(record, source=SOURCES[source][0])
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == record


@pytest.mark.parametrize(("source", "name", "record"), CASES, ids=IDS)
def test_the_good_records_around_a_bad_one_flow_on(source: str, name: str, record: object) -> None:
    decode, good = SOURCES[source]
    items = _decode(good, record, good, source=decode)
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


ALL: dict[str, Source] = {"from_s3_event": from_s3_event, **{k: v[0] for k, v in SOURCES.items()}}


@pytest.mark.parametrize("source", ALL)
def test_an_empty_batch_is_an_empty_stream(source: str) -> None:
    assert collect(ALL[source]({"Records": []})) == []


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("event", [None, 5, "text", {}, {"Records": None}])
def test_an_event_without_a_records_list_is_a_single_fault(source: str, event: object) -> None:
    [fault] = collect(ALL[source](cast(Mapping[str, object], event)))
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event
