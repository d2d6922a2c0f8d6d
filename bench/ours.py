"""lambda-stream, written the way its README and example handler write a function.

Pipelines are built once (at import time in a real handler); each batch is one
``PIPELINES.invoke(from_kinesis(event))``: a fresh event loop, the fault tail with an
`InMemoryFaultPublisher`, the Invocation with every output uow. The sink is called through
``map_async(parallel=options.parallel)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from bench.workload import CASES, CREATED, NOTHING, UPDATED, Case, Prepared, Tally, sink
from lambda_stream import (
    InMemoryFaultPublisher,
    Invocation,
    JsonObject,
    Key,
    Pipeline,
    PipelineContext,
    PipelineFactory,
    Pipelines,
    UnitOfWork,
    from_kinesis,
    initialize,
    on_event_type,
    resolve_options,
)
from lambda_stream.testing import collect

REQUEST = Key[JsonObject]("request")
RESPONSE = Key[Mapping[str, bool]]("response")
SEEN = Key[str]("seen")


def to_request(uow: UnitOfWork) -> UnitOfWork:
    """The sink request for a thing event (a fault when the event has no thing)."""
    event = uow.event
    assert event is not None
    thing = event["thing"]
    if not isinstance(thing, JsonObject):
        raise ValueError(f"event {event.id} has no thing")
    request = JsonObject(
        {
            "Key": {"pk": thing["id"], "sk": "thing"},
            "name": thing["name"],
            "status": thing["status"],
            "timestamp": event.timestamp,
        }
    )
    return uow.set(REQUEST, request)


def call_sink(delay_ms: int) -> Callable[[UnitOfWork], Awaitable[UnitOfWork]]:
    async def call(uow: UnitOfWork) -> UnitOfWork:
        return uow.set(RESPONSE, await sink(uow[REQUEST], delay_ms))

    return call


def io_pipeline(event_type: str, delay_ms: int) -> PipelineFactory:
    """``filter(type) -> map(to_request) -> map_async(sink, parallel=PARALLEL)``."""

    def factory(context: PipelineContext) -> Pipeline:
        parallel = context.options.parallel
        step = call_sink(delay_ms)
        return lambda s: (
            s.filter(on_event_type(event_type)).map(to_request).map_async(step, parallel=parallel)
        )

    return factory


def everything(context: PipelineContext) -> Pipeline:
    return lambda s: s.map(lambda uow: uow.set(SEEN, uow.event.type if uow.event else "?"))


def build(case: Case, factories: Mapping[str, PipelineFactory]) -> Pipelines:
    options = resolve_options({}, parallel=case.parallel)
    return initialize(factories, options, publisher=InMemoryFaultPublisher())


def anchor_pipelines(case: Case) -> Pipelines:
    return build(
        case,
        {
            "created": io_pipeline(CREATED, case.delay_ms),
            "updated": io_pipeline(UPDATED, case.delay_ms),
            "all": everything,
        },
    )


def tally(output: object) -> Tally:
    assert isinstance(output, Invocation)
    counts = {"created": 0, "updated": 0, "all": 0}
    for uow in output.uows:
        if uow.pipeline == "all":
            counts["all"] += SEEN in uow
        elif uow.pipeline in counts and uow.get(RESPONSE) == {"ok": True}:
            counts[uow.pipeline] += 1
    return Tally(**counts, faults=len(output.faults))


def prepare(case: Case, event: Mapping[str, object]) -> Prepared:
    pipelines = anchor_pipelines(case)
    return Prepared(run=lambda: pipelines.invoke(from_kinesis(event)), tally=tally)


def prepare_nothing(count: int) -> Callable[[Case, Mapping[str, object]], Prepared]:
    """`count` pipelines of the anchor's shape filtering on a type no record has."""

    def prepare(case: Case, event: Mapping[str, object]) -> Prepared:
        factories = {f"none-{i}": io_pipeline(NOTHING, case.delay_ms) for i in range(count)}
        pipelines = build(case, factories)
        return Prepared(run=lambda: pipelines.invoke(from_kinesis(event)), tally=tally)

    return prepare


prepare_none_1 = prepare_nothing(1)
prepare_none_5 = prepare_nothing(5)


def prepare_decode(case: Case, event: Mapping[str, object]) -> Prepared:
    """Decoding only: ``from_kinesis(event)`` collected."""

    def count(output: object) -> Tally:
        assert isinstance(output, list)
        good = sum(isinstance(uow, UnitOfWork) and uow.event is not None for uow in output)
        return Tally(decoded=good, faults=len(output) - good)

    return Prepared(run=lambda: collect(from_kinesis(event)), tally=count)


if __name__ == "__main__":  # a quick look: python -m bench.ours
    from bench.workload import kinesis_event

    prepared = prepare(CASES["d0"], kinesis_event(300))
    print(prepared.tally(prepared.run()))
