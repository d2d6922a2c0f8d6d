"""An in-memory Kinesis port: records put on streams, routed to shards, and read back."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from typing import Final

from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.kinesis import (
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REQUEST_BYTES,
    results_of,
)
from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.fakes._refusals import (
    Attempts,
    Refuse,
    ServiceError,
    answers_in_order,
    no_wait,
)
from lambda_stream.testing.fakes._shards import ShardStore, parse

__all__ = ["InMemoryKinesis"]

_HASH_KEYS: Final = 2**128
"""Partition keys hash (MD5) into 128-bit keys, split evenly among a stream's first shards."""


class InMemoryKinesis:
    """A `KinesisPort` and `KinesisReaderPort` that keeps the records put on its streams.

    It checks Kinesis's limits (500 records, 5 MiB a request, 1 MiB a record) as the service
    does. `refuse(record, attempt)` returns an error code to fail a record on that attempt (0
    first), None to accept it; refused records are retried as the real connector retries them.

    A stream appears with `shard_count` shards when first written (or `create_stream`); each
    record goes to the shard whose hash-key range holds the MD5 of its partition key, with
    sequence numbers ``"1"``, ``"2"``, ... per stream (as moto numbers them: compare them as
    integers). `split_shard` closes a shard and opens two children. `fail(operation)` returns
    an exception to raise for a read (``"list_shards"``, ``"get_shard_iterator"``,
    ``"get_records"``), or None.

    >>> import asyncio
    >>> kinesis = InMemoryKinesis()
    >>> record = JsonObject({"Data": b'{"id": "1"}', "PartitionKey": "p"})
    >>> outcome = asyncio.run(kinesis.put_records([record], stream_name="s"))
    >>> outcome.failed_count, kinesis.streams, kinesis.events
    (0, ['s'], [{'id': '1'}])
    """

    def __init__(
        self,
        *,
        refuse: Refuse | None = None,
        max_retries: int = 8,
        shard_count: int = 1,
        fail: Callable[[str], BaseException | None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.records: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.streams: list[str] = []
        self.refuse = refuse
        self.max_retries = max_retries
        self.shard_count = shard_count
        self.fail = fail
        self.clock = clock
        self._stores: dict[str, ShardStore] = {}
        self._ranges: dict[tuple[str, str], tuple[int, int]] = {}
        self._counters: dict[str, int] = {}

    @property
    def events(self) -> list[object]:
        """The data of the accepted records, parsed."""
        return [json.loads(_data(record)) for record in self.records]

    def create_stream(self, stream_name: str, shard_count: int | None = None) -> None:
        """Open `stream_name` with `shard_count` shards (the fake's default when None)."""
        count = shard_count or self.shard_count
        store = self._stores[stream_name] = ShardStore(stream_name, _sequence)
        self._counters[stream_name] = 0
        width = _HASH_KEYS // count
        for index in range(count):
            high = _HASH_KEYS - 1 if index == count - 1 else (index + 1) * width - 1
            self._open(store, Shard(shard_id=_shard_id(index)), index * width, high)

    def split_shard(self, stream_name: str, shard_id: str) -> tuple[Shard, Shard]:
        """Close `shard_id` and open two children sharing its hash-key range; the children."""
        store = self._store(stream_name)
        store.close(shard_id, str(self._counters[stream_name]))
        low, high = self._ranges[(stream_name, shard_id)]
        middle = (low + high) // 2
        first = len(store.shards())
        children = (
            Shard(shard_id=_shard_id(first), parent_shard_id=shard_id),
            Shard(shard_id=_shard_id(first + 1), parent_shard_id=shard_id),
        )
        self._open(store, children[0], low, middle)
        self._open(store, children[1], middle + 1, high)
        return children

    async def put_records(
        self, records: Sequence[JsonObject], *, stream_name: str
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each record; refused ones are retried without waiting.

        Raises:
            ValueError: the request breaks a limit Kinesis enforces.
        """
        _check(records)
        attempts = Attempts(self.refuse)

        def accept(record: JsonObject) -> dict[str, str]:
            self.records.append(record)
            return self._store_record(stream_name, record)

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            self.streams.append(stream_name)
            answers, failed = answers_in_order(batch, attempts, accept)
            return JsonObject({"FailedRecordCount": failed, "Records": answers})

        return await send_with_retries(
            records, send, results_of, max_retries=self.max_retries, retry_wait_ms=1, sleep=no_wait
        )

    async def list_shards(self, *, stream_name: str) -> tuple[Shard, ...]:
        """Every shard of the stream, in the order they were opened."""
        self._called("list_shards")
        return self._store(stream_name).shards()

    async def get_shard_iterator(
        self,
        *,
        stream_name: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """An iterator into `shard_id` of the stream."""
        self._called("get_shard_iterator")
        return self._store(stream_name).iterator(shard_id, iterator_type, sequence_number)

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """The records at `iterator`, at most `limit` (no next iterator at a closed end)."""
        self._called("get_records")
        return self._store(parse(iterator)[0]).read(iterator, limit)

    def _store_record(self, stream_name: str, record: JsonObject) -> dict[str, str]:
        if stream_name not in self._stores:
            self.create_stream(stream_name)
        partition_key = record.get_str("PartitionKey") or ""
        given = record.get_str("ExplicitHashKey")
        key = int(given) if given else int(hashlib.md5(partition_key.encode()).hexdigest(), 16)
        shard_id = next(
            shard.shard_id
            for shard in self._stores[stream_name].shards()
            if not shard.closed and _within(self._ranges[(stream_name, shard.shard_id)], key)
        )
        self._counters[stream_name] += 1
        sequence = str(self._counters[stream_name])
        stored: dict[str, JsonValue] = {
            "SequenceNumber": sequence,
            "ApproximateArrivalTimestamp": round(self.clock(), 3),
            "Data": base64.b64encode(_data(record)).decode("ascii"),
            "PartitionKey": partition_key,
        }
        self._stores[stream_name].append(shard_id, JsonObject(stored))
        return {"SequenceNumber": sequence, "ShardId": shard_id}

    def _open(self, store: ShardStore, shard: Shard, low: int, high: int) -> None:
        store.add(shard)
        self._ranges[(store.name, shard.shard_id)] = (low, high)

    def _store(self, stream_name: str) -> ShardStore:
        store = self._stores.get(stream_name)
        if store is None:
            raise ServiceError("ResourceNotFoundException", f"Stream {stream_name} not found")
        return store

    def _called(self, operation: str) -> None:
        error = self.fail(operation) if self.fail else None
        if error is not None:
            raise error


def _shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


def _within(bounds: tuple[int, int], key: int) -> bool:
    return bounds[0] <= key <= bounds[1]


def _sequence(record: JsonObject) -> str:
    return record.get_str("SequenceNumber") or "0"


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
