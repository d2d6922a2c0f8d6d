"""An in-memory EventBridge port."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.core.json import JsonObject

__all__ = ["InMemoryEventBridge"]


class InMemoryEventBridge:
    """An `EventBridgePort` that keeps what is put on the bus, and can refuse entries.

    `refuse(entry, attempt)` returns an error code to fail an entry on that attempt (0 first),
    None to accept it; refused entries are retried as the real connector retries them.

    >>> import asyncio
    >>> first_try = InMemoryEventBridge(refuse=lambda entry, n: None if n else "Throttling")
    >>> outcome = asyncio.run(first_try.put_events([JsonObject({"Detail": '{"id": "1"}'})]))
    >>> outcome.failed_count, len(first_try.calls), first_try.events
    (0, 2, [{'id': '1'}])
    """

    def __init__(
        self,
        *,
        refuse: Callable[[JsonObject, int], str | None] | None = None,
        max_retries: int = 8,
    ) -> None:
        self.entries: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.refuse = refuse
        self.max_retries = max_retries

    @property
    def events(self) -> list[dict[str, object]]:
        """The details of the accepted entries, parsed."""
        return [json.loads(entry.get_str("Detail") or "null") for entry in self.entries]

    async def put_events(
        self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each entry; refused ones are retried without waiting."""
        if len(entries) > 10:
            raise ValueError(f"PutEvents takes at most 10 entries, got {len(entries)}")
        attempts: dict[int, int] = {}

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            answers: list[dict[str, str]] = []
            for entry in batch:
                attempt = attempts.get(id(entry), 0)
                attempts[id(entry)] = attempt + 1
                code = self.refuse(entry, attempt) if self.refuse else None
                if code:
                    answers.append({"ErrorCode": code, "ErrorMessage": f"{code} (fake)"})
                else:
                    self.entries.append(entry)
                    answers.append({"EventId": f"fake-{len(self.entries)}"})
            failed = sum("ErrorCode" in answer for answer in answers)
            return JsonObject({"FailedEntryCount": failed, "Entries": answers})

        return await send_with_retries(
            entries, send, results_of, max_retries=self.max_retries, retry_wait_ms=1, sleep=_no_wait
        )


async def _no_wait(seconds: float) -> None:
    return None
