"""from_kinesis against the cases recorded from the JS library's fromKinesis."""

from __future__ import annotations

import pytest

from lambda_stream import Fault, UnitOfWork, from_kinesis
from lambda_stream.testing import InMemoryS3, collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-kinesis"))

# The JS library spreads a non-object payload into the event ({"0": "a", "1": "b", id}); we
# fault the record instead (deliberate difference 1 of the conformance README).
NON_OBJECT = "kinesis-non-object-json"
# Claim-check redemption reads S3 through a port: tested below with an in-memory one.
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


def _stored(case: Case) -> InMemoryS3:
    s3 = InMemoryS3()
    body = case["s3_object_body"]
    assert isinstance(body, str)
    s3.put("event-lake-bucket", "us-west-2/claimchecks/2020/09/13/12/cc-1", body)
    return s3


def test_a_claim_check_stub_is_redeemed_from_s3() -> None:
    case = CASES[CLAIM_CHECK]
    event = case["input_event"]
    assert isinstance(event, dict)
    s3 = _stored(case)
    out = collect(from_kinesis(event, s3=s3))
    assert [item.to_dict() for item in out if isinstance(item, UnitOfWork)] == case["expected_uows"]
    assert [call[1] for call in s3.calls] == [call["input"] for call in case["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON


def test_without_an_s3_port_a_claim_check_stub_is_a_fault() -> None:
    """The JS library always has a client; ours redeems through the port it is given, and a
    stub it cannot redeem is a fault carrying the record, not an event without its body."""
    out = _run(CASES[CLAIM_CHECK])
    faults = [item for item in out if isinstance(item, Fault)]
    assert [fault.name for fault in faults] == ["ClaimCheckError"]
    assert len(out) == 2
