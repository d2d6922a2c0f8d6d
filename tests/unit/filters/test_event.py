import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.filters.event import EventTypeMatcher, on_content, on_event_type
from tests.conformance.cases import CONFORMANCE


def _type_case(case: dict[str, Any]) -> tuple[str, object, str, object]:
    """A recorded filterOnEventType case as (name, rule.eventType, event type, expected)."""
    rule, uow = case["args"] if "args" in case else (case["rule"], case["uow"])
    return str(case["name"]), rule["eventType"], uow["event"]["type"], case["expected"]


TYPE_CASES = [
    _type_case(case)
    for case in json.loads((CONFORMANCE / "utils.json").read_text())
    if case["function"] == "filterOnEventType" and "expected" in case
]


def _uow(event_type: str, **members: JsonValue) -> UnitOfWork:
    return UnitOfWork(
        record=None, event=Event.from_dict({"id": "1", "type": event_type, **members})
    )


def _matcher(value: object) -> EventTypeMatcher:
    """A JS rule's eventType as a matcher (a recorded RegExp is ``{"__regex__": source}``)."""
    if isinstance(value, dict):
        return re.compile(value["__regex__"])
    assert isinstance(value, str | list)
    return value


@pytest.mark.parametrize(
    ("matcher", "event_type", "expected"),
    [
        ("thing-created", "thing-created", True),
        ("thing-created", "thing-created-v2", False),
        ("thing-created", "Thing-Created", False),
    ],
)
def test_a_string_matches_the_type_exactly(matcher: str, event_type: str, expected: bool) -> None:
    assert on_event_type(matcher)(_uow(event_type)) is expected


@pytest.mark.parametrize(
    ("pattern", "event_type", "expected"),
    [
        (r"thing-.*", "something-created", True),
        (r"thing-(created|updated)", "thing-updated", True),
        (r"^thing-(created|updated)$", "thing-deleted", False),
        (r"^thing-", "something-created", False),
    ],
)
def test_a_regex_searches_the_type(pattern: str, event_type: str, expected: bool) -> None:
    assert on_event_type(re.compile(pattern))(_uow(event_type)) is expected


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [("thing-created", True), ("other", True), ("thing", False), ("created,oth", False)],
)
def test_a_list_is_a_membership_test(event_type: str, expected: bool) -> None:
    assert on_event_type(["thing-created", "other"])(_uow(event_type)) is expected


def test_a_tuple_is_a_membership_test() -> None:
    assert on_event_type(("a", "b"))(_uow("b")) is True


def test_an_empty_list_matches_nothing() -> None:
    assert on_event_type([])(_uow("t")) is False


def test_a_function_decides() -> None:
    keep = on_event_type(lambda event_type: event_type.endswith("-created"))
    assert (keep(_uow("thing-created")), keep(_uow("thing-updated"))) == (True, False)


@pytest.mark.parametrize("matcher", [None, 3, ["a", 1], {"type": "t"}])
def test_any_other_matcher_is_a_type_error(matcher: object) -> None:
    with pytest.raises(TypeError, match="event_type must be a string, a compiled regex"):
        on_event_type(matcher)  # type: ignore[arg-type]  # the point: not a matcher


def test_a_uow_without_an_event_is_dropped() -> None:
    assert on_event_type(lambda _: True)(UnitOfWork(record=None)) is False


def test_a_uow_without_an_event_never_reaches_the_matcher() -> None:
    seen: list[str] = []

    def record(event_type: str) -> bool:
        seen.append(event_type)
        return True

    on_event_type(record)(UnitOfWork(record=None))
    assert seen == []


@pytest.mark.parametrize(("name", "matcher", "event_type", "expected"), TYPE_CASES)
def test_the_js_librarys_recorded_cases(
    name: str, matcher: object, event_type: str, expected: object
) -> None:
    """Cases filterOnEventType-* of utils.json (library 1.2.0: a list is a membership test)."""
    assert on_event_type(_matcher(matcher))(_uow(event_type)) is expected


def test_the_js_librarys_bad_configuration_case_is_a_type_error() -> None:
    """Case filterOnEventType-bad-config: a rule without an eventType."""
    with pytest.raises(TypeError):
        on_event_type(None)  # type: ignore[arg-type]  # the point: not a matcher


# -- on_content -----------------------------------------------------------------------------


def _thing(uow: UnitOfWork) -> JsonObject:
    return uow.event.extra.get_object("thing") if uow.event is not None else JsonObject()


def _active(uow: UnitOfWork) -> bool:
    return _thing(uow).get("active") is True


def _bigger_than_two(uow: UnitOfWork) -> bool:
    size = _thing(uow).get("size")
    return isinstance(size, int) and size > 2


@pytest.mark.parametrize(
    ("active", "size", "expected"), [(True, 3, True), (True, 1, False), (False, 3, False)]
)
def test_on_content_keeps_what_every_filter_accepts(
    active: bool, size: int, expected: bool
) -> None:
    """Case filterOnContent of utils.json."""
    keep = on_content([_active, _bigger_than_two])
    assert keep(_uow("t", thing={"active": active, "size": size})) is expected


def test_on_content_without_filters_keeps_every_uow() -> None:
    assert on_content([])(UnitOfWork(record=None)) is True


def test_on_content_stops_at_the_first_rejection() -> None:
    calls: list[str] = []

    def reject(_: UnitOfWork) -> bool:
        calls.append("reject")
        return False

    def accept(_: UnitOfWork) -> bool:
        calls.append("accept")
        return True

    on_content([reject, accept])(_uow("t"))
    assert calls == ["reject"]


def test_on_content_accepts_any_truthy_result() -> None:
    filters: list[Callable[[UnitOfWork], object]] = [lambda _: "yes", lambda _: [1]]
    assert on_content(filters)(_uow("t")) is True


def test_on_content_reads_its_filters_once() -> None:
    keep = on_content(iter([_active]))
    thing: dict[str, JsonValue] = {"active": True}
    assert (keep(_uow("t", thing=thing)), keep(_uow("t", thing=thing))) == (True, True)
