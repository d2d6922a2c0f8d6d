"""to_eventbridge_record: the JS helper's shape, and the round trip through from_eventbridge."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import Event, UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.eventbridge import from_eventbridge
from lambda_stream.testing import collect
from lambda_stream.testing.eventbridge import to_eventbridge_record
from lambda_stream.utils.compression import PREFIX
from tests.conformance.cases import CONFORMANCE

JS_REGION = "us-west-2"  # the JS helpers ran with AWS_REGION=us-west-2
THING: dict[str, JsonValue] = {"id": "e-1", "type": "thing-created", "thing": {"name": "n"}}


def _builder_cases() -> list[tuple[str, Any, Any]]:
    """(name, event, Lambda event) of every recorded toEventBridgeRecord call."""
    return [
        (case["name"], case["input_built_with"]["args"][0], case["input_event"])
        for case in json.loads((CONFORMANCE / "from-eventbridge.json").read_text())
        if case.get("input_built_with", {}).get("name") == "toEventBridgeRecord"
    ]


@pytest.mark.parametrize(("name", "event", "expected"), _builder_cases())
def test_the_record_matches_the_js_helper(name: str, event: Any, expected: Any) -> None:
    assert to_eventbridge_record(event, aws_region=JS_REGION) == expected


def test_the_detail_type_is_the_event_type() -> None:
    assert to_eventbridge_record(THING)["detail-type"] == "thing-created"


def test_an_event_is_written_in_its_wire_form() -> None:
    event = Event.from_dict({**THING, "partitionKey": "p"})
    record = to_eventbridge_record(event)
    assert (record["detail"], record["detail-type"]) == (event.to_dict(), "thing-created")


def test_the_detail_is_a_copy() -> None:
    event: dict[str, JsonValue] = {"id": "1", "type": "t", "thing": {"n": 1}}
    detail = to_eventbridge_record(event)["detail"]
    assert detail == event
    assert detail is not event


def test_the_region_is_the_one_given() -> None:
    assert to_eventbridge_record(THING, aws_region="eu-west-1")["region"] == "eu-west-1"


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JS helper of 1.0.0 wrote us-west-1 whatever the environment; 1.2.0 (the recorded
    cases) writes AWS_REGION, as this one does."""
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert to_eventbridge_record(THING)["region"] == "ap-southeast-2"


def test_the_region_falls_back_to_the_js_helpers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert to_eventbridge_record(THING)["region"] == "us-west-2"


# -- the round trip over random events --------------------------------------------------------

# Top-level names an entity must not take: the envelope fields, and ``s3``, which would make a
# lone member a claim-check stub.
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


@settings(max_examples=80, deadline=None)
@given(events())
def test_from_eventbridge_gives_back_the_event(event: dict[str, JsonValue]) -> None:
    items = collect(from_eventbridge(to_eventbridge_record(event)))
    expected = [] if _skipped(event) else [Event.from_dict({"id": "0", **event})]
    assert all(isinstance(item, UnitOfWork) for item in items)
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == expected
