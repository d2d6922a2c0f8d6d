"""out_skip and skip_tag: producers tag test events, consumers drop them."""

from __future__ import annotations

from typing import Any, cast

import pytest

from lambda_stream import Event, JsonObject, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonValue
from lambda_stream.filters.skip import out_skip, skip_tag
from lambda_stream.testing import collect
from tests.conformance.cases import by_name, load

UTILS = by_name(load("utils"))


def _uow(tags: dict[str, JsonValue] | None) -> UnitOfWork:
    event = Event(id="1", type="t", tags=JsonObject(tags) if tags is not None else JsonObject())
    return UnitOfWork(record=None, event=event)


def _recorded_results() -> list[tuple[Any, bool]]:
    results = cast(list[dict[str, Any]], UTILS["outSkip"]["results"])
    return [(result["uow"]["event"].get("tags"), result["expected"]) for result in results]


@pytest.mark.parametrize(("tags", "expected"), _recorded_results())
def test_out_skip_matches_the_js_library(tags: dict[str, JsonValue] | None, expected: bool) -> None:
    """Case ``outSkip``: the recorded events carry no id or type; ours need them."""
    assert out_skip(_uow(tags)) is expected


@pytest.mark.parametrize("value", [1, "yes", [0], {"a": 1}])
def test_out_skip_drops_any_truthy_skip(value: JsonValue) -> None:
    assert out_skip(_uow({"skip": value})) is False


@pytest.mark.parametrize("value", [False, 0, "", None])
def test_out_skip_keeps_a_falsy_skip(value: JsonValue) -> None:
    assert out_skip(_uow({"skip": value})) is True


def test_out_skip_keeps_a_uow_without_an_event() -> None:
    """The JS filter dereferences ``uow.event.tags`` and throws; such a uow has nothing to
    skip, so it is kept."""
    assert out_skip(UnitOfWork(record=JsonObject({"body": "x"}))) is True


def test_out_skip_filters_a_stream() -> None:
    uows = [_uow({"skip": True}), _uow({"region": "r"}), _uow(None)]
    assert collect(Stream.of(uows).filter(out_skip)) == uows[1:]


def test_skip_tag_in_test_mode_matches_the_js_library() -> None:
    case = UTILS["skipTag-test-env"]
    env = cast(dict[str, str], case["env"])
    assert skip_tag(resolve_options(env)) == case["expected"]


def test_skip_tag_outside_test_mode_is_empty() -> None:
    """The JS helper returns ``{skip: undefined}``, which JSON drops: the key is absent."""
    assert skip_tag(resolve_options({"NODE_ENV": "production"})) == {}


def test_skip_tag_follows_the_test_mode_option() -> None:
    assert skip_tag(resolve_options({}, test_mode=True)) == {"skip": True}
