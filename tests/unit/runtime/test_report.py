"""The readable account of an invocation, for the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from lambda_stream import (
    Event,
    FrozenJson,
    InMemoryFaultPublisher,
    Invocation,
    JsonValue,
    Key,
    Pipeline,
    PipelineContext,
    RetryableError,
    Stream,
    UnitOfWork,
    freeze,
    from_eventbridge,
    from_firehose,
    from_kinesis,
    from_sns,
    from_sqs_event,
    initialize,
    resolve_options,
)
from lambda_stream.runtime.report import format_invocation
from lambda_stream.testing import (
    to_eventbridge_record,
    to_firehose_records,
    to_kinesis_records,
    to_sns_records,
    to_sqs_event_records,
)

SAVED = Key[bool]("saved")


def _step(uow: UnitOfWork) -> UnitOfWork:
    event_id = uow.event.id if uow.event else ""
    if event_id == "e1":
        raise ValueError("no thing")
    if event_id == "e2":
        raise RetryableError("throttled")
    return uow.set(SAVED, True)


def _saving(context: PipelineContext) -> Pipeline:
    return lambda s: s.map(_step)


def _plain(context: PipelineContext) -> Pipeline:
    return lambda s: s


def _invocation() -> Invocation:
    event = to_kinesis_records([{"id": f"e{n}", "type": "thing-created"} for n in range(3)])
    pipelines = initialize(
        {"save": _saving, "all": _plain},
        resolve_options({}, partial_batch_response=True),
        publisher=InMemoryFaultPublisher(),
    )
    return pipelines.invoke(from_kinesis(event))


def _lines() -> list[str]:
    return format_invocation(_invocation()).splitlines()


def test_each_pipeline_gets_a_heading_with_its_count() -> None:
    assert [line for line in _lines() if line.startswith("pipeline ")] == [
        "pipeline all: 3 uow(s)",
        "pipeline save: 1 uow(s)",
    ]


def test_a_uow_is_summarised_by_its_event_and_added_values() -> None:
    assert '  thing-created e0 {"saved": true}' in _lines()


def test_long_values_are_summarised_by_their_size() -> None:
    request: dict[str, JsonValue] = {
        "Key": {"pk": "t1", "sk": "thing"},
        "UpdateExpression": "SET #name = :name, " * 8,
    }
    added: dict[str, JsonValue] = {
        "short": [1, 2],
        "request": request,
        "items": [request] * 3,
        "text": "x" * 200,
    }
    uow = UnitOfWork(record=None, pipeline="p", event=Event(id="e1", type="thing-created"))
    for name, value in added.items():
        uow = uow.set(Key[FrozenJson](name), freeze(value))
    invocation = Invocation(
        uows=(uow,), faults=(), fault_events=(), held=(), retry=(), response=None
    )
    line = format_invocation(invocation).splitlines()[1]
    text = '"' + "x" * 115 + '..."'
    expected = '{"short": [1, 2], "request": {...2 keys}, "items": [...3 items], "text": ' + text
    assert line == f"  thing-created e1 {expected}}}"
    assert json.dumps(request) in format_invocation(invocation, full=True)


def test_the_fault_events_are_counted() -> None:
    assert "fault events: 1" in _lines()


def test_a_fault_event_line_names_its_pipeline_record_and_error() -> None:
    invocation = _invocation()
    fault_id = invocation.fault_events[0].id
    expected = f"  {fault_id} pipeline=save record=shardId-000000000000:1 ValueError: no thing"
    assert expected in format_invocation(invocation).splitlines()


def test_the_records_to_retry_are_listed() -> None:
    assert "records to retry: 2" in _lines()


def test_the_response_ends_the_report() -> None:
    assert _lines()[-1] == 'response: {"batchItemFailures": [{"itemIdentifier": "2"}]}'


def test_full_prints_whole_uows_as_json() -> None:
    invocation = _invocation()
    lines = format_invocation(invocation, full=True).splitlines()
    saved = next(uow for uow in invocation.uows if SAVED in uow)
    assert "  " + json.dumps(saved.to_dict()) in lines


def test_full_prints_whole_fault_events() -> None:
    invocation = _invocation()
    text = format_invocation(invocation, full=True)
    assert json.dumps(invocation.fault_events[0].to_dict(), indent=2).splitlines()[1] in text


def test_a_uow_without_an_event_is_marked() -> None:
    invocation = Invocation(
        uows=(UnitOfWork(record=None, pipeline="p"),),
        faults=(),
        fault_events=(),
        held=(),
        retry=(),
        response=None,
    )
    assert format_invocation(invocation).splitlines()[:2] == [
        "pipeline p: 1 uow(s)",
        "  (no event)",
    ]


def _failing(context: PipelineContext) -> Pipeline:
    def fail(uow: UnitOfWork) -> UnitOfWork:
        raise ValueError("poison")

    return lambda s: s.map(fail)


EVENT: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "timestamp": 1}
ZERO_ID = "00000000-0000-0000-0000-000000000000"  # the builders' message id


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (lambda: from_sqs_event(to_sqs_event_records([EVENT])), f"record={ZERO_ID}"),
        (lambda: from_firehose(to_firehose_records([EVENT])), "record=0"),
        (lambda: from_sns(to_sns_records([{"msg": json.dumps(EVENT)}])), f"record={ZERO_ID}"),
        (lambda: from_eventbridge(to_eventbridge_record(EVENT)), "record=0"),
    ],
    ids=["sqs messageId", "firehose recordId", "sns MessageId", "eventbridge id"],
)
def test_a_fault_line_names_the_record_as_its_source_does(
    source: Callable[[], Stream[UnitOfWork]], expected: str
) -> None:
    pipelines = initialize(
        {"fail": _failing}, resolve_options({}), publisher=InMemoryFaultPublisher()
    )
    invocation = pipelines.invoke(source())
    [line] = [line for line in format_invocation(invocation).splitlines() if "poison" in line]
    assert f" {expected} " in line
