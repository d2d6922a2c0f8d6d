"""from_kinesis against the cases recorded from the JS library's fromKinesis."""

from __future__ import annotations

import pytest

from lambda_stream import Fault, UnitOfWork, from_kinesis
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-kinesis"))

# The JS library spreads a non-object payload into the event ({"0": "a", "1": "b", id}); we
# fault the record instead (deliberate difference 1 of the conformance README).
NON_OBJECT = "kinesis-non-object-json"
# Claim-check redemption is an S3 read; the claim-check query step arrives with the connectors.
CLAIM_CHECK = "kinesis-claimcheck"
SAME_AS_JS = sorted(set(CASES) - {NON_OBJECT, CLAIM_CHECK})


def _run(case: Case) -> list[UnitOfWork | Fault]:
    event = case["input_event"]
    assert isinstance(event, dict)
    return collect(from_kinesis(event))


@pytest.mark.parametrize("name", SAME_AS_JS)
def test_uows_match_the_js_library(name: str) -> None:
    case = CASES[name]
    out = _run(case)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert [item.to_dict() for item in out if isinstance(item, UnitOfWork)] == case["expected_uows"]


def test_non_object_payloads_are_faults_carrying_the_record() -> None:
    """Deliberate difference: ``null``, arrays and strings are not events; the JS library
    spreads them into ``{id, "0": ...}``, we fault each record with the raw record kept."""
    case = CASES[NON_OBJECT]
    records = case["input_event"]["Records"]  # type: ignore[index]  # recorded JSON
    out = _run(case)
    assert [type(item) for item in out] == [Fault] * len(records)
    assert [item.uows[0].to_dict()["record"] for item in out if isinstance(item, Fault)] == records
    assert {item.name for item in out if isinstance(item, Fault)} == {"EventError"}


def test_a_claim_check_stub_passes_as_the_stub_until_redeemed() -> None:
    """Without the claim-check step (it needs S3) the stub event comes out as recorded."""
    case = CASES[CLAIM_CHECK]
    out = _run(case)
    stub = out[0]
    assert isinstance(stub, UnitOfWork)
    assert stub.event is not None
    assert stub.event.get("s3") == {
        "bucket": "event-lake-bucket",
        "key": "us-west-2/claimchecks/2020/09/13/12/cc-1",
    }
    expected = case["expected_uows"]
    assert isinstance(expected, list)
    assert [item.to_dict() for item in out[1:] if isinstance(item, UnitOfWork)] == expected[1:]
