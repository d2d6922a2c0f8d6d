"""from_dynamodb against the cases recorded from the JS library's fromDynamodb."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from lambda_stream import Fault, UnitOfWork
from lambda_stream.core.json import dumps
from lambda_stream.filters.latch import out_latched
from lambda_stream.sources.dynamodb import from_dynamodb
from lambda_stream.testing import collect
from lambda_stream.testing.dynamodb import to_dynamodb_records
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-dynamodb"))

# A KEYS_ONLY record crashes the JS batch with an error that carries no uow; here it is a fault
# carrying the record (deliberate difference 3 of the conformance README).
KEYS_ONLY = "ddb-keys-only-stream-view"
SAME_AS_JS = sorted(set(CASES) - {KEYS_ONLY})
BUILT = sorted(
    name
    for name, case in CASES.items()
    if case.get("input_built_with", {}).get("name") == "toDynamodbRecords"  # type: ignore[attr-defined]  # recorded JSON
)
OPTIONS = {  # the JS option names and their keyword arguments
    "pkFn": "pk",
    "skFn": "sk",
    "discriminatorFn": "discriminator",
    "eventTypePrefix": "event_type_prefix",
    "ignoreTtlExpiredEvents": "ignore_ttl_expired_events",
    "ignoreReplicas": "ignore_replicas",
    "preferApproximateTimestamp": "prefer_approximate_timestamp",
}
JS_REGION = "us-west-2"  # the JS library ran with AWS_REGION=us-west-2


def _decoded(value: Any) -> Any:
    """A recorded in-memory JS value as ours.

    ``{"__set__": [...]}`` is a set, ``{"__bigint__": "..."}`` an int, ``{"__bytes__": "..."}``
    the base64 text (binaries stay base64 text here); a JS number with a fraction is the exact
    Decimal of its text (JSON and JS both write the shortest text that reads back).
    """
    if isinstance(value, dict):
        if value.keys() == {"__set__"}:
            return {_decoded(member) for member in value["__set__"]}
        if value.keys() == {"__bigint__"}:
            return int(value["__bigint__"])
        if value.keys() == {"__bytes__"}:
            return value["__bytes__"]
        return {key: _decoded(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_decoded(member) for member in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _expected_uow(uow: Any) -> Any:
    """A recorded uow: the record as received, the unmarshalled images decoded."""
    event = dict(uow["event"])
    event["raw"] = _decoded(event["raw"])
    return {**uow, "event": event}


def _run(case: Case) -> list[UnitOfWork | Fault]:
    event = case["input_event"]
    assert isinstance(event, dict)
    options: Any = case.get("options", {})
    return collect(
        from_dynamodb(event, region=JS_REGION, **{OPTIONS[k]: v for k, v in options.items()})
    )


def _uows(out: list[UnitOfWork | Fault]) -> list[dict[str, object]]:
    return [item.to_dict() for item in out if isinstance(item, UnitOfWork)]


@pytest.mark.parametrize("name", SAME_AS_JS)
def test_uows_match_the_js_library(name: str) -> None:
    case = CASES[name]
    expected: Any = case["expected_uows"]
    assert _uows(_run(case)) == [_expected_uow(uow) for uow in expected]


@pytest.mark.parametrize("name", SAME_AS_JS)
def test_faults_carry_the_record_where_the_js_errors_do(name: str) -> None:
    case = CASES[name]
    out = _run(case)
    faults = [
        (sum(isinstance(before, UnitOfWork) for before in out[:at]), item.uows[0].to_dict())
        for at, item in enumerate(out)
        if isinstance(item, Fault)
    ]
    errors: Any = case["expected_errors"]
    assert faults == [(error["position"], {"record": error["uow"]}) for error in errors]


@pytest.mark.parametrize("name", BUILT)
def test_the_helper_builds_the_recorded_input(name: str) -> None:
    case = CASES[name]
    built_with: Any = case["input_built_with"]
    assert to_dynamodb_records(built_with["args"][0], aws_region=JS_REGION) == case["input_event"]


def test_the_latch_verdicts_match_the_js_filter() -> None:
    """Case ddb-latched records outLatched's verdict on each uow fromDynamodb made."""
    case = CASES["ddb-latched"]
    uows = [item for item in _run(case) if isinstance(item, UnitOfWork)]
    assert [out_latched(uow) for uow in uows] == case["outLatched"]


def test_a_keys_only_record_is_a_fault_carrying_the_record() -> None:
    """Deliberate difference 3, case ddb-keys-only-stream-view: the JS library crashes the batch
    (an error without a uow) on a record without images; here it is a fault carrying the
    record, which says what is missing."""
    case = CASES[KEYS_ONLY]
    records: Any = case["input_event"]["Records"]  # type: ignore[index]  # recorded JSON
    [fault] = _run(case)
    assert isinstance(fault, Fault)
    assert fault.uows[0].to_dict() == {"record": records[0]}
    assert "KEYS_ONLY" in fault.message


def test_sets_are_written_as_arrays_and_numbers_exactly() -> None:
    """Deliberate difference 2, case ddb-raw-all-attribute-types: the JS library writes the
    unmarshalled sets as ``{}``; here they are arrays, and numbers keep their exact text."""
    [uow] = _run(CASES["ddb-raw-all-attribute-types"])
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    written = json.loads(dumps(uow.event.to_dict()), parse_float=Decimal)["raw"]["new"]
    assert (written["labels"], written["scores"], written["blobs"]) == (
        ["blue", "red"],
        [1, Decimal("2.5")],
        ["AAEC", "AwQF"],
    )
    assert (written["total"], written["avatar"]) == (Decimal("99.95"), "aGVsbG8=")


def test_numbers_beyond_two_to_the_53_stay_exact() -> None:
    """Deliberate difference 2: the JS library makes such a number a BigInt (or loses digits
    in a double); here it is an exact int and is written out as such."""
    big = 2**64 + 1
    event = to_dynamodb_records(
        [{"timestamp": 1, "keys": {"pk": "p"}, "newImage": {"sk": "thing", "n": big}}]
    )
    [uow] = collect(from_dynamodb(event))
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert json.loads(uow.event.to_json())["raw"]["new"]["n"] == big
