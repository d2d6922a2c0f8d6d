"""Batch calls that fail in part: retry only the failed entries, with backoff.

Batch APIs (PutEvents, PutRecords, SendMessageBatch, PutRecordBatch, PublishBatch,
BatchWriteItem) answer 200 while failing some entries. The entries that failed for a reason
worth retrying (throttling, an internal error) are sent again, alone, until they succeed or the
retries run out; an entry the service rejects for what it is (malformed, too large) is not
retried. The outcome keeps one result per entry, in the order of the entries, so every uow gets
the answer to its own request.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from lambda_stream.core.errors import THROTTLING_CODES, TRANSIENT_CODES
from lambda_stream.core.json import JsonObject

__all__ = ["BatchOutcome", "EntryResult", "backoff_ms", "send_with_retries"]

E = TypeVar("E")

RETRYABLE_ENTRY_CODES: Final = (
    THROTTLING_CODES
    | TRANSIENT_CODES
    | {
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServerError",
        "KMSThrottlingException",
    }
)
"""Entry-level error codes worth another try."""

_MAX_WAIT_MS: Final = 2_000


@dataclass(frozen=True, slots=True)
class EntryResult:
    """The service's answer to one entry: `entry` (its result entry) and whether it failed."""

    entry: JsonObject
    error_code: str | None = None
    error_message: str | None = None
    retryable: bool = False

    @property
    def failed(self) -> bool:
        """Whether the entry was not accepted."""
        return self.error_code is not None


@dataclass(frozen=True, slots=True)
class BatchOutcome(Generic[E]):
    """One result per entry, aligned with the entries, and every response received."""

    entries: tuple[E, ...]
    results: tuple[EntryResult, ...]
    responses: tuple[JsonObject, ...]

    @property
    def failed_count(self) -> int:
        """How many entries still failed after the retries."""
        return sum(result.failed for result in self.results)


def backoff_ms(attempt: int, base_ms: int, rng: random.Random | None = None) -> float:
    """The wait before retry number `attempt` (1, 2, ...): exponential with jitter, capped.

    The JS library adds only ``2**attempt`` milliseconds to its base; under real throttling that
    retries too fast to help.
    """
    ceiling = min(base_ms << (attempt - 1), _MAX_WAIT_MS)
    draw = rng.random() if rng is not None else random.random()
    return ceiling * (0.5 + 0.5 * draw)


async def send_with_retries(
    entries: Sequence[E],
    send: Callable[[list[E]], Awaitable[JsonObject]],
    results_of: Callable[[JsonObject, int], list[EntryResult]],
    *,
    max_retries: int,
    retry_wait_ms: int,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> BatchOutcome[E]:
    """Send `entries`, then resend the retryable failures alone, at most `max_retries` times.

    Args:
        entries: the request entries.
        send: one call with some entries; returns the response (raises on a failed call).
        results_of: the per-entry results of a response to `n` entries, in request order.
        max_retries: how many times failed entries are sent again.
        retry_wait_ms: the base of the backoff between attempts.
        sleep: how to wait (injectable for tests).
    """
    results: list[EntryResult | None] = [None] * len(entries)
    pending = list(range(len(entries)))
    responses: list[JsonObject] = []
    attempt = 0
    while pending:
        if attempt:
            await sleep(backoff_ms(attempt, retry_wait_ms) / 1000)
        response = await send([entries[index] for index in pending])
        responses.append(response)
        answered = results_of(response, len(pending))
        retry: list[int] = []
        for index, result in zip(pending, answered, strict=True):
            results[index] = result
            if result.failed and result.retryable and attempt < max_retries:
                retry.append(index)
        pending = retry
        attempt += 1
    return BatchOutcome(
        entries=tuple(entries),
        results=tuple(result for result in results if result is not None),
        responses=tuple(responses),
    )
