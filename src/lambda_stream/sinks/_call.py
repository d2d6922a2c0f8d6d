"""What every one-call-per-uow step does: read the request, call, keep the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from returns.result import Failure, Result, Success

from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.stream import Stream

__all__ = ["Check", "call_each"]

Check = Callable[[JsonObject, JsonObject], Exception | None]
"""Looks at a request and its answer; an error when the answer is a failure of the uow."""


def call_each(
    *,
    request: Key[JsonObject],
    response: Key[JsonObject],
    call: Callable[[JsonObject], Awaitable[JsonObject]],
    parallel: int,
    check: Check | None = None,
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """A step calling `call` with each uow's `request` and keeping the answer as `response`.

    A uow without a request passes through untouched, in place; uows keep their order, at
    most `parallel` calls are in flight. A call that raises is a fault of its uow, retryable
    when the error is (throttling, 5xx, a timeout that outlived the SDK's retries); an answer
    `check` rejects is a fault of the uow carrying the answer, not retryable.
    """

    async def one(uow: UnitOfWork) -> Result[UnitOfWork, Exception | Fault]:
        sent = uow.get(request)
        if sent is None:
            return Success(uow)
        answer = await call(sent)
        adorned = uow.set(response, answer)
        error = check(sent, answer) if check is not None else None
        if error is not None:
            return Failure(Fault.of(error, adorned, retryable=False))
        return Success(adorned)

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.bind_async(one, parallel=parallel)

    return step
