"""to_sqs_records and to_sqs_event_records: the JS helpers' shapes, and round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import Event, UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.sqs import from_sqs, from_sqs_event
from lambda_stream.testing import collect
from lambda_stream.testing.sqs import to_sqs_event_records, to_sqs_records
from lambda_stream.utils.compression import PREFIX, decompress

JS_REGION = "us-west-2"
modest = settings(max_examples=60, deadline=None)


def _records(lambda_event: dict[str, object]) -> list[Any]:
    records = lambda_event["Records"]
    assert isinstance(records, list)
    return records


def _one(message: dict[str, JsonValue]) -> Any:
    return _records(to_sqs_records([message], aws_region=JS_REGION))[0]


def test_a_message_becomes_a_record_shaped_as_the_js_helper_shapes_it() -> None:
    assert _one({"body": "b", "timestamp": "5", "region": "eu-west-1"}) == {
        "eventSource": "aws:sqs",
        "messageId": "00000000-0000-0000-0000-000000000000",
        "body": "b",
        "attributes": {"SentTimestamp": "5"},
        "awsRegion": "eu-west-1",
    }


def test_message_ids_concatenate_the_index_as_the_js_helper_does() -> None:
    records = _records(to_sqs_records([{"body": "b"}] * 11))
    assert [r["messageId"] for r in records[9:]] == [
        "00000000-0000-0000-0000-000000000009",
        "00000000-0000-0000-0000-0000000000010",
    ]


def test_a_message_without_a_timestamp_gets_the_js_default() -> None:
    assert _one({"body": "b"})["attributes"] == {"SentTimestamp": "1545082649183"}


@pytest.mark.parametrize("falsy", [0, "", None, False])
def test_a_falsy_timestamp_gets_the_js_default(falsy: JsonValue) -> None:
    """The JS helper writes ``m.timestamp || '1545082649183'``."""
    assert _one({"body": "b", "timestamp": falsy})["attributes"]["SentTimestamp"] == "1545082649183"


def test_a_message_without_a_body_has_no_body() -> None:
    """``body: m.body`` is undefined in JS, so the key is absent from the JSON."""
    assert "body" not in _one({})


def test_a_message_without_a_region_gets_the_region_given() -> None:
    assert _records(to_sqs_records([{}], aws_region="ap-south-1"))[0]["awsRegion"] == "ap-south-1"


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert _records(to_sqs_records([{}]))[0]["awsRegion"] == "ap-southeast-2"


def test_the_region_falls_back_to_the_js_helpers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert _records(to_sqs_records([{}]))[0]["awsRegion"] == "us-west-2"


def test_no_messages_make_no_records() -> None:
    assert to_sqs_records([]) == {"Records": []} == to_sqs_event_records([])


def test_an_event_body_is_its_json_with_the_timestamp_and_region_of_the_event() -> None:
    event: dict[str, JsonValue] = {"type": "t", "timestamp": 1, "tags": {"region": "r1"}}
    [record] = _records(to_sqs_event_records([event]))
    assert (record["body"], record["attributes"], record["awsRegion"]) == (
        '{"type":"t","timestamp":1,"tags":{"region":"r1"}}',
        {"SentTimestamp": 1},
        "r1",
    )


def test_an_event_record_is_written_in_its_wire_form() -> None:
    event = Event.from_dict({"id": "a", "type": "t", "timestamp": 9, "tags": {"region": "r"}})
    [record] = _records(to_sqs_event_records([event]))
    assert (json.loads(record["body"]), record["attributes"], record["awsRegion"]) == (
        event.to_dict(),
        {"SentTimestamp": 9},
        "r",
    )


def test_the_body_keeps_non_ascii_text() -> None:
    [record] = _records(to_sqs_event_records([{"id": "a", "type": "t", "name": "Crème 🍮"}]))
    assert record["body"] == '{"id":"a","type":"t","name":"Crème 🍮"}'


def test_members_over_10_kib_are_compressed_as_the_js_helper_does() -> None:
    thing: dict[str, JsonValue] = {"text": "x" * 10_300}
    [record] = _records(to_sqs_event_records([{"id": "a", "type": "t", "thing": thing}]))
    body = json.loads(record["body"])
    assert body["thing"].startswith(PREFIX)
    assert decompress(body) == {"id": "a", "type": "t", "thing": thing}


def test_a_compressed_event_comes_back_whole() -> None:
    event: dict[str, JsonValue] = {"id": "a", "type": "t", "thing": {"text": "é" * 11_000}}
    [uow] = collect(from_sqs_event(to_sqs_event_records([event])))
    assert isinstance(uow, UnitOfWork)
    assert uow.event == Event.from_dict(event)


# -- round trips over random input ----------------------------------------------------------

# Top-level names an event's entity must not take: the envelope fields, and ``s3``, which
# would make a lone member a claim-check stub.
RESERVED = frozenset({"id", "type", "timestamp", "partitionKey", "tags", "s3"})
text = st.text(st.characters(codec="utf-8"), max_size=12).filter(lambda s: not s.startswith(PREFIX))
names = st.from_regex(r"[a-z][a-zA-Z0-9]{0,8}", fullmatch=True).filter(lambda s: s not in RESERVED)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=12,
)


@st.composite
def events(draw: st.DrawFn, *, with_id: bool | None = None) -> dict[str, JsonValue]:
    """A random event: optional envelope fields, tags (skip among them), nested entities."""
    event: dict[str, JsonValue] = {}
    if with_id or (with_id is None and draw(st.booleans())):
        event["id"] = draw(text.filter(bool))
    event["type"] = draw(text.filter(bool))
    if draw(st.booleans()):
        event["timestamp"] = draw(st.integers(0, 2**53))
    if draw(st.booleans()):
        event["partitionKey"] = draw(text)
    if draw(st.booleans()):
        tags = draw(st.dictionaries(names, scalars, max_size=3))
        tags.pop("skip", None)
        if draw(st.booleans()):
            tags["skip"] = draw(st.booleans())
        event["tags"] = tags
    event.update(draw(st.dictionaries(names, json_values, max_size=3)))
    return event


def expected_events(events: list[dict[str, JsonValue]], ids: list[str]) -> list[Event]:
    """`events` as a source gives them back: `ids` as fallback ids, those tagged skip dropped."""
    return [
        Event.from_dict({"id": fallback, **event})
        for event, fallback in zip(events, ids, strict=True)
        if not (isinstance(event.get("tags"), dict) and event["tags"].get("skip"))  # type: ignore[union-attr]  # checked: a dict
    ]


@modest
@given(st.lists(events(), max_size=12))
def test_from_sqs_event_gives_back_the_events_written_by_to_sqs_event_records(
    events: list[dict[str, JsonValue]],
) -> None:
    lambda_event = to_sqs_event_records(events)
    ids = [record["messageId"] for record in _records(lambda_event)]
    items = collect(from_sqs_event(lambda_event))
    assert all(isinstance(item, UnitOfWork) for item in items)
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == expected_events(
        events, ids
    )


messages = st.fixed_dictionaries(
    {"body": text},
    optional={"timestamp": text | st.integers(), "region": text},
)


@modest
@given(st.lists(messages, max_size=12))
def test_from_sqs_gives_back_the_records_of_to_sqs_records(
    messages: list[dict[str, JsonValue]],
) -> None:
    lambda_event = to_sqs_records(messages)
    items = collect(from_sqs(lambda_event))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == lambda_event[
        "Records"
    ]
