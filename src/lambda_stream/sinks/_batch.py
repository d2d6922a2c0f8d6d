"""What every batching sink does: batch by count and bytes, send, give each uow its answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeAlias

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject, dumps
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.stream import Stream

__all__ = ["Sink", "batched"]

Sink: TypeAlias = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]
"""A sink step: uows in, the same uows (adorned) or their faults out, in the same order."""

Describe = Callable[[BatchOutcome[JsonObject]], tuple[JsonObject, JsonObject]]


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
    measure = size_of or _json_size

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
            if result.failed:
                out.append(
                    Fault(
                        uows=(adorned,),
                        name=result.error_code or "EntryFailed",
                        message=result.error_message or "the service did not accept the entry",
                        retryable=result.retryable,
                        subject=adorned,
                    )
                )
            else:
                out.append(adorned)
        return out

    def sink(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return (
            stream.map(prepare)
            .batch_by_size(batch_size, max_bytes, size)
            .map_async(send_batch, parallel=parallel)
            .flat_map(_members)
        )

    return sink


def _members(items: Iterable[UnitOfWork | Fault]) -> Iterable[UnitOfWork | Fault]:
    return items


def _json_size(entry: JsonObject) -> int:
    return len(dumps(entry).encode("utf-8"))
