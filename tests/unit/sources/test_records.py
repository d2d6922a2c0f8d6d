"""What the sources share: reading ``Records``, adopting raw JSON, parsing event payloads."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from lambda_stream import Event, EventError, Fault, JsonObject, UnitOfWork, freeze
from lambda_stream.sources._records import (
    RawRecords,
    RecordError,
    adopt,
    adopt_raw,
    member,
    parse_event,
)


def _keep_strings(entry: object) -> UnitOfWork | Fault | None:
    return UnitOfWork(record=entry) if isinstance(entry, str) else None


def test_adopt_wraps_a_dict_without_copying_it() -> None:
    raw: dict[str, object] = {"a": 1}
    adopted = adopt(raw)
    raw["a"] = 2  # a source never does this: it takes the event over
    assert adopted == {"a": 2}


def test_adopt_copies_other_mappings() -> None:
    assert adopt(freeze({"a": [1]})) == JsonObject({"a": [1]})


def test_adopt_keeps_scalars() -> None:
    assert [adopt(value) for value in ("s", 1, None, True)] == ["s", 1, None, True]


def test_adopt_rejects_what_is_not_json() -> None:
    with pytest.raises(TypeError, match="not a JSON value"):
        adopt(object())


def test_adopt_raw_keeps_the_repr_of_what_is_not_json() -> None:
    odd = object()
    assert adopt_raw(odd) == repr(odd)


def test_adopt_raw_adopts_json() -> None:
    assert adopt_raw([1, "a"]) == [1, "a"]


def test_raw_records_decodes_every_entry_and_drops_none() -> None:
    items = list(RawRecords({"Records": ["a", 1, "b"]}, "Test", _keep_strings))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == ["a", "b"]


def test_raw_records_can_be_read_twice() -> None:
    records = RawRecords({"Records": ["a"]}, "Test", _keep_strings)
    assert list(records) == list(records)


def test_raw_records_turns_an_event_without_records_into_one_fault() -> None:
    [fault] = list(RawRecords({"records": []}, "Test", _keep_strings))
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "a Test event needs a 'Records' list")


def test_raw_records_names_the_type_of_an_event_that_is_no_object() -> None:
    [fault] = list(RawRecords(3, "Test", _keep_strings))
    assert isinstance(fault, Fault)
    assert fault.message == "a Test event must be a JSON object, got int"


def test_raw_records_keeps_an_event_that_is_not_json_as_its_repr() -> None:
    [fault] = list(RawRecords(object, "Test", _keep_strings))
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == repr(object)


def test_member_follows_a_path() -> None:
    assert member(freeze({"kinesis": {"data": "x"}}), "kinesis", "data") == "x"


def test_member_names_the_missing_part_of_the_path() -> None:
    with pytest.raises(RecordError, match=r"^record has no kinesis\.data$"):
        member(freeze({"kinesis": {}}), "kinesis", "data")


def test_member_stops_at_a_value_that_is_no_object() -> None:
    with pytest.raises(RecordError, match=r"^record has no kinesis$"):
        member("text", "kinesis", "data")


def test_a_record_error_is_a_value_error() -> None:
    assert issubclass(RecordError, ValueError)


def test_parse_event_reads_an_event() -> None:
    assert parse_event('{"id":"1","type":"t","n":2}', None) == Event.from_dict(
        {"id": "1", "type": "t", "n": 2}
    )


def test_parse_event_uses_the_fallback_id_when_the_payload_has_none() -> None:
    assert parse_event('{"type":"t"}', "fallback").id == "fallback"


def test_parse_event_prefers_the_payload_id() -> None:
    assert parse_event('{"id":"own","type":"t"}', "fallback").id == "own"


def test_parse_event_allows_json_whitespace_around_the_payload() -> None:
    assert parse_event(' \t\r\n{"id":"1","type":"t"}\n ', None) == Event(id="1", type="t")


def test_parse_event_rejects_other_whitespace_as_json_does() -> None:
    with pytest.raises(json.JSONDecodeError, match="Extra data"):
        parse_event('{"id":"1","type":"t"}\u00a0', None)


def test_parse_event_rejects_trailing_data() -> None:
    with pytest.raises(json.JSONDecodeError, match="Extra data"):
        parse_event('{"id":"1","type":"t"} {}', None)


def test_parse_event_rejects_empty_text() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_event("", "fallback")


def test_parse_event_revives_compressed_members() -> None:
    packed = "COMPRESSED" + base64.b64encode(gzip.compress(b'{"n":1}')).decode()
    event = parse_event(json.dumps({"id": "1", "type": "t", "thing": packed}), None)
    assert event["thing"] == {"n": 1}


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ("[1]", "an array"),
        ('"ab"', "a string"),
        ("null", "null"),
        ("3", "a number"),
        ("2.5", "a number"),
        ("true", "a boolean"),
    ],
)
def test_parse_event_names_the_json_type_of_a_payload_that_is_no_object(
    payload: str, kind: str
) -> None:
    with pytest.raises(EventError, match=f"^the payload must be a JSON object, got {kind}$"):
        parse_event(payload, "fallback")


def test_parse_event_rejects_an_object_without_a_type() -> None:
    with pytest.raises(EventError, match="no 'type'"):
        parse_event('{"id":"1"}', None)


def test_parse_event_without_an_id_or_a_fallback_is_no_event() -> None:
    with pytest.raises(EventError, match="no 'id'"):
        parse_event('{"type":"t"}', None)
