"""Fault events and the requests that publish them, against the JS library's faults cases.

Ids, partition keys, timestamps and stacks are not compared (uuids, clocks and tracebacks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest
from returns.result import Failure, Result, Success

from lambda_stream import (
    Event,
    Fault,
    Key,
    Pipeline,
    Stream,
    UnitOfWork,
    from_kinesis,
    initialize,
    resolve_options,
)
from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.core.json import JsonObject, freeze
from lambda_stream.faults.eventbridge import EventBridgeFaultPublisher
from lambda_stream.sinks.eventbridge import publish_to_event_bridge
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("faults"))
UNSTABLE = ("id", "partitionKey", "timestamp")


class Bus:
    """An EventBridge port recording every request, answering each entry with an id."""

    def __init__(self) -> None:
        self.calls: list[list[JsonObject]] = []

    async def put_events(
        self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            answers = [{"EventId": f"eb-{n}"} for n in range(len(batch))]
            return JsonObject({"FailedEntryCount": 0, "Entries": answers})

        return await send_with_retries(entries, send, results_of, max_retries=0, retry_wait_ms=1)


def _details(calls: list[list[JsonObject]]) -> list[list[dict[str, object]]]:
    return [
        [_stable(json.loads(entry.get_str("Detail") or "{}")) for entry in call] for call in calls
    ]


def _stable(detail: dict[str, object]) -> dict[str, object]:
    out = {k: v for k, v in detail.items() if k not in UNSTABLE}
    err = out.get("err")
    if isinstance(err, dict):
        out["err"] = {k: v for k, v in err.items() if k != "stack"}
    return out


def _recorded(case: Case) -> list[list[dict[str, object]]]:
    return [
        [_stable(detail) for detail in call["Entries_Detail_decoded"]]
        for call in case["sdk_calls"]  # type: ignore[attr-defined]  # recorded JSON
    ]


def _run(case: Case, pipeline: Pipeline, pipeline_id: str) -> Bus:
    env = {"AWS_REGION": "us-west-2", **case.get("env", {})}  # type: ignore[dict-item]  # recorded env
    options = resolve_options(env, bus_name="fault-bus")
    bus = Bus()
    publisher = EventBridgeFaultPublisher(options, bus)
    pipelines = initialize({pipeline_id: lambda context: pipeline}, options, publisher=publisher)
    pipelines.invoke(from_kinesis(case["input_event"]))  # type: ignore[arg-type]  # recorded event
    return bus


class Error(Exception):
    """Named as the JS errors are."""


SOME = Key[JsonObject]("someResponse")


def test_a_handled_error_is_published_redacted_with_the_record_kept() -> None:
    """Deliberate difference 5: ``someResponse.f4`` holds the same object as the event's
    ``eem``; the JS library writes ``"[CIRCULAR]"`` for it, we write it out (it is no cycle)."""
    case = CASES["fault-handled-error-redaction"]

    def step(uow: UnitOfWork) -> Result[UnitOfWork, Fault]:
        eem = uow.event.get("eem") if uow.event else None
        added = uow.set(SOME, JsonObject({"f3": b"v1", "f4": eem}))
        if uow.event is not None and uow.event.type == "f2":
            # the fault carries the uow as the step left it, as err.uow does in JS
            return Failure(Fault.of(Error("handled error, has uow attached"), added))
        return Success(added)

    bus = _run(case, lambda s: s.bind(step), "undefined")
    [[ours]] = _details(bus.calls)
    [[theirs]] = _recorded(case)
    theirs["uow"]["someResponse"]["f4"] = {"fields": ["f2"]}  # type: ignore[index]  # difference 5
    theirs["uow"]["pipeline"] = "undefined"  # type: ignore[index]  # our uow names its pipeline
    assert ours == theirs


def test_five_faults_go_out_in_batches_of_four_tagged_with_function_and_pipeline() -> None:
    case = CASES["fault-batching-and-functionname"]

    def step(uow: UnitOfWork) -> UnitOfWork:
        raise TypeError(f"bad {uow.event.id if uow.event else '?'}")

    bus = _run(case, lambda s: s.map(step), "listener")
    assert [len(call) for call in bus.calls] == [4, 1]
    assert _details(bus.calls) == _recorded(case)


def test_an_error_outside_any_step_fails_the_invocation_and_publishes_nothing() -> None:
    """The JS case throws an error without a uow: ours can only come from the stream itself
    (a source that breaks), since a step's error always carries its element."""

    def broken() -> Iterator[UnitOfWork]:
        yield from ()
        raise RuntimeError("unhandled error, no uow attached")

    options = resolve_options({"AWS_REGION": "us-west-2"}, bus_name="fault-bus")
    bus = Bus()
    pipelines = initialize(
        {"p": lambda context: lambda s: s},
        options,
        publisher=EventBridgeFaultPublisher(options, bus),
    )
    with pytest.raises(RuntimeError, match="no uow attached"):
        pipelines.invoke(Stream.of(broken()))
    assert bus.calls == []


def test_a_failed_publish_becomes_one_fault_event_per_member() -> None:
    """Deliberate difference: the JS library publishes one fault for the batch uow (its
    members trimmed, the shared request written as ``"[CIRCULAR]"``); a fault for a batch
    expands into one fault per member, each carrying its own record and request entry."""
    case = CASES["fault-sink-failure-batch-uow"]

    class Outage:
        async def put_events(
            self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
        ) -> BatchOutcome[JsonObject]:
            raise Error("simulated EventBridge outage")

    options = resolve_options({"AWS_REGION": "us-west-2"}, bus_name="main-bus")
    uows = [
        UnitOfWork(
            record=freeze(given["record"]),
            event=Event.from_dict(given["event"]),
            pipeline=given["pipeline"],
        )
        for given in case["input_uows"]  # type: ignore[attr-defined]  # recorded JSON
    ]
    out = collect(Stream.of(uows).through(publish_to_event_bridge(options, Outage())))
    [fault] = out
    assert isinstance(fault, Fault)
    assert [
        member.get(Key[JsonObject]("publishRequestEntry")) is not None
        for member in fault.expand()[0].uows
    ] == [True]
    assert len(fault.expand()) == 2
    assert [single.uows[0].record for single in fault.expand()] == [
        freeze({"seq": 1}),
        freeze({"seq": 2}),
    ]
