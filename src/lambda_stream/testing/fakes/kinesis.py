"""An in-memory Kinesis port."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.kinesis import (
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REQUEST_BYTES,
    results_of,
)
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, no_wait

__all__ = ["InMemoryKinesis"]


class InMemoryKinesis:
    """A `KinesisPort` that keeps the records put on its streams, and can refuse records.

    It checks Kinesis's limits (500 records, 5 MiB a request, 1 MiB a record) as the service
    does. `refuse(record, attempt)` returns an error code to fail a record on that attempt (0
    first), None to accept it; refused records are retried as the real connector retries them.

    >>> import asyncio
    >>> kinesis = InMemoryKinesis()
    >>> record = JsonObject({"Data": b'{"id": "1"}', "PartitionKey": "p"})
    >>> outcome = asyncio.run(kinesis.put_records([record], stream_name="s"))
    >>> outcome.failed_count, kinesis.streams, kinesis.events
    (0, ['s'], [{'id': '1'}])
    """

    def __init__(self, *, refuse: Refuse | None = None, max_retries: int = 8) -> None:
        self.records: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.streams: list[str] = []
        self.refuse = refuse
        self.max_retries = max_retries

    @property
    def events(self) -> list[object]:
        """The data of the accepted records, parsed."""
        return [json.loads(_data(record)) for record in self.records]

    async def put_records(
        self, records: Sequence[JsonObject], *, stream_name: str
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each record; refused ones are retried without waiting.

        Raises:
            ValueError: the request breaks a limit Kinesis enforces.
        """
        _check(records)
        attempts = Attempts(self.refuse)

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            self.streams.append(stream_name)
            answers: list[dict[str, str]] = []
            for record in batch:
                code = attempts.refusal(record)
                if code:
                    answers.append({"ErrorCode": code, "ErrorMessage": f"{code} (fake)"})
                else:
                    self.records.append(record)
                    shard = "shardId-000000000000"
                    answers.append({"SequenceNumber": str(len(self.records)), "ShardId": shard})
            failed = sum("ErrorCode" in answer for answer in answers)
            return JsonObject({"FailedRecordCount": failed, "Records": answers})

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
        raise ValueError(f"PutRecords takes at most {MAX_RECORDS} records, got {len(records)}")
    sizes = [len(_data(r)) + len((r.get_str("PartitionKey") or "").encode()) for r in records]
    if any(size > MAX_RECORD_BYTES for size in sizes) or sum(sizes) > MAX_REQUEST_BYTES:
        raise ValueError(f"PutRecords over the size limits: {sizes}")
    if any(not 1 <= len(r.get_str("PartitionKey") or "") <= 256 for r in records):
        raise ValueError("a PartitionKey must have 1 to 256 characters")
