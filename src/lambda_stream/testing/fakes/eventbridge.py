"""An in-memory EventBridge port."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, answers_in_order, no_wait

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
        refuse: Refuse | None = None,
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
        attempts = Attempts(self.refuse)

        def accept(entry: JsonObject) -> dict[str, str]:
            self.entries.append(entry)
            return {"EventId": f"fake-{len(self.entries)}"}

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            answers, failed = answers_in_order(batch, attempts, accept)
            return JsonObject({"FailedEntryCount": failed, "Entries": answers})

        return await send_with_retries(
            entries, send, results_of, max_retries=self.max_retries, retry_wait_ms=1, sleep=no_wait
        )
