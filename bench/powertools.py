"""AWS Lambda Powertools' batch utility, in its documented idiom.

At D=0: ``BatchProcessor(EventType.KinesisDataStreams)`` with ``process_partial_response``; at
D>0: ``AsyncBatchProcessor`` with ``async_process_partial_response``. The processor is built once
(module scope in a real handler). The record handler receives a ``KinesisStreamRecord``, decodes
it (``record.kinesis.data_as_json()``: base64 + ``json.loads``) and runs the three pipelines'
logic for it; its outputs go to a list. Fault handling is Powertools' own: an exception in the
record handler fails that record, reported in ``batchItemFailures`` (a retry, not a fault event).

Parallelism: ``AsyncBatchProcessor.async_process`` is ``asyncio.gather`` over one coroutine per
record, so it starts every record of the batch at once and has no limit of its own. To send the
sink at most P requests at a time, as every other contender does, the handler takes one
``asyncio.Semaphore(P)`` per pipeline around the sink call (what a user must write to bound the
load on a downstream). The ``powertools-unbounded`` variant leaves the semaphores out: that is
Powertools as shipped, but not the same work (10,000 requests in flight at once).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    BatchProcessor,
    EventType,
    async_process_partial_response,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
    KinesisStreamRecord,
)

from bench.workload import CREATED, UPDATED, Case, Prepared, Tally, plain_request, sink, sink_sync

PROCESSOR = BatchProcessor(event_type=EventType.KinesisDataStreams)
ASYNC_PROCESSOR = AsyncBatchProcessor(event_type=EventType.KinesisDataStreams)


def _prepare_sync(event: Mapping[str, Any]) -> Prepared:
    def run() -> object:
        out: list[tuple[str, Any, Any]] = []

        def record_handler(record: KinesisStreamRecord) -> None:
            decoded = record.kinesis.data_as_json()
            event_type = decoded["type"]
            if event_type == CREATED:
                out.append(("created", decoded, sink_sync(plain_request(decoded))))
            if event_type == UPDATED:
                out.append(("updated", decoded, sink_sync(plain_request(decoded))))
            out.append(("all", decoded, event_type))

        response = process_partial_response(
            event=dict(event), record_handler=record_handler, processor=PROCESSOR
        )
        return out, response

    return Prepared(run=run, tally=tally)


def _prepare_async(event: Mapping[str, Any], case: Case, bounded: bool) -> Prepared:
    delay = case.delay_ms

    def run() -> object:
        out: list[tuple[str, Any, Any]] = []
        limit: Callable[[], Any] = contextlib.nullcontext
        limits: dict[str, Any] = {}
        if bounded:
            limits = {"created": asyncio.Semaphore(case.parallel)}
            limits["updated"] = asyncio.Semaphore(case.parallel)

        async def call(pipeline: str, decoded: Any) -> None:
            request = plain_request(decoded)
            async with limits[pipeline] if bounded else limit():
                response = await sink(request, delay)
            out.append((pipeline, decoded, response))

        async def record_handler(record: KinesisStreamRecord) -> None:
            decoded = record.kinesis.data_as_json()
            event_type = decoded["type"]
            if event_type == CREATED:
                await call("created", decoded)
            if event_type == UPDATED:
                await call("updated", decoded)
            out.append(("all", decoded, event_type))

        response = async_process_partial_response(
            event=dict(event), record_handler=record_handler, processor=ASYNC_PROCESSOR
        )
        return out, response

    return Prepared(run=run, tally=tally)


def tally(output: object) -> Tally:
    out, response = output
    counts = {"created": 0, "updated": 0, "all": 0}
    for pipeline, _, result in out:
        if pipeline == "all" or result == {"ok": True}:
            counts[pipeline] += 1
    return Tally(**counts, faults=len(response["batchItemFailures"]))


def prepare(case: Case, event: Mapping[str, Any]) -> Prepared:
    if case.delay_ms == 0:
        return _prepare_sync(event)
    return _prepare_async(event, case, bounded=True)


def prepare_unbounded(case: Case, event: Mapping[str, Any]) -> Prepared:
    return _prepare_async(event, case, bounded=False)
