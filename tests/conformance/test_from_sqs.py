"""from_sqs and from_sqs_event against the cases recorded from the JS library."""

from __future__ import annotations

from typing import Any, cast

import pytest

from lambda_stream import Event, Fault, UnitOfWork
from lambda_stream.sources.sqs import from_sqs, from_sqs_event
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-sqs"))

# The JS library takes an SNS envelope for the event; we unwrap it (tested below).
SNS_WRAPPED = "sqs-event-sns-wrapped"
RAW = sorted(name for name, case in CASES.items() if case["function"] == "fromSqs")
EVENTS = sorted(
    name
    for name, case in CASES.items()
    if case["function"] == "fromSqsEvent" and name != SNS_WRAPPED
)


def _event(case: Case) -> dict[str, object]:
    event = case["input_event"]
    assert isinstance(event, dict)
    return event


def _uows(out: list[UnitOfWork | Fault]) -> list[dict[str, object]]:
    assert all(isinstance(item, UnitOfWork) for item in out)
    return [item.to_dict() for item in out if isinstance(item, UnitOfWork)]


def test_every_case_is_covered() -> None:
    assert sorted([*RAW, *EVENTS, SNS_WRAPPED]) == sorted(CASES)


@pytest.mark.parametrize("name", RAW)
def test_from_sqs_matches_the_js_library(name: str) -> None:
    case = CASES[name]
    assert _uows(collect(from_sqs(_event(case)))) == case["expected_uows"]


@pytest.mark.parametrize("name", EVENTS)
def test_from_sqs_event_matches_the_js_library(name: str) -> None:
    case = CASES[name]
    assert _uows(collect(from_sqs_event(_event(case)))) == case["expected_uows"]


def test_an_sns_envelope_in_the_body_is_unwrapped_to_the_event_it_carries() -> None:
    """Deliberate difference, case ``sqs-event-sns-wrapped``.

    A queue subscribed to a topic without raw message delivery receives the SNS notification
    envelope. The JS library takes the envelope itself for the event (``Type``, ``MessageId``,
    ``Message`` as a string, and no ``type``), which no pipeline can route; we unwrap the
    ``Message`` to the event it carries, the ``messageId`` still being the fallback id.
    """
    case = CASES[SNS_WRAPPED]
    [expected] = cast(list[dict[str, Any]], case["expected_uows"])
    [uow] = collect(from_sqs_event(_event(case)))
    assert isinstance(uow, UnitOfWork)
    assert uow.to_dict()["record"] == expected["record"]
    assert uow.event == Event.from_dict(
        {
            "id": "059f36b4-87a3-44ab-83d2-660000000002",
            "type": "thing-created",
            "partitionKey": "p1",
            "thing": {"name": "x"},
        }
    )
