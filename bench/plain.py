"""The limit: a plain Python loop doing the same decoding and dispatch.

Per record: base64 + ``json.loads``; per record and pipeline: the type test, the request, the
sink call; every output is appended to a list, every exception caught per record (decoding) and
per record and pipeline (the steps) and kept as a fault. At D=0 it is one synchronous loop; with
IO it is the plain asyncio loop with the same parallelism: per pipeline, P worker coroutines
pulling from one shared iterator over the decoded events, all pipelines at once
(``asyncio.gather``) on a fresh event loop.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator, Mapping
from typing import Any

from bench.workload import CREATED, UPDATED, Case, Prepared, Tally, plain_request, sink, sink_sync

Output = tuple[list[tuple[str, Any, Any]], list[tuple[str, Any, Exception]]]


def decode(event: Mapping[str, Any], faults: list[tuple[str, Any, Exception]]) -> list[Any]:
    events = []
    for record in event["Records"]:
        try:
            events.append(json.loads(base64.b64decode(record["kinesis"]["data"])))
        except Exception as error:
            faults.append(("decode", record, error))
    return events


def run_sync(event: Mapping[str, Any]) -> Output:
    out: list[tuple[str, Any, Any]] = []
    faults: list[tuple[str, Any, Exception]] = []
    for record in event["Records"]:
        try:
            decoded = json.loads(base64.b64decode(record["kinesis"]["data"]))
        except Exception as error:
            faults.append(("decode", record, error))
            continue
        event_type = decoded["type"]
        for pipeline, wanted in (("created", CREATED), ("updated", UPDATED)):
            try:
                if event_type == wanted:
                    out.append((pipeline, decoded, sink_sync(plain_request(decoded))))
            except Exception as error:
                faults.append((pipeline, decoded, error))
        try:
            out.append(("all", decoded, event_type))
        except Exception as error:
            faults.append(("all", decoded, error))
    return out, faults


async def run_async(event: Mapping[str, Any], case: Case) -> Output:
    out: list[tuple[str, Any, Any]] = []
    faults: list[tuple[str, Any, Exception]] = []
    events = decode(event, faults)
    delay = case.delay_ms

    async def worker(pipeline: str, wanted: str, shared: Iterator[Any]) -> None:
        for decoded in shared:
            try:
                if decoded["type"] == wanted:
                    out.append((pipeline, decoded, await sink(plain_request(decoded), delay)))
            except Exception as error:
                faults.append((pipeline, decoded, error))

    async def everything() -> None:
        for decoded in events:
            try:
                out.append(("all", decoded, decoded["type"]))
            except Exception as error:
                faults.append(("all", decoded, error))

    created, updated = iter(events), iter(events)
    await asyncio.gather(
        *(worker("created", CREATED, created) for _ in range(case.parallel)),
        *(worker("updated", UPDATED, updated) for _ in range(case.parallel)),
        everything(),
    )
    return out, faults


def tally(output: object) -> Tally:
    out, faults = output
    counts = {"created": 0, "updated": 0, "all": 0}
    for pipeline, _, result in out:
        if pipeline == "all" or result == {"ok": True}:
            counts[pipeline] += 1
    return Tally(**counts, faults=len(faults))


def prepare(case: Case, event: Mapping[str, Any]) -> Prepared:
    if case.delay_ms == 0:
        return Prepared(run=lambda: run_sync(event), tally=tally)
    return Prepared(run=lambda: asyncio.run(run_async(event, case)), tally=tally)


def prepare_decode(case: Case, event: Mapping[str, Any]) -> Prepared:
    """Decoding only: base64 + ``json.loads`` per record, a fault per bad record."""

    def count(output: object) -> Tally:
        events, faults = output
        return Tally(decoded=len(events), faults=len(faults))

    def run() -> object:
        faults: list[tuple[str, Any, Exception]] = []
        return decode(event, faults), faults

    return Prepared(run=run, tally=count)
