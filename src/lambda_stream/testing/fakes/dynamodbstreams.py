"""An in-memory DynamoDB Streams port."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Final

from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard
from lambda_stream.core.json import JsonObject, JsonValue, _adopt_object
from lambda_stream.testing.fakes._refusals import ServiceError
from lambda_stream.testing.fakes._shards import ShardStore, parse
from lambda_stream.utils.dynamodb import marshall

__all__ = ["InMemoryDynamoDBStreams"]

# DynamoDB's sequence numbers are 21 to 40 digits; these start like moto's.
_FIRST_SEQUENCE: Final = 11 * 10**20


class InMemoryDynamoDBStreams:
    """A `DynamoDBStreamsPort` over streams held in memory, written to by the test.

    `create_stream` opens a stream with one shard, `put_change` appends the record DynamoDB
    would write for a change (images given as plain items), and `rotate` closes the open shard
    and opens its child, as DynamoDB does every few hours. `fail(operation)` returns an
    exception to raise for a call (``"describe_stream"``, ``"get_shard_iterator"``,
    ``"get_records"``), or None; every call is recorded in `calls`.

    >>> import asyncio
    >>> streams = InMemoryDynamoDBStreams()
    >>> arn = streams.create_stream("things")
    >>> _ = streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1", "n": 1})
    >>> shard = asyncio.run(streams.describe_stream(arn))[0].shard_id
    >>> start = asyncio.run(
    ...     streams.get_shard_iterator(stream_arn=arn, shard_id=shard, iterator_type="TRIM_HORIZON")
    ... )
    >>> [r["eventName"] for r in asyncio.run(streams.get_records(start)).records]
    ['INSERT']
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account: str = "123456789012",
        fail: Callable[[str], BaseException | None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.region = region
        self.account = account
        self.fail = fail
        self.clock = clock
        self.calls: list[str] = []
        self._streams: dict[str, ShardStore] = {}
        self._open: dict[str, str] = {}  # stream ARN -> its open shard
        self._counter = 0

    def create_stream(self, table: str, *, label: str = "2026-01-01T00:00:00.000") -> str:
        """Open a stream on `table` with one shard; its ARN."""
        arn = f"arn:aws:dynamodb:{self.region}:{self.account}:table/{table}/stream/{label}"
        self._streams[arn] = ShardStore(arn, _sequence)
        self._open_shard(arn, parent=None)
        return arn

    def put_change(
        self,
        stream_arn: str,
        *,
        keys: Mapping[str, JsonValue],
        new_image: Mapping[str, JsonValue] | None = None,
        old_image: Mapping[str, JsonValue] | None = None,
    ) -> JsonObject:
        """Append the record of a change (INSERT without an old image, REMOVE without a new one)."""
        self._counter += 1
        change: dict[str, object] = {
            "ApproximateCreationDateTime": round(self.clock(), 3),
            "Keys": marshall(keys),
        }
        if new_image is not None:
            change["NewImage"] = marshall(new_image)
        if old_image is not None:
            change["OldImage"] = marshall(old_image)
        change["SequenceNumber"] = str(_FIRST_SEQUENCE + self._counter)
        change["SizeBytes"] = len(json.dumps(change, default=str))
        change["StreamViewType"] = "NEW_AND_OLD_IMAGES"
        name = "INSERT" if old_image is None else "REMOVE" if new_image is None else "MODIFY"
        # A fresh dict no one else holds: adopted as it is, like a decoded answer.
        record = _adopt_object(
            {
                "eventID": uuid.uuid4().hex,
                "eventName": name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": self.region,
                "dynamodb": change,
            }
        )
        self._store(stream_arn).append(self._open[stream_arn], record)
        return record

    def rotate(self, stream_arn: str) -> Shard:
        """Close the open shard of the stream and open its child; the child."""
        store = self._store(stream_arn)
        parent = self._open[stream_arn]
        store.close(parent, str(_FIRST_SEQUENCE + self._counter))
        return self._open_shard(stream_arn, parent=parent)

    async def describe_stream(self, stream_arn: str) -> tuple[Shard, ...]:
        """Every shard of the stream, in the order they were opened."""
        self._called("describe_stream")
        return self._store(stream_arn).shards()

    async def get_shard_iterator(
        self,
        *,
        stream_arn: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """An iterator into `shard_id` of the stream."""
        self._called("get_shard_iterator")
        return self._store(stream_arn).iterator(shard_id, iterator_type, sequence_number)

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """The records at `iterator`, at most `limit` (no next iterator at a closed end)."""
        self._called("get_records")
        return self._store(parse(iterator)[0]).read(iterator, limit)

    def _called(self, operation: str) -> None:
        self.calls.append(operation)
        error = self.fail(operation) if self.fail else None
        if error is not None:
            raise error

    def _store(self, stream_arn: str) -> ShardStore:
        store = self._streams.get(stream_arn)
        if store is None:
            raise ServiceError("ResourceNotFoundException", f"no stream {stream_arn}")
        return store

    def _open_shard(self, stream_arn: str, *, parent: str | None) -> Shard:
        number = len(self._streams[stream_arn].shards()) + 1
        shard = Shard(
            shard_id=f"shardId-{number:020d}-{uuid.uuid4().hex[:8]}",
            parent_shard_id=parent,
            starting_sequence_number=str(_FIRST_SEQUENCE + self._counter + 1),
        )
        self._streams[stream_arn].add(shard)
        self._open[stream_arn] = shard.shard_id
        return shard


def _sequence(record: JsonObject) -> str:
    return record.get_object("dynamodb").get_str("SequenceNumber") or "0"
