"""The PyPI port, ``aws-lambda-stream`` 1.4.0 (import ``aws_lambda_stream``, built on reactivex).

Written as its README writes a handler: ``StreamPipeline(pipelines, options).assemble(
from_kinesis(event))`` per invocation, the pipelines a dict of factories ``opt -> operator``
(what ``initialize_from`` builds from rules), each step in its own operators: ``rx_filter``
with ``on_event_type(rule)``, ``rx_map(faulty(...))`` so that an exception becomes a fault
(buffered in its module-level ``the_faults`` and published by ``flush_faults`` once every
pipeline has completed, here to an in-memory publisher). ``assemble`` deep-copies the batch for
every pipeline and subscribes each on a ``ThreadPoolScheduler`` of ``cpu_count()`` threads.

The port has no asynchronous steps and no notion of parallelism: its sinks are blocking boto3
calls made one uow at a time. The async sink is therefore called the way its own ``multitask``
helper calls coroutines, ``asyncio.run(...)`` per uow; at D=0 the synchronous equivalent is
called directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_stream.events.kinesis import from_kinesis
from aws_lambda_stream.pipelines import StreamPipeline
from aws_lambda_stream.utils.faults import faulty
from aws_lambda_stream.utils.filters import on_event_type
from aws_lambda_stream.utils.operators import rx_filter, rx_map
from aws_lambda_stream.utils.opt import DEFAULT_OPTIONS
from reactivex import operators as ops

from bench.workload import CREATED, UPDATED, Case, Prepared, Tally, plain_request, sink, sink_sync


def io_pipeline(event_type: str, call: Callable[[Any], Any]) -> Callable[[dict[str, Any]], Any]:
    def factory(opt: dict[str, Any]) -> Any:
        rule = {**opt, "event_type": event_type}
        return lambda source: source.pipe(
            rx_filter(on_event_type(rule)),
            rx_map(faulty(lambda uow: {**uow, "request": plain_request(uow["event"])})),
            rx_map(faulty(lambda uow: {**uow, "response": call(uow["request"])})),
        )

    return factory


def everything(opt: dict[str, Any]) -> Any:
    return lambda source: source.pipe(
        rx_map(faulty(lambda uow: {**uow, "seen": uow["event"]["type"]})),
    )


def prepare(case: Case, event: Mapping[str, Any]) -> Prepared:
    if case.delay_ms == 0:
        call: Callable[[Any], Any] = sink_sync
    else:

        def call(request: Any) -> Any:
            return asyncio.run(sink(request, case.delay_ms))

    pipelines = {
        "created": io_pipeline(CREATED, call),
        "updated": io_pipeline(UPDATED, call),
        "all": everything,
    }
    published: list[Any] = []
    options = {
        **DEFAULT_OPTIONS,
        # fault events go to memory, not to EventBridge
        "publish": lambda params: ops.do_action(published.append),
    }

    def run() -> object:
        out: list[tuple[str, Any]] = []
        StreamPipeline(pipelines, options).assemble(
            from_kinesis(event), on_next=lambda pipeline, uow: out.append((pipeline, uow))
        )
        faults = list(published)
        published.clear()
        return out, faults

    return Prepared(run=run, tally=tally)


def tally(output: object) -> Tally:
    out, faults = output
    counts = {"created": 0, "updated": 0, "all": 0}
    for pipeline, uow in out:
        if pipeline == "all":
            counts["all"] += "seen" in uow
        elif uow.get("response") == {"ok": True}:
            counts[pipeline] += 1
    return Tally(**counts, faults=len(faults))
