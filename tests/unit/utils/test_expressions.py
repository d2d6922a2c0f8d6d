"""update_expression, timestamp_condition, pk_condition: the clauses and placeholders they write."""

from __future__ import annotations

from decimal import Decimal

from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.utils.expressions import (
    alias,
    pk_condition,
    timestamp_condition,
    update_expression,
)


def _expression(item: dict[str, JsonValue]) -> str:
    value = update_expression(item)["UpdateExpression"]
    assert isinstance(value, str)
    return value


def test_values_are_set_in_the_order_of_the_item() -> None:
    assert _expression({"b": 1, "a": "x"}) == "SET #b = :b, #a = :a"


def test_none_removes_the_attribute_and_keeps_its_name() -> None:
    out = update_expression({"a": 1, "gone": None})
    assert out["UpdateExpression"] == "SET #a = :a REMOVE #gone"
    assert out["ExpressionAttributeNames"] == {"#a": "a", "#gone": "gone"}
    assert out["ExpressionAttributeValues"] == {":a": 1}


def test_a_set_is_added_to_the_stored_set() -> None:
    out = update_expression({"tags": frozenset({"x", "y"})})
    assert out["UpdateExpression"] == "ADD #tags :tags"
    assert out["ExpressionAttributeValues"] == {":tags": frozenset({"x", "y"})}


def test_a_delete_suffix_takes_members_out_of_the_set_named_without_it() -> None:
    out = update_expression({"tags_delete": "x"})
    assert out["UpdateExpression"] == "DELETE #tags :tags_delete"
    assert out["ExpressionAttributeNames"] == {"#tags": "tags"}
    assert out["ExpressionAttributeValues"] == {":tags_delete": frozenset({"x"})}


def test_a_delete_suffix_with_none_removes_the_attribute() -> None:
    assert _expression({"tags_delete": None}) == "REMOVE #tags"


def test_clauses_come_in_the_order_set_remove_add_delete() -> None:
    item: dict[str, JsonValue] = {"d_delete": "v", "c": frozenset({1}), "b": None, "a": 1}
    assert _expression(item) == "SET #a = :a REMOVE #b ADD #c :c DELETE #d :d_delete"


def test_an_item_with_only_removals_writes_no_empty_set_clause() -> None:
    """The JS library 1.0.0 wrote ``"SET  REMOVE #a"``, which DynamoDB rejects."""
    assert _expression({"a": None}) == "REMOVE #a"


def test_an_empty_item_writes_an_empty_expression() -> None:
    """The JS library 1.0.0 wrote ``"SET "``."""
    out = update_expression({})
    assert out == JsonObject(
        {
            "ExpressionAttributeNames": {},
            "ExpressionAttributeValues": {},
            "UpdateExpression": "",
            "ReturnValues": "ALL_NEW",
        }
    )


def test_unsafe_characters_are_spelled_in_hex() -> None:
    out = update_expression({"a-b": 1, "some unsafe att name": 2})
    assert out["ExpressionAttributeNames"] == {
        "#a_x2d_b": "a-b",
        "#some_x20_unsafe_x20_att_x20_name": "some unsafe att name",
    }


def test_a_character_beyond_the_basic_plane_is_spelled_as_its_two_utf16_halves() -> None:
    assert alias("a\U0001f600") == "a_xd83d__xde00_"


def test_a_letter_that_folds_to_ascii_is_still_unsafe() -> None:
    assert alias("\u212a") == "_x212a_"  # the Kelvin sign, "k" only when case is ignored


def test_names_whose_aliases_coincide_get_distinct_placeholders() -> None:
    out = update_expression({"a-b": 1, "a_x2d_b": 2})
    assert out["ExpressionAttributeNames"] == {"#a_x2d_b": "a-b", "#a_x2d_b_2": "a_x2d_b"}
    assert out["ExpressionAttributeValues"] == {":a_x2d_b": 1, ":a_x2d_b_2": 2}


def test_values_keep_their_types() -> None:
    out = update_expression({"n": Decimal("1.5"), "l": [1, {"x": None}], "b": b"\x00"})
    assert out["ExpressionAttributeValues"] == {
        ":n": Decimal("1.5"),
        ":l": [1, {"x": None}],
        ":b": b"\x00",
    }


def test_the_update_returns_the_new_item() -> None:
    assert update_expression({"a": 1})["ReturnValues"] == "ALL_NEW"


def test_the_timestamp_condition_uses_the_update_placeholders() -> None:
    assert timestamp_condition("last-modified") == {
        "ConditionExpression": (
            "attribute_not_exists(#last_x2d_modified) OR #last_x2d_modified < :last_x2d_modified"
        )
    }


def test_the_pk_condition_names_the_attribute_directly() -> None:
    assert pk_condition() == {"ConditionExpression": "attribute_not_exists(pk)"}
