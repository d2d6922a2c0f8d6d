"""The anchor workload (DESIGN section 7), shared by every contender.

10,000 Kinesis records whose event types cycle ``thing-created``, ``thing-updated``,
``other-x``; three pipelines: ``created`` and ``updated`` keep their type, map the event to a
small request and call `sink`; ``all`` maps every record (adds a field). Every contender runs
exactly this work in its own idiom and returns what it produced; `Tally` counts it so the runner
can check that every contender did the same work.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lambda_stream.testing import to_kinesis_records

__all__ = [
    "CASES",
    "CREATED",
    "EVENT_TYPES",
    "RECORDS",
    "UPDATED",
    "Case",
    "Expect",
    "Prepared",
    "Tally",
    "expected",
    "kinesis_event",
    "make_event",
    "plain_request",
    "sink",
    "sink_sync",
]

RECORDS = 10_000
CREATED = "thing-created"
UPDATED = "thing-updated"
EVENT_TYPES = (CREATED, UPDATED, "other-x")
NOTHING = "thing-never-sent"
"""An event type no record has: the type the "match nothing" pipelines filter on."""

_BASE_TIMESTAMP = 1_732_000_000_000
_CATEGORIES = ("widget", "gadget", "gizmo", "doohickey")
_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")


@dataclass(frozen=True, slots=True)
class Case:
    """One benchmark case: the sink answers after `delay_ms`, at most `parallel` calls at once."""

    id: str
    delay_ms: int
    parallel: int

    @property
    def label(self) -> str:
        if self.delay_ms == 0:
            return "D=0"
        return f"D={self.delay_ms} ms, P={self.parallel}"


CASES: Mapping[str, Case] = {
    # At D=0 there is no IO to overlap; P only matters to the async contenders, which use the
    # library default (PARALLEL=4).
    "d0": Case("d0", 0, 4),
    "d5p4": Case("d5p4", 5, 4),
    "d5p16": Case("d5p16", 5, 16),
}


def make_event(index: int) -> dict[str, Any]:
    """The event of record `index`: a few hundred bytes of JSON, as a producer would write it."""
    thing_id = str(uuid.uuid5(_NAMESPACE, f"thing-{index}"))
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"event-{index}")),
        "type": EVENT_TYPES[index % len(EVENT_TYPES)],
        "timestamp": _BASE_TIMESTAMP + index * 1_000,
        "partitionKey": thing_id,
        "tags": {
            "account": "dev",
            "region": "us-west-2",
            "stage": "dev",
            "source": "thing-service",
            "functionname": "thing-service-dev-trigger",
        },
        "thing": {
            "id": thing_id,
            "name": f"Thing number {index}",
            "description": "A thing that a benchmark made up; nothing reads this text.",
            "status": "active" if index % 5 else "inactive",
            "category": _CATEGORIES[index % len(_CATEGORIES)],
            "quantity": index % 97,
            "price": round(3.5 + (index % 400) * 0.25, 2),
            "labels": ["bench", f"batch-{index // 500}"],
        },
    }


def kinesis_event(records: int) -> dict[str, object]:
    """A Lambda Kinesis event of `records` records, built with the library's test helper."""
    return to_kinesis_records([make_event(index) for index in range(records)])


def plain_request(event: Mapping[str, Any]) -> dict[str, Any]:
    """The request the ``created`` and ``updated`` pipelines send, from a plain event dict.

    Every contender builds this same shape from its own representation of the event.
    """
    thing = event["thing"]
    return {
        "Key": {"pk": thing["id"], "sk": "thing"},
        "name": thing["name"],
        "status": thing["status"],
        "timestamp": event["timestamp"],
    }


async def sink(request: object, delay_ms: int = 0) -> dict[str, bool]:
    """The fake async sink every contender calls: answers after `delay_ms`."""
    if delay_ms:
        await asyncio.sleep(delay_ms / 1000)
    return {"ok": True}


def sink_sync(request: object) -> dict[str, bool]:
    """The same sink at D=0, for the synchronous contenders."""
    return {"ok": True}


@dataclass(frozen=True, slots=True)
class Tally:
    """What one run produced: sink answers per pipeline, ``all`` outputs, faults, decoded events."""

    created: int = 0
    updated: int = 0
    all: int = 0
    faults: int = 0
    decoded: int = 0


Expect = Literal["pipelines", "none", "decode"]
"""What a contender computes: the three pipelines, pipelines matching nothing, decoding only."""


def expected(kind: Expect, records: int) -> Tally:
    """The tally every correct run of a `kind` contender over `records` records has."""
    if kind == "decode":
        return Tally(decoded=records)
    if kind == "none":
        return Tally()
    types = [EVENT_TYPES[index % len(EVENT_TYPES)] for index in range(records)]
    return Tally(created=types.count(CREATED), updated=types.count(UPDATED), all=records)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A contender ready to run one batch: `run` is timed, `tally` counts its output after."""

    run: Callable[[], object]
    tally: Callable[[object], Tally]
