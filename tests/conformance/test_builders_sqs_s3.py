"""The SQS, SNS and S3 event builders against the JS helpers' recorded output.

The cases are the recorded helper calls of ``utils.json`` and the events of the source cases
built with a helper (``input_built_with``). The JS helpers ran with ``AWS_REGION=us-west-2``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest

from lambda_stream.testing.s3 import to_s3_records, to_sqs_sns_s3_records
from lambda_stream.testing.sns import to_sns_records
from lambda_stream.testing.sqs import to_sqs_event_records, to_sqs_records
from tests.conformance.cases import load

JS_REGION = "us-west-2"

BUILDERS: dict[str, Callable[[Any], dict[str, object]]] = {
    "toSqsRecords": lambda args: to_sqs_records(args, aws_region=JS_REGION),
    "toSqsEventRecords": lambda args: to_sqs_event_records(args, aws_region=JS_REGION),
    "toSnsRecords": to_sns_records,
    "toS3Records": lambda args: to_s3_records(args, aws_region=JS_REGION),
    "toSqsSnsS3Records": to_sqs_sns_s3_records,
}


def _cases() -> list[tuple[str, str, Any, Any]]:
    """(case, helper, its argument, the Lambda event it built) of every recorded call."""
    cases = [
        (case["name"], case["function"], case["args"][0], case["expected"])
        for case in cast(list[dict[str, Any]], load("utils"))
        if case["function"] in BUILDERS
    ]
    for source in ("from-sqs", "from-sns", "from-s3"):
        cases += [
            (case["name"], built["name"], built["args"][0], case["input_event"])
            for case in cast(list[dict[str, Any]], load(source))
            if isinstance(built := case.get("input_built_with"), dict)
        ]
    return cases


CASES = _cases()


def _parsed(helper: str, lambda_event: Any) -> Any:
    """The event with the JSON text the helper wrote parsed (compared as values, not text)."""
    if helper not in ("toSqsEventRecords", "toSqsSnsS3Records"):
        return lambda_event
    records = []
    for record in lambda_event["Records"]:
        body = json.loads(record["body"])
        if helper == "toSqsSnsS3Records":
            body = {**body, "Message": json.loads(body["Message"])}
        records.append({**record, "body": body})
    return {"Records": records}


def test_every_helper_is_recorded() -> None:
    assert {helper for _, helper, _, _ in CASES} == set(BUILDERS)


@pytest.mark.parametrize(
    ("helper", "args", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_lambda_event_matches_the_js_helpers(helper: str, args: Any, expected: Any) -> None:
    built = BUILDERS[helper](args)
    assert _parsed(helper, built) == _parsed(helper, expected)


@pytest.mark.parametrize(
    ("helper", "args", "expected"),
    [case[1:] for case in CASES if case[1] in ("toSqsEventRecords", "toSqsSnsS3Records")],
)
def test_the_bodies_are_the_js_helpers_text_byte_for_byte(
    helper: str, args: Any, expected: Any
) -> None:
    """No integer-like keys in these cases, so the JS key order is the order we write."""
    built = BUILDERS[helper](args)
    assert [r["body"] for r in built["Records"]] == [r["body"] for r in expected["Records"]]  # type: ignore[attr-defined]  # built JSON
