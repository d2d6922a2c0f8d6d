import json
from decimal import Decimal

import pytest
from hypothesis import given, settings

from lambda_stream.core.json import JsonObject, JsonValue, dumps, freeze
from lambda_stream.utils.dynamodb import (
    AttributeValueError,
    Base64,
    marshall,
    marshall_value,
    unmarshall,
    unmarshall_value,
)
from tests.unit.utils.dynamodb_strategies import attribute_maps, items

# -- unmarshall ---------------------------------------------------------------------------


def test_a_string_is_a_str() -> None:
    assert unmarshall_value({"S": "x"}) == "x"


def test_an_integral_number_is_an_int() -> None:
    assert unmarshall_value({"N": "-42"}) == -42
    assert type(unmarshall_value({"N": "-42"})) is int


def test_a_number_beyond_two_to_the_53_stays_exact() -> None:
    assert unmarshall_value({"N": "123456789012345678901234567890"}) == (
        123456789012345678901234567890
    )


def test_a_fractional_number_is_an_exact_decimal() -> None:
    value = unmarshall_value({"N": "0.1000000000000000000001"})
    assert (type(value), value) == (Decimal, Decimal("0.1000000000000000000001"))


@pytest.mark.parametrize(("text", "number"), [("1e3", 1000), ("2.0", 2), ("-0", 0), ("1E+2", 100)])
def test_an_integral_number_in_any_spelling_is_an_int(text: str, number: int) -> None:
    value = unmarshall_value({"N": text})
    assert (type(value), value) == (int, number)


def test_a_fraction_in_exponent_form_is_a_decimal() -> None:
    assert unmarshall_value({"N": "-1.5e-7"}) == Decimal("-0.00000015")


def test_booleans_and_null() -> None:
    assert [unmarshall_value(a) for a in ({"BOOL": True}, {"BOOL": False}, {"NULL": True})] == [
        True,
        False,
        None,
    ]


def test_a_map_and_a_list_are_frozen_views() -> None:
    value = unmarshall_value({"M": {"l": {"L": [{"S": "a"}, {"M": {"n": {"N": "1"}}}]}}})
    assert isinstance(value, JsonObject)
    assert value == {"l": ["a", {"n": 1}]}


def test_sets_are_frozensets() -> None:
    image = unmarshall({"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}})
    assert image == {"ss": frozenset({"a", "b"}), "ns": frozenset({1, Decimal("2.5")})}


def test_a_binary_stays_its_base64_text() -> None:
    value = unmarshall_value({"B": "aGVsbG8="})
    assert (value, type(value)) == ("aGVsbG8=", Base64)


def test_a_binary_set_is_a_frozenset_of_base64_text() -> None:
    assert unmarshall_value({"BS": ["AAEC", "AwQF"]}) == frozenset({"AAEC", "AwQF"})


def test_binary_bytes_from_a_decoding_client_become_base64_text() -> None:
    assert unmarshall_value({"B": b"hello"}) == "aGVsbG8="


def test_base64_text_gives_back_its_bytes() -> None:
    assert Base64("aGVsbG8=").to_bytes() == b"hello"


def test_an_image_is_a_frozen_object() -> None:
    image = unmarshall({"pk": {"S": "1"}, "n": {"N": "7"}})
    assert isinstance(image, JsonObject)
    assert image.thaw() == {"pk": "1", "n": 7}


def test_a_frozen_attribute_map_unmarshalls_like_a_plain_one() -> None:
    attributes: dict[str, JsonValue] = {"m": {"M": {"s": {"SS": ["x"]}}}}
    frozen = freeze(attributes)
    assert isinstance(frozen, JsonObject)
    assert unmarshall(frozen) == unmarshall(attributes)


def test_an_unmarshalled_image_is_written_as_json_with_sets_as_arrays() -> None:
    image = unmarshall({"ns": {"NS": ["2.5", "1"]}, "d": {"N": "0.1000000000000000000001"}})
    assert dumps(image) == '{"ns":[1,2.5],"d":0.1000000000000000000001}'


BAD_ATTRIBUTES: dict[str, object] = {
    "not an object": "x",
    "no member": {},
    "two members": {"S": "x", "N": "1"},
    "unknown type": {"X": "1"},
    "S not text": {"S": 1},
    "N not text": {"N": 1},
    "N not a number": {"N": "one"},
    "N empty": {"N": ""},
    "N not a number with a dot": {"N": "1.2.3"},
    "N NaN": {"N": "NaN"},
    "N infinity": {"N": "Infinity"},
    "BOOL not a boolean": {"BOOL": "true"},
    "M not an object": {"M": []},
    "L not a list": {"L": {}},
    "SS with a number": {"SS": ["a", 1]},
    "NS not a list": {"NS": "1"},
    "NS with a bad number": {"NS": ["x"]},
    "B not text": {"B": 5},
    "BS not a list": {"BS": "AAEC"},
    "a bad member deep inside": {"M": {"a": {"L": [{"N": "x"}]}}},
}


@pytest.mark.parametrize("attribute", BAD_ATTRIBUTES.values(), ids=BAD_ATTRIBUTES.keys())
def test_a_value_that_is_not_dynamodb_json_is_rejected(attribute: object) -> None:
    with pytest.raises(AttributeValueError, match="not a DynamoDB"):
        unmarshall_value(attribute)


def test_an_attribute_map_that_is_not_a_mapping_is_rejected() -> None:
    with pytest.raises(AttributeValueError, match="not an attribute map"):
        unmarshall(["S"])  # type: ignore[arg-type]  # what an untyped caller might pass


# -- marshall -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "attribute"),
    [
        ("x", {"S": "x"}),
        (None, {"NULL": True}),
        (True, {"BOOL": True}),
        (0, {"N": "0"}),
        (10**40, {"N": str(10**40)}),
        (Decimal("2.50"), {"N": "2.5"}),
        (Decimal("2.0"), {"N": "2"}),
        (Decimal("1E-7"), {"N": "1E-7"}),
        (0.1, {"N": "0.1"}),
        (1e16, {"N": "10000000000000000"}),
        (Base64("AAE="), {"B": "AAE="}),
        (b"\x00\x01", {"B": "AAE="}),
        (["a", 1], {"L": [{"S": "a"}, {"N": "1"}]}),
        (("a",), {"L": [{"S": "a"}]}),
        ({"k": None}, {"M": {"k": {"NULL": True}}}),
        (frozenset({"b", "a"}), {"SS": ["a", "b"]}),
        ({3, Decimal("2.5"), 1.5}, {"NS": ["1.5", "2.5", "3"]}),
        (frozenset({Base64("AwQF"), b"\x00\x01\x02"}), {"BS": ["AAEC", "AwQF"]}),
    ],
)
def test_a_value_marshalls_to_its_attribute(value: JsonValue, attribute: object) -> None:
    assert marshall_value(value) == attribute


def test_a_bool_is_not_a_number() -> None:
    assert marshall_value(False) == {"BOOL": False}


def test_marshall_writes_the_attribute_map_of_an_item() -> None:
    assert marshall({"pk": "1", "n": 2}) == {"pk": {"S": "1"}, "n": {"N": "2"}}


def test_a_frozen_item_marshalls_like_a_plain_one() -> None:
    item: dict[str, JsonValue] = {"m": {"l": [1, "x"]}, "s": frozenset({"a"})}
    frozen = freeze(item)
    assert isinstance(frozen, JsonObject)
    assert marshall(frozen) == marshall(item)


def test_a_string_is_text_even_when_it_looks_like_base64() -> None:
    assert marshall_value("AAE=") == {"S": "AAE="}


def test_an_unmarshalled_binary_marshalls_back_to_a_binary() -> None:
    assert marshall(unmarshall({"b": {"B": "AAE="}, "bs": {"BS": ["AAE="]}})) == {
        "b": {"B": "AAE="},
        "bs": {"BS": ["AAE="]},
    }


UNMARSHALLABLE: dict[str, object] = {
    "NaN": float("nan"),
    "infinity": float("-inf"),
    "Decimal NaN": Decimal("NaN"),
    "Decimal infinity": Decimal("Infinity"),
    "an empty set": frozenset(),
    "a mixed set": frozenset({"a", 1}),
    "a set of text and binary": frozenset({"a", Base64("AAE=")}),
    "a set of booleans": frozenset({True}),
    "an object": object(),
    "a nested bad value": {"a": [float("nan")]},
}


@pytest.mark.parametrize("value", UNMARSHALLABLE.values(), ids=UNMARSHALLABLE.keys())
def test_a_value_without_a_dynamodb_type_is_rejected(value: object) -> None:
    with pytest.raises(AttributeValueError):
        marshall_value(value)  # type: ignore[arg-type]  # what an untyped caller might pass


def test_a_mixed_set_is_rejected_with_the_types_it_mixes() -> None:
    with pytest.raises(AttributeValueError, match="mixes NS and SS"):
        marshall_value(frozenset({"a", 1}))


def test_a_non_string_attribute_name_is_rejected() -> None:
    with pytest.raises(AttributeValueError, match="attribute name"):
        marshall({1: "x"})  # type: ignore[dict-item]  # what an untyped caller might pass


def test_an_item_that_is_not_a_mapping_is_rejected() -> None:
    with pytest.raises(AttributeValueError, match="must be a mapping"):
        marshall(["x"])  # type: ignore[arg-type]  # what an untyped caller might pass


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(attribute_maps)
def test_marshall_inverts_unmarshall(attributes: dict[str, object]) -> None:
    assert marshall(unmarshall(attributes)) == attributes


@settings(max_examples=100, deadline=None)
@given(items)
def test_unmarshall_inverts_marshall(item: dict[str, JsonValue]) -> None:
    assert unmarshall(marshall(item)) == item


def _as_json(value: object) -> object:
    """A plain value as JSON reads back what dumps wrote: sets as sorted arrays."""
    if isinstance(value, dict):
        return {key: _as_json(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_as_json(member) for member in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value


@settings(max_examples=100, deadline=None)
@given(attribute_maps)
def test_an_unmarshalled_image_is_written_exactly(attributes: dict[str, object]) -> None:
    image = unmarshall(attributes)
    assert json.loads(dumps(image), parse_float=Decimal) == _as_json(image.thaw())
