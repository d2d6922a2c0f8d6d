import json
from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_stream.core.json import JsonArray, JsonObject, JsonValue, dumps, freeze, thaw

json_values: st.SearchStrategy[JsonValue] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _nested() -> JsonObject:
    return JsonObject({"thing": {"name": "a", "tags": ["x", {"deep": [1]}]}, "n": 1})


# -- immutability -------------------------------------------------------------------------


def test_freeze_copies_so_changing_the_input_afterwards_changes_nothing() -> None:
    tags: list[JsonValue] = ["x"]
    source: dict[str, JsonValue] = {"thing": {"tags": tags}}
    frozen = freeze(source)
    tags.append("y")
    source["other"] = 1
    assert frozen == {"thing": {"tags": ["x"]}}


def test_reading_a_member_wraps_a_nested_object() -> None:
    assert isinstance(_nested()["thing"], JsonObject)


def test_get_wraps_a_nested_object() -> None:
    assert isinstance(_nested().get("thing"), JsonObject)


def test_values_wrap_nested_containers() -> None:
    thing = _nested().get_object("thing")
    assert [type(v) for v in thing.values()] == [str, JsonArray]


def test_items_wrap_nested_containers() -> None:
    assert [type(v) for _, v in _nested().items()] == [JsonObject, int]


def test_iterating_an_array_wraps_nested_containers() -> None:
    tags = _nested().get_object("thing")["tags"]
    assert isinstance(tags, JsonArray)
    assert [type(v) for v in tags] == [str, JsonObject]


def test_indexing_an_array_wraps_a_nested_container() -> None:
    assert isinstance(JsonArray([[1], {"a": 1}])[0], JsonArray)


def test_slicing_an_array_returns_a_frozen_array() -> None:
    sliced = JsonArray([{"a": 1}, [2], 3])[0:2]
    assert isinstance(sliced, JsonArray)
    assert [type(v) for v in sliced] == [JsonObject, JsonArray]


def test_slicing_with_a_step_returns_a_frozen_array() -> None:
    assert JsonArray([1, 2, 3, 4])[::2] == JsonArray([1, 3])


def test_an_object_rejects_item_assignment() -> None:
    obj = JsonObject({"a": 1})
    with pytest.raises(TypeError):
        obj["a"] = 2  # type: ignore[index]  # the point: a view has no __setitem__


def test_an_object_rejects_item_deletion() -> None:
    obj = JsonObject({"a": 1})
    with pytest.raises(TypeError):
        del obj["a"]  # type: ignore[attr-defined]  # the point: a view has no __delitem__


def test_an_array_rejects_item_assignment() -> None:
    arr = JsonArray([1])
    with pytest.raises(TypeError):
        arr[0] = 2  # type: ignore[index]  # the point: a view has no __setitem__


def test_a_view_rejects_new_attributes() -> None:
    with pytest.raises(AttributeError):
        JsonObject().extra = 1  # type: ignore[attr-defined]  # the point: slots only


def test_an_object_has_no_mutating_methods() -> None:
    names = ("__setitem__", "__delitem__", "pop", "popitem", "clear", "setdefault")
    assert [name for name in names if hasattr(JsonObject(), name)] == []


def test_an_array_has_no_mutating_methods() -> None:
    names = ("__setitem__", "__delitem__", "append", "extend", "insert", "pop", "sort", "clear")
    assert [name for name in names if hasattr(JsonArray(), name)] == []


def test_thaw_returns_an_independent_deep_copy() -> None:
    obj = _nested()
    plain = obj.thaw()
    plain["thing"]["tags"].append("y")  # type: ignore[index]  # plain test data
    assert obj == _nested().thaw()


def test_thaw_returns_a_new_copy_each_time() -> None:
    obj = _nested()
    assert obj.thaw()["thing"] is not obj.thaw()["thing"]


def test_array_thaw_returns_plain_lists() -> None:
    assert type(JsonArray([[1]]).thaw()[0]) is list


def test_module_thaw_copies_plain_values_deeply() -> None:
    source = {"a": [1]}
    copy = thaw(source)
    assert isinstance(copy, dict)
    assert copy == source
    assert copy["a"] is not source["a"]


def test_module_thaw_of_a_view_returns_plain_containers() -> None:
    assert type(thaw(_nested())) is dict


# -- updates ------------------------------------------------------------------------------


def test_set_returns_a_copy_and_leaves_the_original() -> None:
    obj = JsonObject({"a": 1})
    updated = obj.set("b", 2)
    assert updated == {"a": 1, "b": 2}
    assert obj == {"a": 1}


def test_set_replaces_an_existing_member_in_place() -> None:
    assert list(JsonObject({"a": 1, "b": 2}).set("a", 3).items()) == [("a", 3), ("b", 2)]


def test_set_copies_the_value() -> None:
    value: list[JsonValue] = [1]
    updated = JsonObject().set("a", value)
    value.append(2)
    assert updated == {"a": [1]}


def test_update_sets_every_member_and_leaves_the_original() -> None:
    obj = JsonObject({"a": 1})
    updated = obj.update({"a": 2, "b": 3})
    assert updated == {"a": 2, "b": 3}
    assert obj == {"a": 1}


def test_update_rejects_a_non_string_key() -> None:
    with pytest.raises(TypeError, match="keys must be strings"):
        JsonObject().update({1: 2})  # type: ignore[dict-item]  # the point: a bad key


def test_remove_drops_keys_and_leaves_the_original() -> None:
    obj = JsonObject({"a": 1, "b": 2, "c": 3})
    smaller = obj.remove("a", "c")
    assert smaller == {"b": 2}
    assert obj == {"a": 1, "b": 2, "c": 3}


def test_remove_ignores_missing_keys() -> None:
    assert JsonObject({"a": 1}).remove("zz") == {"a": 1}


def test_get_str_returns_only_strings() -> None:
    obj = JsonObject({"s": "x", "n": 1})
    assert (obj.get_str("s"), obj.get_str("n"), obj.get_str("missing")) == ("x", None, None)


def test_get_object_returns_an_empty_object_for_a_non_object() -> None:
    obj = JsonObject({"list": [1], "o": {"k": 1}})
    assert obj.get_object("list") == {}
    assert obj.get_object("o") == {"k": 1}


# -- equality and hashing -----------------------------------------------------------------


def test_an_object_equals_the_plain_dict_it_was_frozen_from() -> None:
    assert _nested() == {"thing": {"name": "a", "tags": ["x", {"deep": [1]}]}, "n": 1}


def test_an_object_differs_from_a_different_dict() -> None:
    assert _nested() != {"thing": {}, "n": 1}


def test_an_array_equals_a_plain_list_and_a_tuple() -> None:
    arr = JsonArray([1, {"a": [2]}])
    assert (arr == [1, {"a": [2]}], arr == (1, {"a": [2]})) == (True, True)


def test_an_object_never_equals_an_array() -> None:
    assert JsonObject() != JsonArray()


def test_comparing_an_object_with_a_non_json_mapping_is_false() -> None:
    assert JsonObject({"a": 1}) != {1: 1}


def test_comparing_an_array_with_a_non_json_list_is_false() -> None:
    assert JsonArray([1]) != [object()]


def test_equal_objects_hash_equal_whatever_their_key_order() -> None:
    assert hash(JsonObject({"a": 1, "b": [2]})) == hash(JsonObject({"b": [2], "a": 1}))


def test_equal_arrays_hash_equal() -> None:
    assert hash(JsonArray([1, [2]])) == hash(freeze((1, (2,))))


def test_views_work_as_dict_keys() -> None:
    seen = {freeze({"a": [1]}): "first"}
    assert seen[freeze({"a": [1]})] == "first"


# -- freeze -------------------------------------------------------------------------------


def test_freeze_keeps_scalars() -> None:
    values: list[JsonValue] = [None, True, 1, 1.5, Decimal("2.5"), "s", b"b"]
    assert [freeze(v) for v in values] == values


def test_freeze_turns_a_set_into_a_frozenset() -> None:
    assert freeze({"s": {1, 2}}) == {"s": frozenset({1, 2})}


def test_freeze_turns_a_tuple_into_an_array() -> None:
    assert isinstance(freeze((1, 2)), JsonArray)


@pytest.mark.parametrize("value", [bytearray(b"ab"), memoryview(b"ab")])
def test_freeze_turns_bytes_like_values_into_bytes(value: bytearray | memoryview) -> None:
    assert freeze({"b": value}) == {"b": b"ab"}


def test_freeze_rejects_a_non_json_value() -> None:
    with pytest.raises(TypeError, match="not a JSON value: object"):
        freeze([object()])  # type: ignore[list-item]  # the point: not JSON


def test_freeze_rejects_a_non_string_key() -> None:
    with pytest.raises(TypeError, match="keys must be strings"):
        freeze({1: "a"})  # type: ignore[dict-item]  # the point: not JSON


@given(json_values)
def test_thawing_a_frozen_value_gives_the_value_back(value: JsonValue) -> None:
    assert thaw(freeze(value)) == value


# -- dumps --------------------------------------------------------------------------------


def test_dumps_writes_compact_json_in_key_order() -> None:
    assert dumps({"b": [1, 2], "a": {"c": None}}) == '{"b":[1,2],"a":{"c":null}}'


def test_dumps_keeps_non_ascii_text() -> None:
    assert dumps({"name": "Crème 🍮 日本"}) == '{"name":"Crème 🍮 日本"}'


def test_dumps_writes_frozen_views() -> None:
    assert dumps([_nested()]) == '[{"thing":{"name":"a","tags":["x",{"deep":[1]}]},"n":1}]'


def test_dumps_writes_an_integral_decimal_as_an_integer() -> None:
    assert dumps([Decimal("3"), Decimal("3.00")]) == "[3,3]"


def test_dumps_writes_a_fractional_decimal_as_a_number() -> None:
    assert dumps([Decimal("1.10")]) == "[1.1]"


def test_dumps_writes_a_fractional_decimal_exactly() -> None:
    assert dumps([Decimal("0.1000000000000000000001")]) == "[0.1000000000000000000001]"


def test_dumps_writes_decimals_exactly_at_any_depth() -> None:
    value = freeze({"a": [{"d": Decimal("99.95")}], "s": frozenset({Decimal("-1.5E-7")}), "k": 1})
    assert dumps(value) == '{"a":[{"d":99.95}],"s":[-1.5E-7],"k":1}'


def test_dumps_writes_a_huge_integral_decimal_in_exponent_form() -> None:
    assert dumps([Decimal("1E+5000")]) == "[1E+5000]"


def test_dumps_writes_the_members_of_a_set_sorted() -> None:
    assert dumps(frozenset({"b", "c", "a"})) == '["a","b","c"]'


def test_dumps_writes_a_set_of_unorderable_members() -> None:
    assert set(json.loads(dumps(frozenset({"a", 1})))) == {"a", 1}


def test_dumps_writes_the_other_values_beside_an_exact_decimal_as_it_always_does() -> None:
    value = {1: Decimal("0.5"), "b": b"hi", "r": range(2), "n": None, "f": 1.5, "t": True}
    assert dumps(value) == '{"1":0.5,"b":"aGk=","r":[0,1],"n":null,"f":1.5,"t":true}'


def test_dumps_rejects_a_non_json_value_beside_an_exact_decimal() -> None:
    with pytest.raises(TypeError, match="not JSON serializable: object"):
        dumps([Decimal("0.5"), object()])


def test_dumps_keeps_integers_beyond_two_to_the_53_exact() -> None:
    assert dumps([Decimal(2**64), 2**64]) == f"[{2**64},{2**64}]"


def test_dumps_writes_a_set_as_an_array() -> None:
    assert dumps({"s": frozenset({"x"})}) == '{"s":["x"]}'


def test_dumps_writes_bytes_as_base64() -> None:
    assert dumps({"b": b"hi"}) == '{"b":"aGk="}'


def test_dumps_writes_other_mappings_and_sequences() -> None:
    assert dumps({"m": MappingProxyType({"a": 1}), "r": range(2)}) == '{"m":{"a":1},"r":[0,1]}'


def test_dumps_rejects_a_non_json_value() -> None:
    with pytest.raises(TypeError, match="not JSON serializable: object"):
        dumps([object()])


def test_to_json_is_dumps_of_the_object() -> None:
    assert _nested().to_json() == dumps(_nested().thaw())


@given(json_values)
def test_dumps_of_a_frozen_value_parses_back_to_the_value(value: JsonValue) -> None:
    assert json.loads(dumps(freeze(value))) == value


def test_a_view_shows_its_data() -> None:
    assert (repr(JsonObject({"a": [1]})), repr(JsonArray([{"b": None}]))) == (
        "JsonObject({'a': [1]})",
        "JsonArray([{'b': None}])",
    )


def test_len_counts_the_members() -> None:
    assert (len(JsonObject({"a": 1, "b": 2})), len(JsonArray([1, 2, 3]))) == (2, 3)
