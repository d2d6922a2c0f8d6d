"""update_expression, timestamp_condition and pk_condition against the JS library's output."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.utils.expressions import pk_condition, timestamp_condition, update_expression
from tests.conformance.cases import Case, by_name, load

CASES = by_name(
    [
        case
        for case in load("utils")
        if case["function"] in ("updateExpression", "timestampCondition", "pkCondition")
    ]
)
FUNCTIONS: dict[str, Callable[..., JsonObject]] = {
    "updateExpression": update_expression,
    "timestampCondition": timestamp_condition,
    "pkCondition": pk_condition,
}


def _decoded(value: object) -> object:
    """The recorded JS value: ``{"__set__": [...]}`` is a set."""
    if isinstance(value, dict):
        if value.keys() == {"__set__"}:
            return frozenset(_decoded(member) for member in value["__set__"])
        return {key: _decoded(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_decoded(member) for member in value]
    return value


def _call(case: Case) -> JsonObject:
    args = _decoded(case["args"])
    assert isinstance(args, list)
    result = FUNCTIONS[str(case["function"])](*args)
    assert isinstance(result, JsonObject)
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_result_matches_the_js_library(name: str) -> None:
    case = CASES[name]
    assert _call(case).thaw() == _decoded(case["expected"])


def test_clauses_follow_the_item_order_even_for_integer_like_keys() -> None:
    """Deliberate difference (case ``updateExpression-numeric-like-keys``): JavaScript lists
    integer-like keys first (``"2"``, ``"10"``, then the others); Python keeps the item's own
    order. DynamoDB gives the order within a clause no meaning; the recorded case passes
    because its JSON already lists the keys in JavaScript's order."""
    out = update_expression({"z": 1, "10": "ten", "2": "two"})
    assert out["UpdateExpression"] == "SET #z = :z, #10 = :10, #2 = :2"
