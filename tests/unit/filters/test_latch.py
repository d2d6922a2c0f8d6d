import json
from typing import Any

import pytest

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.filters.latch import out_latched
from tests.conformance.cases import CONFORMANCE


def _results() -> list[tuple[str, Any, bool]]:
    """(label, uow, keep) of every recorded outLatched verdict."""
    [case] = [
        case
        for case in json.loads((CONFORMANCE / "utils.json").read_text())
        if case["function"] == "outLatched"
    ]
    return [(result["label"], result["uow"], result["keep"]) for result in case["results"]]


def _uow(**members: JsonValue) -> UnitOfWork:
    event = Event.from_dict({"id": "1", "type": "thing-updated", **members})
    return UnitOfWork(record=None, event=event)


@pytest.mark.parametrize(("label", "uow", "keep"), _results(), ids=[r[0] for r in _results()])
def test_the_verdicts_match_the_js_filter(label: str, uow: Any, keep: bool) -> None:
    assert out_latched(_uow(**uow["event"])) is keep


def test_a_latched_new_image_is_dropped_whatever_the_old_one() -> None:
    assert not out_latched(_uow(raw={"new": {"latched": True}, "old": {"a": 1}}))


def test_an_unlatched_new_image_is_kept_whatever_the_old_one() -> None:
    assert out_latched(_uow(raw={"new": {"a": 1}, "old": {"latched": True}}))


@pytest.mark.parametrize("latched", [1, "yes", [], {}])
def test_a_truthy_latch_latches(latched: JsonValue) -> None:
    """JavaScript truthiness: every non-empty text, non-zero number, object and array."""
    assert not out_latched(_uow(raw={"new": {"latched": latched}}))


@pytest.mark.parametrize("latched", [None, False, 0, ""])
def test_a_falsy_latch_does_not_latch(latched: JsonValue) -> None:
    assert out_latched(_uow(raw={"new": {"latched": latched}}))


def test_an_empty_new_image_is_an_image() -> None:
    """An object is true in JavaScript, even an empty one."""
    assert out_latched(_uow(raw={"new": {}, "old": {"latched": True}}))


def test_a_delete_with_an_empty_old_image_is_kept() -> None:
    assert out_latched(_uow(raw={"old": {}}))


def test_an_event_without_raw_is_kept() -> None:
    """The JS filter throws an unhandled TypeError here (anchor §4.1, the update flavor's latch
    filter on events from sources without raw, such as Kinesis); such an event was not written
    by a listener of this service, so it is kept."""
    assert out_latched(_uow(thing={"latched": True}))


def test_a_uow_without_an_event_is_kept() -> None:
    assert out_latched(UnitOfWork(record=None))


def test_a_raw_that_is_not_an_object_has_no_images() -> None:
    assert not out_latched(_uow(raw="new"))
