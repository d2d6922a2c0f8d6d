import dataclasses

import pytest

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, freeze
from lambda_stream.core.uow import Key, UnitOfWork

REQUEST = Key[JsonObject]("updateRequest")
COUNT = Key[int]("count")
EVENT = Event(id="e1", type="thing-created")


def _uow() -> UnitOfWork:
    return UnitOfWork(record=freeze({"r": 1}), event=EVENT, pipeline="p1")


def test_a_key_needs_a_non_empty_name() -> None:
    with pytest.raises(ValueError, match="non-empty string name"):
        Key[int]("")


def test_a_key_rejects_a_non_string_name() -> None:
    with pytest.raises(ValueError, match="non-empty string name"):
        Key[int](3)  # type: ignore[arg-type]  # the point: not a string


def test_a_key_shows_its_name() -> None:
    assert repr(REQUEST) == "Key('updateRequest')"


def test_get_returns_the_value_set_under_a_key() -> None:
    assert _uow().set(COUNT, 3).get(COUNT) == 3


def test_get_returns_none_when_nothing_is_set() -> None:
    assert _uow().get(COUNT) is None


def test_indexing_returns_the_value_set_under_a_key() -> None:
    assert _uow().set(COUNT, 3)[COUNT] == 3


def test_indexing_raises_key_error_naming_the_key() -> None:
    with pytest.raises(KeyError, match="uow has no 'count'"):
        _uow()[COUNT]


def test_keys_with_the_same_name_address_the_same_value() -> None:
    assert _uow().set(COUNT, 3).get(Key[int]("count")) == 3


def test_contains_tells_whether_a_value_is_set() -> None:
    uow = _uow().set(COUNT, 3)
    assert (COUNT in uow, REQUEST in uow) == (True, False)


def test_set_leaves_the_original_untouched() -> None:
    uow = _uow()
    uow.set(COUNT, 3)
    assert COUNT not in uow


def test_set_again_replaces_the_value() -> None:
    assert _uow().set(COUNT, 1).set(COUNT, 2)[COUNT] == 2


def test_set_keeps_record_event_pipeline_and_batch() -> None:
    uow = _uow().with_batch((_uow(),))
    updated = uow.set(COUNT, 1)
    assert (updated.record, updated.event, updated.pipeline, updated.batch) == (
        uow.record,
        uow.event,
        uow.pipeline,
        uow.batch,
    )


def test_discard_removes_the_value() -> None:
    assert COUNT not in _uow().set(COUNT, 1).discard(COUNT)


def test_discard_leaves_the_original_untouched() -> None:
    uow = _uow().set(COUNT, 1)
    uow.discard(COUNT)
    assert uow[COUNT] == 1


def test_discarding_an_absent_key_returns_the_same_uow() -> None:
    uow = _uow()
    assert uow.discard(COUNT) is uow


def test_with_event_replaces_the_event_and_keeps_the_values() -> None:
    other = Event(id="e2", type="t")
    uow = _uow().set(COUNT, 1).with_event(other)
    assert (uow.event, uow[COUNT]) == (other, 1)


def test_with_pipeline_replaces_the_pipeline_and_keeps_the_values() -> None:
    uow = _uow().set(COUNT, 1).with_pipeline("p2")
    assert (uow.pipeline, uow[COUNT]) == ("p2", 1)


def test_with_batch_sets_the_members_and_keeps_the_values() -> None:
    members = (_uow(), _uow().with_pipeline("p2"))
    uow = _uow().set(COUNT, 1).with_batch(members)
    assert (uow.batch, uow[COUNT]) == (members, 1)


def test_members_of_a_batch_are_its_batch() -> None:
    members = (_uow(), _uow())
    assert _uow().with_batch(members).members() == members


def test_members_of_a_single_uow_is_itself() -> None:
    uow = _uow()
    assert uow.members() == (uow,)


def test_attrs_lists_values_in_the_order_first_set() -> None:
    uow = _uow().set(COUNT, 1).set(REQUEST, JsonObject()).set(COUNT, 2)
    assert list(uow.attrs()) == [("count", 2), ("updateRequest", JsonObject())]


def test_a_uow_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _uow().pipeline = "p2"  # type: ignore[misc]  # the point: frozen


def test_equal_parts_make_equal_uows() -> None:
    assert _uow().set(COUNT, 1) == _uow().set(COUNT, 1)


def test_different_values_make_different_uows() -> None:
    assert _uow().set(COUNT, 1) != _uow().set(COUNT, 2)


# -- to_dict --------------------------------------------------------------------------------


def test_to_dict_writes_the_js_shape() -> None:
    uow = _uow().set(REQUEST, JsonObject({"Key": {"pk": "1"}})).set(COUNT, 2)
    assert uow.to_dict() == {
        "pipeline": "p1",
        "record": {"r": 1},
        "event": {"id": "e1", "type": "thing-created"},
        "updateRequest": {"Key": {"pk": "1"}},
        "count": 2,
    }


def test_to_dict_omits_an_unset_pipeline_and_event() -> None:
    assert UnitOfWork(record=None).to_dict() == {"record": None}


def test_to_dict_writes_plain_containers() -> None:
    out = _uow().set(REQUEST, JsonObject({"a": [1]})).to_dict()
    assert (type(out["record"]), type(out["updateRequest"])) == (dict, dict)


def test_to_dict_writes_the_batch_members() -> None:
    uow = UnitOfWork(record=None).with_batch((_uow(), _uow().with_pipeline("p2")))
    assert uow.to_dict()["batch"] == [_uow().to_dict(), _uow().with_pipeline("p2").to_dict()]


def test_to_dict_writes_out_nested_uows_and_events() -> None:
    nested = Key[tuple[UnitOfWork, Event]]("nested")
    out = UnitOfWork(record=None).set(nested, (_uow(), EVENT)).to_dict()
    assert out["nested"] == [_uow().to_dict(), EVENT.to_dict()]


def test_to_dict_writes_plain_mappings_of_frozen_values() -> None:
    responses = Key[dict[str, JsonObject]]("responses")
    out = UnitOfWork(record=None).set(responses, {"a": JsonObject({"b": 1})}).to_dict()
    assert out["responses"] == {"a": {"b": 1}}
