"""firehose_response: every record answered exactly once, in input order."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import (
    Fault,
    InMemoryFaultPublisher,
    Invocation,
    JsonObject,
    PipelineFactory,
    RetryableError,
    RetryableFailure,
    UnitOfWork,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.runtime.firehose import FIREHOSE_DATA, FIREHOSE_METADATA, firehose_response
from lambda_stream.sources.firehose import FIREHOSE_RESULT, from_firehose
from lambda_stream.stream import Stream
from lambda_stream.testing import collect
from lambda_stream.testing.firehose import to_firehose_records

Line = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]
TRANSFORMED = base64.b64encode(b'{"row":1}\n').decode("ascii")


def _transform(uow: UnitOfWork) -> UnitOfWork:
    """What a transforming pipeline does: the result Ok and the data to deliver."""
    return uow.set(FIREHOSE_RESULT, "Ok").set(FIREHOSE_DATA, TRANSFORMED)


def _by_type(step: Callable[[UnitOfWork], UnitOfWork], *types: str) -> Line:
    return lambda s: s.map(lambda uow: step(uow) if uow.event and uow.event.type in types else uow)


def _factory(line: Line) -> PipelineFactory:
    return lambda context: line


def _run(event: Mapping[str, object], *lines: Line) -> Invocation:
    pipelines = initialize(
        {f"p{n}": _factory(line) for n, line in enumerate(lines)},
        resolve_options({}),
        publisher=InMemoryFaultPublisher(),
    )
    try:
        return pipelines.invoke(from_firehose(event))
    except RetryableFailure as failure:  # Firehose is answered all the same
        return failure.invocation


def _answers(event: Mapping[str, object], *lines: Line) -> list[tuple[str, str]]:
    response = firehose_response(event, _run(event, *lines))
    return [(answer["recordId"], answer["result"]) for answer in response["records"]]


def _invocation(*uows: UnitOfWork, faults: tuple[Fault, ...] = ()) -> Invocation:
    return Invocation(uows=uows, faults=faults, fault_events=(), held=(), retry=(), response=None)


def _uows(event: dict[str, object]) -> list[UnitOfWork]:
    return [item for item in collect(from_firehose(event)) if isinstance(item, UnitOfWork)]


def _data(event: dict[str, object], index: int) -> str:
    return cast(str, cast(list[dict[str, object]], event["records"])[index]["data"])


EVENTS = to_firehose_records(
    [{"id": "a", "type": "keep"}, {"id": "b", "type": "other"}, {"id": "c", "type": "keep"}]
)


def test_every_record_is_answered_in_input_order() -> None:
    assert _answers(EVENTS, _by_type(_transform, "keep")) == [
        ("0", "Ok"),
        ("1", "Dropped"),
        ("2", "Ok"),
    ]


def test_an_ok_answer_carries_the_transformed_data() -> None:
    response = firehose_response(EVENTS, _run(EVENTS, _by_type(_transform, "keep")))
    assert response["records"][0] == {"recordId": "0", "result": "Ok", "data": TRANSFORMED}


def test_an_ok_answer_carries_the_metadata_when_set() -> None:
    metadata = JsonObject({"partitionKeys": {"table": "things", "year": "2024"}})
    line = _by_type(lambda uow: _transform(uow).set(FIREHOSE_METADATA, metadata), "keep")
    answer = firehose_response(EVENTS, _run(EVENTS, line))["records"][0]
    assert answer.get("metadata") == {"partitionKeys": {"table": "things", "year": "2024"}}


def test_an_ok_answer_without_data_delivers_the_record_unchanged() -> None:
    line = _by_type(lambda uow: uow.set(FIREHOSE_RESULT, "Ok"), "keep")
    answer = firehose_response(EVENTS, _run(EVENTS, line))["records"][0]
    assert (answer["result"], answer["data"]) == ("Ok", _data(EVENTS, 0))


def test_a_record_no_pipeline_transformed_is_dropped_with_its_own_data() -> None:
    """Firehose requires ``data`` in every answer; a dropped record keeps its own."""
    answer = firehose_response(EVENTS, _run(EVENTS, lambda s: s))["records"][1]
    assert answer == {"recordId": "1", "result": "Dropped", "data": _data(EVENTS, 1)}


def _without(event_id: str) -> Line:
    return lambda s: s.filter(lambda uow: uow.event is not None and uow.event.id != event_id)


def test_a_filtered_out_record_is_dropped() -> None:
    """JS gap (anchor §4.1): toFirehose leaves such a record out of the response."""
    assert _answers(EVENTS, _without("a"))[0] == ("0", "Dropped")


def test_a_skipped_record_is_dropped() -> None:
    """JS gap (anchor §4.1): outSkip removes the record from the JS response."""
    event = to_firehose_records([{"id": "a", "type": "t", "tags": {"skip": True}}])
    assert _answers(event, lambda s: s.map(_transform)) == [("0", "Dropped")]


def _fail(uow: UnitOfWork) -> UnitOfWork:
    raise ValueError("cannot transform")


def _retry(uow: UnitOfWork) -> UnitOfWork:
    raise RetryableError("throttled")


def test_a_faulted_record_is_processing_failed() -> None:
    """JS gap (anchor §4.1): the JS library never answers ProcessingFailed; a faulted record
    is missing from its response."""
    assert _answers(EVENTS, _by_type(_fail, "other")) == [
        ("0", "Dropped"),
        ("1", "ProcessingFailed"),
        ("2", "Dropped"),
    ]


def test_a_retryable_failure_is_processing_failed() -> None:
    assert _answers(EVENTS, _by_type(_retry, "other"))[1] == ("1", "ProcessingFailed")


def test_a_failed_record_carries_its_own_data() -> None:
    answer = firehose_response(EVENTS, _run(EVENTS, _by_type(_fail, "other")))["records"][1]
    assert answer["data"] == _data(EVENTS, 1)


def test_a_record_a_pipeline_marks_failed_is_processing_failed() -> None:
    line = _by_type(lambda uow: uow.set(FIREHOSE_RESULT, "ProcessingFailed"), "keep")
    assert _answers(EVENTS, line)[0] == ("0", "ProcessingFailed")


def _encoded(payload: bytes) -> str:
    return base64.b64encode(payload).decode("ascii")


BAD_RECORDS: dict[str, dict[str, JsonValue]] = {
    "truncated json": {"recordId": "1", "data": _encoded(b'{"id":"1","type":')},
    "invalid base64": {"recordId": "1", "data": "!!! not base64 !!!"},
    "invalid utf-8": {"recordId": "1", "data": _encoded(b'{"id":"1","type":"\xff"}')},
    "non-object json": {"recordId": "1", "data": _encoded(b"[1]")},
    "missing data": {"recordId": "1"},
}


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_bad_record_is_processing_failed_and_the_others_flow_on(
    record: dict[str, JsonValue],
) -> None:
    records = cast(list[object], EVENTS["records"])
    event = {**EVENTS, "records": [records[0], record, records[2]]}
    assert _answers(event, _by_type(_transform, "keep")) == [
        ("0", "Ok"),
        ("1", "ProcessingFailed"),
        ("2", "Ok"),
    ]


def test_a_bad_record_without_data_is_answered_with_empty_data() -> None:
    event = {"records": [BAD_RECORDS["missing data"]]}
    assert firehose_response(event, _run(event, lambda s: s))["records"][0]["data"] == ""


def test_the_first_ok_of_two_pipelines_wins() -> None:
    """JS gap (anchor §4.1): a record two rules transform comes back twice there."""
    [uow] = _uows(to_firehose_records([{"id": "a", "type": "t"}]))
    first = _transform(uow).set(FIREHOSE_DATA, "Zmlyc3Q=")
    second = _transform(uow).set(FIREHOSE_DATA, "c2Vjb25k")
    response = firehose_response(EVENTS, _invocation(uow, first, second))
    assert response["records"][0] == {"recordId": "0", "result": "Ok", "data": "Zmlyc3Q="}


def test_a_fault_wins_over_an_ok_of_another_pipeline() -> None:
    """A record is Ok only when nothing failed on it: a retryable failure has no fault event,
    so ProcessingFailed is the only trace it leaves."""
    [uow] = _uows(to_firehose_records([{"id": "a", "type": "t"}]))
    fault = Fault.of(RetryableError("throttled"), uow)
    response = firehose_response(EVENTS, _invocation(_transform(uow), faults=(fault,)))
    assert response["records"][0]["result"] == "ProcessingFailed"


def test_a_batch_uow_answers_for_its_members() -> None:
    a, b, c = _uows(EVENTS)
    batch = a.with_batch((_transform(a), b, _transform(c)))
    assert [
        answer["result"] for answer in firehose_response(EVENTS, _invocation(batch))["records"]
    ] == [
        "Ok",
        "Dropped",
        "Ok",
    ]


def test_a_record_id_sent_twice_is_answered_once() -> None:
    records = cast(list[object], EVENTS["records"])
    event = {"records": [records[0], records[0]]}
    assert [
        answer["recordId"] for answer in firehose_response(event, _invocation())["records"]
    ] == ["0"]


def test_entries_without_a_record_id_are_not_answered() -> None:
    event = {"records": [{"data": "e30="}, "junk", {"recordId": 5}]}
    assert firehose_response(event, _invocation()) == {"records": []}


@pytest.mark.parametrize(
    "event", [{"records": []}, {}, {"records": "abc"}, None], ids=["empty", "none", "text", "null"]
)
def test_an_invocation_without_records_is_answered_with_none(event: object) -> None:
    assert firehose_response(cast(Mapping[str, object], event), _invocation()) == {"records": []}


def test_the_response_holds_no_whole_uows_and_is_json() -> None:
    """JS gap (anchor §4.1): toFirehose returns the whole uows, inflating the response."""
    response = firehose_response(EVENTS, _run(EVENTS, _by_type(_transform, "keep")))
    assert {key for answer in response["records"] for key in answer} == {
        "recordId",
        "result",
        "data",
    }
    assert json.loads(json.dumps(response)) == response


# -- random mixes: every record answered once, with the result its fate calls for ------------

FATES = {
    "ok": "Ok",
    "fault": "ProcessingFailed",
    "retry": "ProcessingFailed",
    "bad": "ProcessingFailed",
    "filter": "Dropped",
    "skip": "Dropped",
    "untouched": "Dropped",
}


def _fated(uow: UnitOfWork) -> UnitOfWork:
    kind = uow.event.type if uow.event else ""
    if kind == "fault":
        raise ValueError("cannot transform")
    if kind == "retry":
        raise RetryableError("throttled")
    return _transform(uow) if kind == "ok" else uow


def _transforming(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
    kept = stream.filter(lambda uow: uow.event is not None and uow.event.type != "filter")
    return kept.map(_fated)


def _mixed(fates: list[str]) -> dict[str, object]:
    events: list[dict[str, JsonValue]] = [
        {"id": str(n), "type": fate, **({"tags": {"skip": True}} if fate == "skip" else {})}
        for n, fate in enumerate(fates)
    ]
    event = to_firehose_records(events)
    for record, fate in zip(cast(list[dict[str, object]], event["records"]), fates, strict=True):
        if fate == "bad":
            record["data"] = "not base64!"
    return event


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(FATES)), max_size=12))
def test_every_record_is_answered_once_with_its_result(fates: list[str]) -> None:
    event = _mixed(fates)
    answers = _answers(event, _transforming, lambda s: s)
    assert answers == [(str(n), FATES[fate]) for n, fate in enumerate(fates)]
