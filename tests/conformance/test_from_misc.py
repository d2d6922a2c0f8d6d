"""from_cron, from_cognito and from_firehose against the cases recorded from the JS library."""

from __future__ import annotations

import uuid
from typing import Any

from lambda_stream import UnitOfWork
from lambda_stream.sources.cognito import from_cognito
from lambda_stream.sources.cron import from_cron
from lambda_stream.sources.firehose import from_firehose
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-misc"))


def _event(case: Case) -> dict[str, object]:
    event = case["input_event"]
    assert isinstance(event, dict)
    return event


def _expected(case: Case) -> list[Any]:
    expected = case["expected_uows"]
    assert isinstance(expected, list)
    assert case["expected_errors"] == []
    return expected


def _uow_dicts(items: list[Any]) -> list[dict[str, Any]]:
    assert all(isinstance(item, UnitOfWork) for item in items)
    return [item.to_dict() for item in items]


def test_every_case_is_covered() -> None:
    assert set(CASES) == {
        "cron-scheduled-event",
        "cron-custom-input",
        "cognito-custom-prefix",
        "firehose-transform-helper",
    }


def test_firehose_transform_helper() -> None:
    case = CASES["firehose-transform-helper"]
    out = collect(from_firehose(_event(case)))
    assert _uow_dicts(out) == _expected(case)


def test_cognito_custom_prefix() -> None:
    """The id is a uuid4 in both (stubbed in the recording): compared by format."""
    case = CASES["cognito-custom-prefix"]
    [uow] = _uow_dicts(collect(from_cognito(_event(case), event_type_prefix="user")))
    [expected] = _expected(case)
    assert uuid.UUID(uow["event"]["id"]).version == 4
    uow["event"]["id"] = expected["event"]["id"]
    assert uow == expected


def test_cron_scheduled_event_is_typed_by_its_detail_type() -> None:
    """Deliberate difference, case ``cron-scheduled-event``: the JS event is the scheduled
    event as it came, without a type; an Event needs one, and the detail-type
    (``Scheduled Event``) is what names it. The record and every other member are the JS
    uow's."""
    case = CASES["cron-scheduled-event"]
    [uow] = _uow_dicts(collect(from_cron(_event(case))))
    [expected] = _expected(case)
    assert uow == {**expected, "event": {**expected["event"], "type": "Scheduled Event"}}


def test_cron_custom_input_gets_an_id() -> None:
    """Deliberate difference, case ``cron-custom-input``: a constant rule input without an
    id is passed through by JS as is; an Event needs an id, so it gets a fresh uuid4. The
    input's own type is kept."""
    case = CASES["cron-custom-input"]
    [uow] = _uow_dicts(collect(from_cron(_event(case))))
    [expected] = _expected(case)
    assert uuid.UUID(uow["event"].pop("id")).version == 4
    assert uow == expected
