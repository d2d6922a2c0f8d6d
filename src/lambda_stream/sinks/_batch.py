"""What every batching sink does: batch by count and bytes, send, give each uow its answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeAlias

from lambda_stream.connectors._retry import BatchOutcome, EntryResult
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject, JsonValue, dumps
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.stream import Stream

__all__ = [
    "Describe",
    "Sink",
    "batched",
    "described_in_order",
    "entry_fault",
    "event_reader",
    "json_size",
    "members",
    "with_sent_event",
]

Sink: TypeAlias = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]
"""A sink step: uows in, the same uows (adorned) or their faults out, in the same order."""

Describe = Callable[[BatchOutcome[JsonObject]], tuple[JsonObject, JsonObject]]
"""Makes the request and the response a batch's uows keep, from what the sending came to."""


def batched(
    *,
    prepare: Callable[[UnitOfWork], UnitOfWork],
    entry: Key[JsonObject],
    send: Callable[[list[JsonObject]], Awaitable[BatchOutcome[JsonObject]]],
    request: Key[JsonObject],
    response: Key[JsonObject],
    describe: Describe,
    batch_size: int,
    max_bytes: int,
    parallel: int,
    size_of: Callable[[JsonObject], int] | None = None,
) -> Sink:
    """A sink that sends the `entry` of each uow in batches of the service's limits.

    `prepare` adds the entry (a uow it leaves without one passes through untouched, in place);
    uows are batched by count (`batch_size`) and bytes (`max_bytes`, measured by `size_of`,
    the entry's compact JSON by default; a single entry over the limit is a fault of that uow
    only); `send` sends a batch and retries the failed entries; `describe` makes the batch's
    request and response, which each uow of the batch keeps under `request` and `response`.
    An entry that still failed is a fault of its uow only, retryable when the service said so;
    a call that failed as a whole is a fault of every uow in it.
    """
    measure = size_of or json_size

    def size(uow: UnitOfWork) -> int:
        value = uow.get(entry)
        return 0 if value is None else measure(value)

    async def send_batch(batch: tuple[UnitOfWork, ...]) -> Iterable[UnitOfWork | Fault]:
        entries = [value for uow in batch if (value := uow.get(entry)) is not None]
        if not entries:
            return batch
        try:
            outcome = await send(entries)
        except Exception as error:
            # the call failed as a whole: a fault for the uows it carried, in their places;
            # a uow that had nothing to send passes as it would have
            fault = Fault.of(error, tuple(uow for uow in batch if entry in uow))
            kept: list[UnitOfWork | Fault] = []
            placed = False
            for uow in batch:
                if entry not in uow:
                    kept.append(uow)
                elif not placed:
                    kept.append(fault)  # once, where the first uow it carries was
                    placed = True
            return kept
        sent, answer = describe(outcome)
        out: list[UnitOfWork | Fault] = []
        index = 0
        for uow in batch:
            if entry not in uow:
                out.append(uow)
                continue
            adorned = uow.set(request, sent).set(response, answer)
            result = outcome.results[index]
            index += 1
            out.append(entry_fault(adorned, result) if result.failed else adorned)
        return out

    def sink(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return (
            stream.map(prepare)
            .batch_by_size(batch_size, max_bytes, size)
            .map_async(send_batch, parallel=parallel)
            .flat_map(members)
        )

    return sink


def entry_fault(
    uow: UnitOfWork, result: EntryResult, refused: str = "the service did not accept the entry"
) -> Fault:
    """The fault of `uow`, whose entry the service still refused after the retries."""
    return Fault(
        uows=(uow,),
        name=result.error_code or "EntryFailed",
        message=result.error_message or refused,
        retryable=result.retryable,
        subject=uow,
    )


def described_in_order(*, answers: str, failed: str) -> Describe:
    """How a batch is described for a service answering entry by entry, in order.

    The request is ``{"Records": [...]}`` (Kinesis PutRecords, Firehose PutRecordBatch). The
    response is the service's own when one call did it; after retries it is the last one,
    with `failed` counting the entries that still failed, `answers` holding every entry's
    final answer, and ``attempts`` every response.
    """

    def describe(outcome: BatchOutcome[JsonObject]) -> tuple[JsonObject, JsonObject]:
        request = JsonObject({"Records": list(outcome.entries)})
        if len(outcome.responses) == 1:
            return request, outcome.responses[0]
        response: dict[str, JsonValue] = {
            **outcome.responses[-1],
            failed: outcome.failed_count,
            answers: [result.entry for result in outcome.results],
            "attempts": list(outcome.responses),
        }
        return request, JsonObject(response)

    return describe


def event_reader(event: Key[Event] | None) -> Callable[[UnitOfWork], Event | None]:
    """How a sink finds the event it sends: the uow's event, or the one under `event`."""
    if event is None:
        return lambda uow: uow.event
    return lambda uow: uow.get(event)


def with_sent_event(uow: UnitOfWork, event: Key[Event] | None, sent: Event) -> UnitOfWork:
    """`uow` keeping the event as it was sent (tagged) where `event_reader` found it."""
    return uow.with_event(sent) if event is None else uow.set(event, sent)


def members(items: Iterable[UnitOfWork | Fault]) -> Iterable[UnitOfWork | Fault]:
    """A sent batch's uows and faults, for ``flat_map``."""
    return items


def json_size(entry: JsonObject) -> int:
    """What an entry counts toward a byte limit: its compact JSON, in UTF-8 bytes."""
    return len(dumps(entry).encode("utf-8"))
