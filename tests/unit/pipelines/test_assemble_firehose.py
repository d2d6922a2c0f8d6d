"""Pipelines.handle_firehose: every record answered, faults published, nothing raised."""

from __future__ import annotations

from collections.abc import Callable

from lambda_stream import (
    InMemoryFaultPublisher,
    Pipeline,
    PipelineContext,
    RetryableError,
    UnitOfWork,
    initialize,
    resolve_options,
)
from lambda_stream.runtime.firehose import FIREHOSE_DATA
from lambda_stream.sources.firehose import FIREHOSE_RESULT
from lambda_stream.testing.firehose import to_firehose_records

EVENTS = [{"id": f"e{n}", "type": "t"} for n in range(3)]


def _transform(fail: Callable[[str], Exception | None]) -> Callable[[PipelineContext], Pipeline]:
    def step(uow: UnitOfWork) -> UnitOfWork:
        assert uow.event is not None
        error = fail(uow.event.id)
        if error is not None:
            raise error
        return uow.set(FIREHOSE_RESULT, "Ok").set(FIREHOSE_DATA, "eyJvayI6MX0=")

    return lambda context: lambda s: s.map(step)


def _answers(fail: Callable[[str], Exception | None]) -> tuple[dict[str, str], int]:
    publisher = InMemoryFaultPublisher()
    pipelines = initialize(
        {"transform": _transform(fail)}, resolve_options({}), publisher=publisher
    )
    response = pipelines.handle_firehose(to_firehose_records(EVENTS))
    return {r["recordId"]: r["result"] for r in response["records"]}, len(publisher.events)


def test_transformed_records_are_answered_ok() -> None:
    answers, faults = _answers(lambda event_id: None)
    assert answers == {"0": "Ok", "1": "Ok", "2": "Ok"}
    assert faults == 0


def test_a_failed_record_is_answered_processing_failed_and_its_fault_published() -> None:
    answers, faults = _answers(lambda event_id: ValueError("bad") if event_id == "e1" else None)
    assert answers == {"0": "Ok", "1": "ProcessingFailed", "2": "Ok"}
    assert faults == 1


def test_a_retryable_failure_does_not_raise_firehose_never_redelivers() -> None:
    answers, faults = _answers(
        lambda event_id: RetryableError("throttled") if event_id == "e2" else None
    )
    assert answers == {"0": "Ok", "1": "Ok", "2": "ProcessingFailed"}
    assert faults == 0


def test_other_faults_are_published_even_when_a_record_failed_retryably() -> None:
    def fail(event_id: str) -> Exception | None:
        return {"e0": RetryableError("throttled"), "e2": ValueError("bad")}.get(event_id)

    answers, faults = _answers(fail)
    assert answers == {"0": "ProcessingFailed", "1": "Ok", "2": "ProcessingFailed"}
    assert faults == 1
