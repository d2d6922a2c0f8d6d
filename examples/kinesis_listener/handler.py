"""A Kinesis listener with three pipelines sharing one batch.

``created`` and ``updated`` turn ``thing`` events into rows of a view and save them through an
async store (an in-memory stand-in for a table, with 5 ms of simulated IO); ``all`` tags every
event it sees. A record that cannot be decoded, or a step that fails, becomes a fault event; a
write the store throttles fails its record, which the response asks Lambda to deliver again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from lambda_stream import (
    InMemoryFaultPublisher,
    JsonObject,
    Key,
    LambdaContext,
    LambdaResponse,
    Pipeline,
    PipelineContext,
    RetryableError,
    UnitOfWork,
    from_kinesis,
    initialize,
    on_event_type,
    resolve_options,
)

ROW = Key[JsonObject]("row")
SAVED = Key[bool]("saved")
SEEN = Key[str]("seen")


class ViewStore:
    """An in-memory stand-in for a table: rows by id, 5 ms per write, some keys throttled.

    A write older than the row it would replace is ignored (the inverse optimistic lock of the
    JS library's ``timestampCondition``): pipelines run concurrently, so the created and the
    updated event of one thing may be written in either order.
    """

    def __init__(self, throttled: frozenset[str] = frozenset()) -> None:
        self.rows: dict[str, JsonObject] = {}
        self.throttled = throttled

    async def save(self, uow: UnitOfWork) -> UnitOfWork:
        row = uow[ROW]
        await asyncio.sleep(0.005)
        key = str(row["id"])
        if key in self.throttled:
            raise RetryableError(f"write to {key} throttled")
        current = self.rows.get(key)
        if current is not None and _newer_or_same(current, row):
            return uow.set(SAVED, False)  # stale, ignored
        self.rows[key] = row
        return uow.set(SAVED, True)


def _newer_or_same(current: JsonObject, row: JsonObject) -> bool:
    held, given = current.get("lastModified"), row.get("lastModified")
    return isinstance(held, int) and isinstance(given, int) and held >= given


def to_row(uow: UnitOfWork) -> UnitOfWork:
    """The view row for a thing event; fails (a fault) when the event has no thing."""
    assert uow.event is not None
    thing = uow.event.get("thing")
    if not isinstance(thing, JsonObject):
        raise ValueError(f"event {uow.event.id} has no thing")
    row = thing.set("status", uow.event.type.removeprefix("thing-"))
    return uow.set(ROW, row.set("lastModified", uow.event.timestamp))


STORE = ViewStore(throttled=frozenset({"t4"}))
FAULTS = InMemoryFaultPublisher()


def materialize(event_type: str) -> Pipeline:
    return lambda s: (
        s.filter(on_event_type(event_type)).map(to_row).map_async(STORE.save, parallel=4)
    )


def created(context: PipelineContext) -> Pipeline:
    return materialize("thing-created")


def updated(context: PipelineContext) -> Pipeline:
    return materialize("thing-updated")


def everything(context: PipelineContext) -> Pipeline:
    return lambda s: s.map(lambda uow: uow.set(SEEN, uow.event.type if uow.event else "?"))


PIPELINES = initialize(
    {"created": created, "updated": updated, "all": everything},
    resolve_options(partial_batch_response=True),
    publisher=FAULTS,
)


def handler(event: Mapping[str, object], context: LambdaContext | None = None) -> LambdaResponse:
    return PIPELINES.handle(from_kinesis(event), context)
