import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_stream.core.event import Event, EventError
from lambda_stream.core.json import JsonArray, JsonObject, JsonValue, dumps

json_values: st.SearchStrategy[JsonValue] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=6), json_values, max_size=3)

# Members the Event reads, each with values of the expected and of unexpected types.
optional_members: dict[str, st.SearchStrategy[JsonValue]] = {
    "timestamp": st.integers() | st.floats(allow_nan=False) | st.text() | st.booleans() | st.none(),
    "partitionKey": st.text() | st.integers() | st.none() | json_objects,
    "tags": json_objects | st.just({}) | st.lists(st.text(), max_size=2) | st.text(),
    "raw": json_values,
    "eem": json_values,
}


@st.composite
def wire_events(draw: st.DrawFn) -> dict[str, JsonValue]:
    extra = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4))
    event: dict[str, JsonValue] = {"id": draw(st.text()), "type": draw(st.text())}
    for name, values in optional_members.items():
        if draw(st.booleans()):
            event[name] = draw(values)
    for key, value in extra.items():
        event.setdefault(key, value)
    return event


THING: dict[str, JsonValue] = {
    "id": "e1",
    "type": "thing-created",
    "timestamp": 1600000000000,
    "partitionKey": "p1",
    "tags": {"region": "us-west-2"},
    "thing": {"name": "one"},
    "raw": {"new": {"pk": "1"}},
    "custom": [1, 2],
}


@given(wire_events())
def test_a_round_trip_loses_nothing(wire: dict[str, JsonValue]) -> None:
    assert Event.from_dict(wire).to_dict() == wire


@given(wire_events())
def test_the_wire_view_equals_to_dict_in_content_and_order(wire: dict[str, JsonValue]) -> None:
    event = Event.from_dict(wire)
    assert list(event.wire().items()) == list(event.to_dict().items())
    assert event.to_json() == dumps(event.to_dict())


def test_from_dict_reads_the_standard_members() -> None:
    event = Event.from_dict(THING)
    assert (event.id, event.type, event.timestamp, event.partition_key, event.tags) == (
        "e1",
        "thing-created",
        1600000000000,
        "p1",
        JsonObject({"region": "us-west-2"}),
    )


def test_the_entity_and_unknown_members_live_in_extra() -> None:
    assert list(Event.from_dict(THING).extra) == ["thing", "raw", "custom"]


def test_indexing_reads_a_top_level_member() -> None:
    assert Event.from_dict(THING)["thing"] == {"name": "one"}


def test_indexing_a_missing_member_raises_key_error() -> None:
    with pytest.raises(KeyError):
        Event.from_dict(THING)["missing"]


def test_get_returns_none_for_a_missing_member() -> None:
    assert Event.from_dict(THING).get("missing") is None


def test_raw_is_the_raw_member() -> None:
    assert Event.from_dict(THING).raw == {"new": {"pk": "1"}}


def test_raw_is_none_without_a_raw_member() -> None:
    assert Event(id="1", type="t").raw is None


@pytest.mark.parametrize(("skip", "expected"), [(True, True), (False, False), (None, False)])
def test_skip_follows_the_skip_tag(skip: bool | None, expected: bool) -> None:
    assert Event.from_dict({"id": "1", "type": "t", "tags": {"skip": skip}}).skip is expected


def test_skip_is_false_without_tags() -> None:
    assert Event(id="1", type="t").skip is False


def test_to_dict_writes_the_entity_at_the_top_level() -> None:
    assert Event.from_dict(THING).to_dict() == THING


def test_to_dict_omits_unset_members() -> None:
    assert Event(id="1", type="t").to_dict() == {"id": "1", "type": "t"}


def test_to_dict_writes_standard_members_first() -> None:
    wire: dict[str, JsonValue] = {"thing": 1, "tags": {"a": "b"}, "type": "t", "id": "1"}
    assert list(Event.from_dict(wire).to_dict()) == ["id", "type", "tags", "thing"]


def test_to_dict_lets_the_standard_members_win_over_extra_ones() -> None:
    extra = JsonObject({"id": "x", "tags": {}, "thing": 1})
    event = Event(id="1", type="t", tags=JsonObject({"a": "b"}), extra=extra)
    assert event.to_dict() == {"id": "1", "type": "t", "tags": {"a": "b"}, "thing": 1}


def test_to_json_is_compact() -> None:
    assert Event(id="1", type="t", timestamp=2).to_json() == '{"id":"1","type":"t","timestamp":2}'


def test_from_dict_copies_its_input() -> None:
    thing: dict[str, JsonValue] = {"name": "one"}
    event = Event.from_dict({"id": "1", "type": "t", "thing": thing})
    thing["name"] = "changed"
    assert event["thing"] == {"name": "one"}


def test_from_dict_accepts_a_frozen_object() -> None:
    assert Event.from_dict(JsonObject(THING)) == Event.from_dict(THING)


def test_an_integral_float_timestamp_becomes_an_int() -> None:
    event = Event.from_dict({"id": "1", "type": "t", "timestamp": 1600000000000.0})
    assert type(event.timestamp) is int


@pytest.mark.parametrize("timestamp", ["1600000000000", 1.5, True])
def test_a_timestamp_of_another_type_is_kept_verbatim_in_extra(timestamp: JsonValue) -> None:
    event = Event.from_dict({"id": "1", "type": "t", "timestamp": timestamp})
    assert (event.timestamp, event["timestamp"]) == (None, timestamp)


def test_a_non_string_partition_key_is_kept_verbatim_in_extra() -> None:
    event = Event.from_dict({"id": "1", "type": "t", "partitionKey": 7})
    assert (event.partition_key, event["partitionKey"]) == (None, 7)


def test_empty_tags_are_kept_verbatim_in_extra() -> None:
    event = Event.from_dict({"id": "1", "type": "t", "tags": {}})
    assert (event.tags, event["tags"]) == (JsonObject(), JsonObject())


def test_non_object_tags_are_kept_verbatim_in_extra() -> None:
    event = Event.from_dict({"id": "1", "type": "t", "tags": ["a"]})
    assert event.tags == JsonObject()
    assert event["tags"] == JsonArray(["a"])


def test_an_event_is_frozen() -> None:
    event = Event(id="1", type="t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.id = "2"  # type: ignore[misc]  # the point: frozen


def test_equal_wire_forms_give_equal_and_equally_hashed_events() -> None:
    first, second = Event.from_dict(THING), Event.from_dict(dict(THING))
    assert (first == second, hash(first) == hash(second)) == (True, True)


# -- errors ---------------------------------------------------------------------------------


def test_an_event_error_is_a_value_error() -> None:
    assert issubclass(EventError, ValueError)


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"type": "t"}, "not an event: no 'id'"),
        ({"id": "1"}, "not an event: no 'type'"),
        ({}, "not an event: no 'id' and no 'type'"),
        ({"id": 1, "type": "t"}, "not an event: 'id' is a int, not a string"),
        ({"id": "1", "type": None}, "not an event: no 'type'"),
        ({"id": "1", "type": ["t"]}, "not an event: 'type' is a list, not a string"),
    ],
)
def test_from_dict_names_what_is_missing_or_wrong(wire: dict[str, JsonValue], message: str) -> None:
    with pytest.raises(EventError) as raised:
        Event.from_dict(wire)
    assert str(raised.value) == message


def test_from_dict_rejects_a_non_object() -> None:
    with pytest.raises(EventError, match="an event must be a JSON object, got list"):
        Event.from_dict(["id", "type"])  # type: ignore[arg-type]  # the point: not a mapping
