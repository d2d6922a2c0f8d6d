"""to_firehose_records: the JS helper's shape, and the round trip through from_firehose."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import Event, UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.firehose import from_firehose
from lambda_stream.testing import collect
from lambda_stream.testing.firehose import to_firehose_records
from lambda_stream.utils.compression import PREFIX, decompress
from tests.conformance.cases import CONFORMANCE

JS_REGION = "us-west-2"  # the JS helpers ran with AWS_REGION=us-west-2


def _builder_cases() -> list[tuple[str, Any, Any]]:
    """(name, args, Lambda event) of every recorded toFirehoseRecords call."""
    return [
        (case["name"], case["input_built_with"]["args"], case["input_event"])
        for case in json.loads((CONFORMANCE / "from-misc.json").read_text())
        if case.get("input_built_with", {}).get("name") == "toFirehoseRecords"
    ]


def _records(invocation: dict[str, object]) -> list[Any]:
    records = invocation["records"]
    assert isinstance(records, list)
    return records


def _data(record: Any) -> Any:
    return json.loads(base64.b64decode(record["data"]).decode("utf-8"))


@pytest.mark.parametrize(("name", "args", "expected"), _builder_cases())
def test_the_invocation_matches_the_js_helper_byte_for_byte(
    name: str, args: Any, expected: Any
) -> None:
    assert to_firehose_records(*args, aws_region=JS_REGION) == expected


def test_records_are_numbered_from_zero() -> None:
    records = _records(to_firehose_records([{"id": "a", "type": "t"}] * 3))
    assert [record["recordId"] for record in records] == ["0", "1", "2"]


def test_the_arrival_timestamp_is_absent_when_not_given() -> None:
    record = _records(to_firehose_records([{"id": "a", "type": "t"}]))[0]
    assert "approximateArrivalTimestamp" not in record


def test_an_event_is_written_in_its_wire_form() -> None:
    event = Event.from_dict({"id": "a", "type": "t", "partitionKey": "k", "thing": {"n": 1}})
    assert _data(_records(to_firehose_records([event]))[0]) == event.to_dict()


def test_members_over_10_kib_are_compressed_as_the_js_helper_does() -> None:
    thing: dict[str, JsonValue] = {"text": "x" * 10_300}
    data = _data(_records(to_firehose_records([{"id": "a", "type": "t", "thing": thing}]))[0])
    assert data["thing"].startswith(PREFIX)
    assert decompress(data) == {"id": "a", "type": "t", "thing": thing}


def test_the_envelope_is_the_js_helpers() -> None:
    invocation = to_firehose_records([], aws_region="eu-west-1")
    assert invocation == {
        "invocationId": "invocationIdExample",
        "deliveryStreamArn": "arn:aws:kinesis:TEST",
        "region": "eu-west-1",
        "records": [],
    }


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert to_firehose_records([])["region"] == "ap-southeast-2"


# -- the round trip over random events --------------------------------------------------------

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
def events(draw: st.DrawFn) -> dict[str, JsonValue]:
    """A random event: maybe an id, a type, envelope fields, tags (skip among them), entities."""
    event: dict[str, JsonValue] = {}
    if draw(st.booleans()):
        event["id"] = draw(text)
    event["type"] = draw(text)
    if draw(st.booleans()):
        event["timestamp"] = draw(st.integers(0, 2**53))
    if draw(st.booleans()):
        event["partitionKey"] = draw(text)
    if draw(st.booleans()):
        event["tags"] = draw(st.dictionaries(names, scalars, max_size=3))
    event.update(draw(st.dictionaries(names, json_values, max_size=3)))
    return event


def _skipped(event: dict[str, JsonValue]) -> bool:
    tags = event.get("tags")
    return isinstance(tags, dict) and bool(tags.get("skip"))


@settings(max_examples=40, deadline=None)
@given(st.lists(events(), max_size=8))
def test_from_firehose_gives_back_the_events(events: list[dict[str, JsonValue]]) -> None:
    items = collect(from_firehose(to_firehose_records(events)))
    expected = [
        Event.from_dict({"id": str(n), **event})
        for n, event in enumerate(events)
        if not _skipped(event)
    ]
    assert all(isinstance(item, UnitOfWork) for item in items)
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == expected
