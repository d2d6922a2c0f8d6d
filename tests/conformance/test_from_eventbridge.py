"""from_eventbridge against the cases recorded from the JS library's fromEventBridge."""

from __future__ import annotations

from typing import Any, cast

import pytest

from lambda_stream import Fault, UnitOfWork
from lambda_stream.sources.eventbridge import from_eventbridge
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-eventbridge"))

# An AWS service event has no type in its detail; the JS event goes without one, ours takes
# the detail-type (an Event needs a type).
SERVICE_EVENT = "eventbridge-aws-service-event"
# An event without detail is a fault carrying the record in both; the error's name differs.
NO_DETAIL = "eventbridge-no-detail"
SAME_AS_JS = sorted(set(CASES) - {SERVICE_EVENT, NO_DETAIL})


def _run(case: Case) -> list[UnitOfWork | Fault]:
    event = case["input_event"]
    assert isinstance(event, dict)
    return collect(from_eventbridge(event))


def _uows(items: list[UnitOfWork | Fault]) -> list[dict[str, object]]:
    return [item.to_dict() for item in items if isinstance(item, UnitOfWork)]


@pytest.mark.parametrize("name", SAME_AS_JS)
def test_uows_match_the_js_library(name: str) -> None:
    case = CASES[name]
    out = _run(case)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert _uows(out) == case["expected_uows"]
    assert case["expected_errors"] == []


def test_an_aws_service_event_is_typed_by_its_detail_type() -> None:
    """Deliberate difference, case ``eventbridge-aws-service-event``: the JS event is
    ``{id, ...detail}`` without a type; an Event needs one, and the EventBridge
    ``detail-type`` (``EC2 Instance State-change Notification``) is what names this event, so
    rules can route on it. Everything else is the JS uow."""
    case = CASES[SERVICE_EVENT]
    [expected] = cast(list[Any], case["expected_uows"])
    record = expected["record"]
    assert _uows(_run(case)) == [
        {"record": record, "event": {**expected["event"], "type": record["detail-type"]}}
    ]


def test_an_event_without_detail_is_a_fault_carrying_the_record() -> None:
    """Case ``eventbridge-no-detail``: as in JS, one handled fault whose uow is ``{record}``.
    Its name is ``RecordError`` with a message saying what is missing, not the
    ``TypeError`` JS raises dereferencing ``detail.id``."""
    case = CASES[NO_DETAIL]
    [error] = cast(list[Any], case["expected_errors"])
    [fault] = _run(case)
    assert isinstance(fault, Fault)
    assert error["has_uow"] is True
    assert [uow.to_dict() for uow in fault.uows] == [error["uow"]]
    assert (error["name"], fault.name) == ("TypeError", "RecordError")
