"""to_sns_records: the JS helper's shape, and the round trip through from_sns."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.sns import from_sns
from lambda_stream.testing import collect
from lambda_stream.testing.sns import to_sns_records


def _one(message: dict[str, JsonValue]) -> Any:
    records = to_sns_records([message])["Records"]
    assert isinstance(records, list)
    return records[0]


def test_a_message_becomes_a_record_shaped_as_the_js_helper_shapes_it() -> None:
    attributes: dict[str, JsonValue] = {"a1": {"Type": "String", "Value": "v1"}}
    assert _one({"msg": "m", "subject": "s", "attributes": attributes}) == {
        "EventSource": "aws:sns",
        "Sns": {
            "MessageId": "00000000-0000-0000-0000-000000000000",
            "Message": "m",
            "MessageAttributes": attributes,
            "Subject": "s",
        },
    }


def test_message_ids_concatenate_the_index_as_the_js_helper_does() -> None:
    records = to_sns_records([{"msg": "m"}] * 11)["Records"]
    assert isinstance(records, list)
    assert records[10]["Sns"]["MessageId"] == "00000000-0000-0000-0000-0000000000010"


def test_a_message_without_a_subject_or_attributes_gets_the_js_defaults() -> None:
    sns = _one({"msg": "m"})["Sns"]
    assert (sns["Subject"], sns["MessageAttributes"]) == ("TestSubject", {})


@pytest.mark.parametrize("falsy", ["", None])
def test_a_falsy_subject_gets_the_js_default(falsy: JsonValue) -> None:
    """The JS helper writes ``m.subject || 'TestSubject'``."""
    assert _one({"msg": "m", "subject": falsy})["Sns"]["Subject"] == "TestSubject"


def test_a_message_without_a_msg_has_no_message() -> None:
    """``Message: m.msg`` is undefined in JS, so the key is absent from the JSON."""
    assert "Message" not in _one({})["Sns"]


def test_no_messages_make_no_records() -> None:
    assert to_sns_records([]) == {"Records": []}


text = st.text(st.characters(codec="utf-8"), max_size=20)
attributes = st.dictionaries(
    text, st.fixed_dictionaries({"Type": st.just("String"), "Value": text}), max_size=3
)
messages = st.fixed_dictionaries(
    {"msg": text}, optional={"subject": text, "attributes": attributes}
)


@settings(max_examples=60, deadline=None)
@given(st.lists(messages, max_size=12))
def test_from_sns_gives_back_the_records_of_to_sns_records(
    messages: list[dict[str, JsonValue]],
) -> None:
    lambda_event = to_sns_records(messages)
    items = collect(from_sns(lambda_event))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == lambda_event[
        "Records"
    ]
