"""The Lambda edge: run one batch in a fresh event loop and answer Lambda."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

from lambda_stream.core.context import LambdaContext
from lambda_stream.core.errors import InvocationError
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.faults.publisher import FaultPublisher
from lambda_stream.faults.tail import FaultTail
from lambda_stream.runtime.response import LambdaResponse, PartialBatchResponse, failed_items
from lambda_stream.stream import Stream

__all__ = [
    "Invocation",
    "InvocationError",
    "LambdaResponse",
    "RetryableFailure",
    "invoke",
    "invoke_async",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Invocation:
    """What one batch came to.

    Attributes:
        uows: everything the pipelines let out, in the order it came.
        faults: every fault, one per uow (published or to be retried).
        fault_events: the fault events published.
        retry: identifiers of the records to be delivered again (their work failed retryably).
        response: what the handler returns to Lambda.
    """

    uows: tuple[UnitOfWork, ...]
    faults: tuple[Fault, ...]
    fault_events: tuple[Event, ...]
    retry: tuple[str, ...]
    response: LambdaResponse

    def by_pipeline(self) -> dict[str, list[UnitOfWork]]:
        """The output uows grouped by pipeline id."""
        groups: defaultdict[str, list[UnitOfWork]] = defaultdict(list)
        for uow in self.uows:
            groups[uow.pipeline or "-"].append(uow)
        return dict(groups)


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
) -> Invocation:
    """Drain `assembled`, publish its fault events, and work out the response.

    Raises:
        FaultPublishError: fault events could not be published (the batch must be retried).
        RetryableFailure: records failed retryably and partial batch responses are off.
    """
    tail = FaultTail(options)
    uows: list[UnitOfWork] = []
    async for item in assembled:
        if isinstance(item, Fault):
            tail.add(item)
        else:
            uows.append(item)
    fault_events = await tail.flush(publisher)
    retryable = tail.retryable
    retry, unidentified = failed_items(retryable)
    response: LambdaResponse = None
    if options.partial_batch_response:
        response = PartialBatchResponse(
            batchItemFailures=[{"itemIdentifier": identifier} for identifier in retry]
        )
    invocation = Invocation(
        uows=tuple(uows),
        faults=tail.faults,
        fault_events=fault_events,
        retry=tuple(retry),
        response=response,
    )
    if retryable and (not options.partial_batch_response or unidentified):
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
) -> Invocation:
    """`invoke_async` on a fresh event loop, closed afterwards.

    A new loop per invocation is safe across Lambda's freeze and thaw of the process.

    Raises:
        RuntimeError: called from inside a running event loop (use `invoke_async` there).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "invoke() runs its own event loop; from async code await invoke_async() instead"
        )
    return asyncio.run(
        invoke_async(assembled, options=options, publisher=publisher, context=context)
    )
