"""An in-memory Firehose port."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.firehose import (
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REQUEST_BYTES,
    results_of,
)
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, answers_in_order, no_wait

__all__ = ["InMemoryFirehose"]


class InMemoryFirehose:
    r"""A `FirehosePort` that keeps the records put on its delivery streams, and can refuse some.

    It checks Firehose's limits (500 records, 4 MiB a request, 1,000 KiB a record) as the service
    does. `refuse(record, attempt)` returns an error code to fail a record on that attempt (0
    first), None to accept it; refused records are retried as the real connector retries them.

    >>> import asyncio
    >>> firehose = InMemoryFirehose()
    >>> records = [JsonObject({"Data": b'{"id":"1"}\n'}), JsonObject({"Data": b'{"id":"2"}\n'})]
    >>> outcome = asyncio.run(firehose.put_record_batch(records, delivery_stream_name="lake"))
    >>> outcome.failed_count, firehose.streams, firehose.events
    (0, ['lake'], [{'id': '1'}, {'id': '2'}])
    """

    def __init__(self, *, refuse: Refuse | None = None, max_retries: int = 8) -> None:
        self.records: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.streams: list[str] = []
        self.refuse = refuse
        self.max_retries = max_retries

    @property
    def data(self) -> bytes:
        """What the delivery streams would write: the accepted records' data, concatenated."""
        return b"".join(_data(record) for record in self.records)

    @property
    def events(self) -> list[object]:
        """The lines of `data`, parsed."""
        return [json.loads(line) for line in self.data.splitlines() if line.strip()]

    async def put_record_batch(
        self, records: Sequence[JsonObject], *, delivery_stream_name: str
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each record; refused ones are retried without waiting.

        Raises:
            ValueError: the request breaks a limit Firehose enforces.
        """
        _check(records)
        attempts = Attempts(self.refuse)

        def accept(record: JsonObject) -> dict[str, str]:
            self.records.append(record)
            return {"RecordId": f"fake-{len(self.records)}"}

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            self.streams.append(delivery_stream_name)
            answers, failed = answers_in_order(batch, attempts, accept)
            return JsonObject(
                {"FailedPutCount": failed, "Encrypted": False, "RequestResponses": answers}
            )

        return await send_with_retries(
            records, send, results_of, max_retries=self.max_retries, retry_wait_ms=1, sleep=no_wait
        )


def _data(record: JsonObject) -> bytes:
    data = record.get("Data")
    if isinstance(data, str):
        return data.encode("utf-8")
    return data if isinstance(data, bytes) else b""


def _check(records: Sequence[JsonObject]) -> None:
    if len(records) > MAX_RECORDS:
        raise ValueError(f"PutRecordBatch takes at most {MAX_RECORDS} records, got {len(records)}")
    sizes = [len(_data(record)) for record in records]
    if any(size > MAX_RECORD_BYTES for size in sizes) or sum(sizes) > MAX_REQUEST_BYTES:
        raise ValueError(f"PutRecordBatch over the size limits: {sizes}")
