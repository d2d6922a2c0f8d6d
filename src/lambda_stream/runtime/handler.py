"""The Lambda edge: run one batch in a fresh event loop and answer Lambda."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from lambda_stream.core.context import LambdaContext
from lambda_stream.core.errors import InvocationError
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.faults.publisher import FaultPublisher
from lambda_stream.faults.tail import FaultTail
from lambda_stream.runtime.collector import batch_gc
from lambda_stream.runtime.loop import run_fresh
from lambda_stream.runtime.response import (
    LambdaResponse,
    PartialBatchResponse,
    Redelivery,
    failed_items,
)
from lambda_stream.stream import Stream

__all__ = [
    "Invocation",
    "InvocationError",
    "LambdaResponse",
    "RetryableFailure",
    "invoke",
    "invoke_async",
    "observing",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Invocation:
    """What one batch came to.

    Attributes:
        uows: everything the pipelines let out, in the order it came.
        faults: every fault, one per uow (published or to be retried).
        fault_events: the fault events published.
        held: faults not published because their records will be delivered again (the retry
            meets them again); every fault when the whole batch fails.
        retry: identifiers of the records whose work failed retryably.
        response: what the handler returns to Lambda.
    """

    uows: tuple[UnitOfWork, ...]
    faults: tuple[Fault, ...]
    fault_events: tuple[Event, ...]
    held: tuple[Fault, ...]
    retry: tuple[str, ...]
    response: LambdaResponse

    def by_pipeline(self) -> dict[str, list[UnitOfWork]]:
        """The output uows grouped by pipeline id."""
        groups: defaultdict[str, list[UnitOfWork]] = defaultdict(list)
        for uow in self.uows:
            groups[uow.pipeline or "-"].append(uow)
        return dict(groups)


_OBSERVER: ContextVar[Callable[[Invocation], None] | None] = ContextVar(
    "lambda_stream_invocation_observer", default=None
)


@contextmanager
def observing(observer: Callable[[Invocation], None]) -> Iterator[None]:
    """Within the block, hand every invocation to `observer` (even one that then raises).

    This is how the command-line tool shows what a handler's pipelines did: a handler returns
    only the Lambda response.
    """
    token = _OBSERVER.set(observer)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


class RetryableFailure(InvocationError):
    """Records failed retryably and the answer cannot name them (no partial batch response)."""

    def __init__(self, message: str, invocation: Invocation) -> None:
        super().__init__(message)
        self.invocation = invocation


async def invoke_async(
    assembled: Stream[UnitOfWork],
    *,
    options: Options,
    publisher: FaultPublisher | None,
    context: LambdaContext | None = None,
    redelivers: bool = True,
) -> Invocation:
    """Drain `assembled`, publish its fault events, and work out the response.

    Fault events are published once the whole batch has drained, except those of records that
    Lambda will deliver again (see `Redelivery`): the retry meets those faults again.

    Args:
        assembled: the pipelines' merged output (`Pipelines.assemble`).
        options: the function's options.
        publisher: where fault events go.
        context: the Lambda context.
        redelivers: whether the source delivers failed records again. A Firehose
            transformation does not: its failed records are answered ``ProcessingFailed``, so
            the invocation answers instead of raising and every fault event is published.

    Raises:
        FaultPublishError: fault events could not be published (the batch must be retried).
        RetryableFailure: records failed retryably and partial batch responses are off.
    """
    tail = FaultTail(options)
    uows: list[UnitOfWork] = []
    with batch_gc():
        async for chunk in assembled._chunks():  # a chunk at a time: one resumption per chunk
            for item in chunk:
                if isinstance(item, Fault):
                    tail.add(item)
                else:
                    uows.append(item)
    retryable = tail.retryable
    retry, unidentified = failed_items(retryable)
    whole_batch = (
        redelivers and bool(retryable) and (not options.partial_batch_response or unidentified > 0)
    )
    redelivery = Redelivery(
        (uow.record for fault in retryable for uow in fault.uows), everything=whole_batch
    )
    held = tuple(
        fault
        for fault in tail.faults
        if redelivers
        and retryable
        and not fault.retryable
        and any(redelivery.covers(uow.record) for uow in fault.uows)
    )
    held_ids = {id(fault) for fault in held}
    fault_events = await tail.flush(publisher, hold=lambda fault: id(fault) in held_ids)
    response: LambdaResponse = None
    if options.partial_batch_response:
        response = PartialBatchResponse(
            batchItemFailures=[{"itemIdentifier": identifier} for identifier in retry]
        )
    invocation = Invocation(
        uows=tuple(uows),
        faults=tail.faults,
        fault_events=fault_events,
        held=held,
        retry=tuple(retry),
        response=response,
    )
    observer = _OBSERVER.get()
    if observer is not None:
        observer(invocation)
    if whole_batch:
        first = retryable[0]
        raise RetryableFailure(
            f"{len(retryable)} uow(s) failed retryably, first: {first.name}: {first.message}"
            + (
                f"; {unidentified} record(s) have no item identifier"
                if options.partial_batch_response
                else "; turn on partial batch responses to retry only their records"
            ),
            invocation,
        )
    return invocation


def invoke(
    assembled: Stream[UnitOfWork],
    *,
    options: Options,
    publisher: FaultPublisher | None,
    context: LambdaContext | None = None,
    redelivers: bool = True,
) -> Invocation:
    """`invoke_async` on a fresh event loop, closed afterwards.

    A new loop per invocation is safe across Lambda's freeze and thaw of the process.

    Raises:
        RuntimeError: called from inside a running event loop (use `invoke_async` there).
    """
    return run_fresh(
        invoke_async(
            assembled,
            options=options,
            publisher=publisher,
            context=context,
            redelivers=redelivers,
        ),
        instead="invoke_async()",
    )
