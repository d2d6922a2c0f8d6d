"""In-memory fakes of the connector ports, for tests of pipelines and sources."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.connectors.s3 import S3Object
from lambda_stream.core.json import JsonObject

__all__ = ["InMemoryEventBridge", "InMemoryS3", "NoSuchKey"]


class NoSuchKey(KeyError):
    """The fake S3 holds no such object (S3 answers ``NoSuchKey``)."""


class InMemoryS3:
    """An `S3Port` over a dict: objects are put by the test, read by the code under test.

    >>> s3 = InMemoryS3()
    >>> s3.put("bucket", "key", b'{"id": "1"}')
    >>> s3.calls
    []
    """

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], S3Object] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []

    def put(
        self, bucket: str, key: str, body: bytes | str, content_type: str = "application/json"
    ) -> None:
        """Store an object (not recorded as a call)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        response = JsonObject({"ContentType": content_type})
        self.objects[(bucket, key)] = S3Object(body=data, response=response)

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        """The stored object; `NoSuchKey` when there is none."""
        self.calls.append(("get_object", {"Bucket": Bucket, "Key": Key}))
        try:
            return self.objects[(Bucket, Key)]
        except KeyError:
            raise NoSuchKey(f"s3://{Bucket}/{Key}") from None


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
