"""from_s3, from_sqs_sns_s3 and from_s3_event against the cases recorded from the JS library."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from lambda_stream import Fault, JsonObject, Stream, UnitOfWork
from lambda_stream.connectors.s3 import S3Object
from lambda_stream.sources.s3 import from_s3, from_s3_event, from_sqs_sns_s3
from lambda_stream.testing import InMemoryS3, collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("from-s3"))
GET_OBJECT = "s3-event-getobject"

SOURCES: dict[str, Callable[[Mapping[str, object]], Stream[UnitOfWork]]] = {
    "fromS3": from_s3,
    "fromSqsSnsS3": from_sqs_sns_s3,
}
WITHOUT_IO = sorted(name for name, case in CASES.items() if case["function"] in SOURCES)


def _event(case: Case) -> dict[str, object]:
    event = case["input_event"]
    assert isinstance(event, dict)
    return event


def _uows(out: list[UnitOfWork | Fault]) -> list[dict[str, object]]:
    assert all(isinstance(item, UnitOfWork) for item in out)
    return [item.to_dict() for item in out if isinstance(item, UnitOfWork)]


def _stored(case: Case) -> InMemoryS3:
    """The objects of the case, answered as the JS stub answered: ContentType and ETag."""
    s3 = InMemoryS3()
    bodies = case["s3_object_bodies"]
    assert isinstance(bodies, dict)
    for key, body in bodies.items():
        response = JsonObject({"ContentType": "application/json", "ETag": '"etag"'})
        s3.objects[("my-bucket", key)] = S3Object(body=body.encode(), response=response)
    return s3


def test_every_case_is_covered() -> None:
    assert sorted([*WITHOUT_IO, GET_OBJECT]) == sorted(CASES)


@pytest.mark.parametrize("name", WITHOUT_IO)
def test_uows_match_the_js_library(name: str) -> None:
    case = CASES[name]
    source = SOURCES[str(case["function"])]
    assert _uows(collect(source(_event(case)))) == case["expected_uows"]


def test_from_s3_event_reads_the_events_the_notifications_name() -> None:
    case = CASES[GET_OBJECT]
    s3 = _stored(case)
    assert _uows(collect(from_s3_event(_event(case), s3=s3))) == case["expected_uows"]


def test_from_s3_event_gets_the_objects_the_js_library_gets() -> None:
    case = CASES[GET_OBJECT]
    s3 = _stored(case)
    collect(from_s3_event(_event(case), s3=s3))
    sdk_calls = case["sdk_calls"]
    assert isinstance(sdk_calls, list)
    assert [("GetObjectCommand", args) for _, args in s3.calls] == [
        (call["command"], call["input"]) for call in sdk_calls
    ]


def test_without_an_s3_port_every_object_is_a_fault() -> None:
    """The JS library always has a client; ours reads through the port it is given, and a
    record it cannot read is a fault carrying the record, to be resubmitted."""
    case = CASES[GET_OBJECT]
    out = collect(from_s3_event(_event(case)))
    assert [item.name for item in out if isinstance(item, Fault)] == ["S3EventError"] * 2
    assert [item.uows[0].to_dict()["record"] for item in out if isinstance(item, Fault)] == [
        uow["record"]
        for uow in case["expected_uows"]  # type: ignore[attr-defined]  # recorded JSON: a list
    ]
