"""Steps over the whole micro-batch: compact, group, and taking a batch uow apart again."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.stream import Stream

__all__ = ["by_partition_key", "by_timestamp", "compact", "group", "un_batch"]


def by_partition_key(uow: UnitOfWork) -> Hashable:
    """The event's partition key (None for a uow without one)."""
    return uow.event.partition_key if uow.event is not None else None


def by_timestamp(uow: UnitOfWork) -> tuple[bool, int]:
    """Sort key: the event's timestamp, events without one first."""
    timestamp = uow.event.timestamp if uow.event is not None else None
    return (timestamp is not None, timestamp or 0)


def compact(
    key: Callable[[UnitOfWork], Hashable] = by_partition_key,
    order: Callable[[UnitOfWork], object] = by_timestamp,
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """One uow per `key` over the whole batch: its latest uow, standing for all of them.

    The members of a key are sorted by `order` (the event timestamp by default); the last one
    comes out, with ``batch`` holding them all, so a materializer writes an entity once per
    batch, from its latest event. Keys come out in the order they were first seen.

    >>> from lambda_stream import Event
    >>> from lambda_stream.testing import collect
    >>> uows = [UnitOfWork(record=None, event=Event(id=i, type="t", partition_key="p", timestamp=t))
    ...         for i, t in (("1", 2), ("2", 1))]
    >>> [(u.event.id, len(u.batch)) for u in collect(Stream.of(uows).through(compact()))]
    [('1', 2)]
    """
    sort_key: Callable[[UnitOfWork], object] = order

    def last_of(group: tuple[Hashable, tuple[UnitOfWork, ...]]) -> UnitOfWork:
        members = tuple(sorted(group[1], key=sort_key))  # type: ignore[arg-type]  # any comparable
        latest = members[-1]
        return _build(latest.record, latest.event, latest.pipeline, members, dict(latest.attrs()))

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.group_by(key).map(last_of)

    return step


def group(
    key: Callable[[UnitOfWork], Hashable] = by_partition_key,
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """One batch uow per `key` (the partition key by default), members in arrival order.

    The batch uow has no record or event of its own; its members succeed or fail together.
    """

    def batch_of(group: tuple[Hashable, tuple[UnitOfWork, ...]]) -> UnitOfWork:
        return UnitOfWork(record=None, batch=group[1])

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.group_by(key).map(batch_of)

    return step


def un_batch(uow: UnitOfWork) -> tuple[UnitOfWork, ...]:
    """The members of a batch uow, each with the batch's values (the batch's win on a clash).

    What a step added to the batch uow (a request, a response) reaches every member; a uow
    that is not a batch comes back alone.
    """
    if not uow.batch:
        return (uow,)
    outer = dict(uow.attrs())
    return tuple(
        _build(
            member.record,
            uow.event if uow.event is not None else member.event,
            uow.pipeline if uow.pipeline is not None else member.pipeline,
            member.batch,
            {**dict(member.attrs()), **outer},
        )
        for member in uow.batch
    )
