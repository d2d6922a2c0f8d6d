"""The Lambda edge: drain the batch, then publish faults, then answer (or fail) the invocation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import pytest
from botocore.exceptions import ClientError

from lambda_stream import (
    Event,
    Fault,
    FaultPublishError,
    InMemoryFaultPublisher,
    JsonObject,
    Options,
    Pipeline,
    PipelineContext,
    Pipelines,
    RetryableError,
    RetryableFailure,
    Stream,
    UnitOfWork,
    freeze,
    from_kinesis,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.runtime import invoke, invoke_async
from lambda_stream.testing import to_kinesis_records

PARTIAL = resolve_options({}, partial_batch_response=True)
WHOLE = resolve_options({})


def _batch(count: int, prefix: str = "e") -> dict[str, object]:
    events: list[dict[str, JsonValue]] = [{"id": f"{prefix}{n}", "type": "t"} for n in range(count)]
    return to_kinesis_records(events)


def _failing(error: Callable[[], Exception], *ids: str) -> Callable[[PipelineContext], Pipeline]:
    """A pipeline factory whose step raises `error()` on the events with the given ids."""

    def step(uow: UnitOfWork) -> UnitOfWork:
        if uow.event is not None and uow.event.id in ids:
            raise error()
        return uow

    return lambda context: lambda s: s.map(step)


def _bad(*ids: str) -> Callable[[PipelineContext], Pipeline]:
    return _failing(lambda: ValueError("bad input"), *ids)


def _throttled(*ids: str) -> Callable[[PipelineContext], Pipeline]:
    return _failing(lambda: RetryableError("throttled"), *ids)


def _pipelines(
    options: Options = WHOLE, **factories: Callable[[PipelineContext], Pipeline]
) -> Pipelines:
    return initialize(factories, options, publisher=InMemoryFaultPublisher())


def _published(pipelines: Pipelines) -> list[Event]:
    publisher = pipelines.publisher
    assert isinstance(publisher, InMemoryFaultPublisher)
    return publisher.events


def _source_ids(events: Sequence[Event]) -> list[object]:
    """The ids of the events whose uows the fault events carry."""
    ids: list[object] = []
    for event in events:
        uow = event.get("uow")
        assert isinstance(uow, JsonObject)
        ids.append(uow.get_object("event").get("id"))
    return ids


def test_invoke_returns_the_uows_faults_and_fault_events() -> None:
    pipelines = _pipelines(p=_bad("e1"))
    invocation = pipelines.invoke(from_kinesis(_batch(3)))
    assert (
        [u.event.id for u in invocation.uows if u.event],
        len(invocation.faults),
        len(invocation.fault_events),
    ) == (
        ["e0", "e2"],
        1,
        1,
    )


def test_faults_are_buffered_per_invocation() -> None:
    """Deliberate difference #4: a second invocation never republishes the first one's faults."""
    pipelines = _pipelines(p=_bad("a0", "b1"))
    pipelines.invoke(from_kinesis(_batch(2, "a")))
    pipelines.invoke(from_kinesis(_batch(2, "b")))
    assert _source_ids(_published(pipelines)) == ["a0", "b1"]


def test_a_retry_after_a_failed_publish_publishes_its_faults_once() -> None:
    class FlakyPublisher(InMemoryFaultPublisher):
        calls = 0

        async def publish_faults(self, events: Sequence[Event]) -> None:
            self.calls += 1
            if self.calls == 1:
                raise ConnectionError("bus unreachable")
            await super().publish_faults(events)

    publisher = FlakyPublisher()
    pipelines = initialize({"p": _bad("e0")}, WHOLE, publisher=publisher)
    with pytest.raises(FaultPublishError):
        pipelines.invoke(from_kinesis(_batch(2)))
    pipelines.invoke(from_kinesis(_batch(2)))
    assert _source_ids(publisher.events) == ["e0"]


def test_faults_are_published_only_after_the_batch_has_drained() -> None:
    out: list[UnitOfWork] = []
    at_publish: list[int] = []

    class WatchingPublisher:
        async def publish_faults(self, events: Sequence[Event]) -> None:
            at_publish.append(len(out))

    async def slow(uow: UnitOfWork) -> UnitOfWork:
        await asyncio.sleep(0)
        if uow.event is not None and uow.event.id == "e0":
            raise ValueError("first record is bad")
        return uow

    def factory(context: PipelineContext) -> Pipeline:
        return lambda s: s.map_async(slow, parallel=4).tap(out.append)

    initialize({"p": factory}, WHOLE, publisher=WatchingPublisher()).invoke(
        from_kinesis(_batch(300))
    )
    assert at_publish == [299]


def test_a_batch_fault_becomes_one_fault_event_per_member() -> None:
    def fail(uows: tuple[UnitOfWork, ...]) -> UnitOfWork:
        raise ValueError("the batch request failed")

    def factory(context: PipelineContext) -> Pipeline:
        return lambda s: s.batch(3).map(fail)

    pipelines = initialize({"p": factory}, WHOLE, publisher=InMemoryFaultPublisher())
    invocation = pipelines.invoke(from_kinesis(_batch(3)))
    assert _source_ids(invocation.fault_events) == ["e0", "e1", "e2"]


def test_a_publish_failure_fails_the_invocation() -> None:
    class BrokenPublisher:
        async def publish_faults(self, events: Sequence[Event]) -> None:
            raise ConnectionError("bus unreachable")

    pipelines = initialize({"p": _bad("e0")}, WHOLE, publisher=BrokenPublisher())
    with pytest.raises(FaultPublishError, match="bus unreachable"):
        pipelines.invoke(from_kinesis(_batch(1)))


def test_a_fault_without_a_publisher_fails_the_invocation() -> None:
    with pytest.raises(FaultPublishError, match="no fault publisher"):
        initialize({"p": _bad("e0")}, WHOLE).invoke(from_kinesis(_batch(1)))


def test_no_fault_needs_no_publisher() -> None:
    assert len(initialize({"p": _bad()}, WHOLE).invoke(from_kinesis(_batch(2))).uows) == 2


def test_retryable_faults_are_not_published() -> None:
    pipelines = _pipelines(PARTIAL, p=_throttled("e1"))
    invocation = pipelines.invoke(from_kinesis(_batch(3)))
    assert (invocation.fault_events, _published(pipelines)) == ((), [])


def test_retryable_faults_fail_exactly_their_records() -> None:
    pipelines = _pipelines(PARTIAL, p=_throttled("e1", "e3"))
    assert pipelines.handle(from_kinesis(_batch(4))) == {
        "batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "3"}]
    }


def test_a_botocore_throttling_error_is_retryable() -> None:
    def throttling() -> Exception:
        return ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "PutItem"
        )

    pipelines = _pipelines(PARTIAL, p=_failing(throttling, "e0"))
    assert pipelines.handle(from_kinesis(_batch(2))) == {
        "batchItemFailures": [{"itemIdentifier": "0"}]
    }


def test_a_record_failed_in_two_pipelines_is_listed_once() -> None:
    pipelines = _pipelines(PARTIAL, a=_throttled("e1"), b=_throttled("e1", "e2"))
    assert pipelines.handle(from_kinesis(_batch(3))) == {
        "batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}]
    }


def test_retryable_and_other_faults_are_told_apart() -> None:
    pipelines = _pipelines(PARTIAL, a=_throttled("e1"), b=_bad("e0"))
    invocation = pipelines.invoke(from_kinesis(_batch(2)))
    assert (invocation.retry, _source_ids(invocation.fault_events)) == (("1",), ["e0"])


def test_faults_from_the_stream_checkpoint_on_are_held_back() -> None:
    """Lambda resumes a shard at the lowest failed sequence number: the faults of records from
    there on come again with the retry, so publishing them now would publish them twice."""
    pipelines = _pipelines(PARTIAL, a=_throttled("e2"), b=_bad("e1", "e3"))
    invocation = pipelines.invoke(from_kinesis(_batch(4)))
    assert _source_ids(invocation.fault_events) == ["e1"]
    assert [fault.uows[0].event.id for fault in invocation.held if fault.uows[0].event] == ["e3"]


def test_a_failing_invocation_publishes_no_fault() -> None:
    publisher = InMemoryFaultPublisher()
    pipelines = initialize({"a": _throttled("e2"), "b": _bad("e0")}, WHOLE, publisher=publisher)
    with pytest.raises(RetryableFailure) as raised:
        pipelines.invoke(from_kinesis(_batch(3)))
    assert publisher.events == []
    assert len(raised.value.invocation.held) == 1


def _messages(*ids: str) -> Stream[UnitOfWork]:
    return Stream.of(
        [
            UnitOfWork(record=freeze({"messageId": f"m-{i}"}), event=Event(id=i, type="t"))
            for i in ids
        ]
    )


def test_only_the_faults_of_failed_sqs_messages_are_held_back() -> None:
    """SQS redelivers exactly the failed messages; other faults are published now."""
    pipelines = _pipelines(PARTIAL, a=_throttled("e2"), b=_bad("e1", "e2", "e3"))
    invocation = pipelines.invoke(_messages("e1", "e2", "e3"))
    assert invocation.retry == ("m-e2",)
    assert _source_ids(invocation.fault_events) == ["e1", "e3"]
    assert len(invocation.held) == 1


def test_without_partial_batch_responses_a_retryable_fault_raises() -> None:
    pipelines = _pipelines(WHOLE, p=_throttled("e0"))
    with pytest.raises(RetryableFailure, match="RetryableError: throttled"):
        pipelines.invoke(from_kinesis(_batch(2)))


def test_a_retryable_failure_carries_the_invocation() -> None:
    pipelines = _pipelines(WHOLE, p=_throttled("e0"))
    with pytest.raises(RetryableFailure) as raised:
        pipelines.invoke(from_kinesis(_batch(2)))
    assert raised.value.invocation.retry == ("0",)


def test_a_retryable_fault_without_an_item_identifier_raises() -> None:
    uow = UnitOfWork(record=freeze({"no": "identifier"}), event=Event(id="1", type="t"))
    with pytest.raises(RetryableFailure, match="1 record\\(s\\) have no item identifier"):
        invoke(Stream.of([Fault.of(RetryableError("later"), uow)]), options=PARTIAL, publisher=None)


def test_partial_batch_responses_without_failures_list_none() -> None:
    assert _pipelines(PARTIAL, p=_bad()).handle(from_kinesis(_batch(2))) == {
        "batchItemFailures": []
    }


def test_without_partial_batch_responses_the_response_is_none() -> None:
    assert _pipelines(WHOLE, p=_bad()).handle(from_kinesis(_batch(2))) is None


def test_by_pipeline_groups_the_output() -> None:
    invocation = _pipelines(a=_bad(), b=_bad("e0")).invoke(from_kinesis(_batch(2)))
    grouped = {
        pid: [u.event.id for u in uows if u.event] for pid, uows in invocation.by_pipeline().items()
    }
    assert grouped == {"a": ["e0", "e1"], "b": ["e1"]}


def test_invoke_inside_a_running_loop_points_to_invoke_async() -> None:
    async def nested() -> None:
        invoke(Stream[UnitOfWork].of([]), options=WHOLE, publisher=None)

    with pytest.raises(RuntimeError, match="invoke_async"):
        asyncio.run(nested())


def test_invoke_async_runs_in_a_running_loop() -> None:
    uow = UnitOfWork(record=None, event=Event(id="1", type="t"))
    invocation = asyncio.run(invoke_async(Stream.of([uow]), options=WHOLE, publisher=None))
    assert invocation.uows == (uow,)
