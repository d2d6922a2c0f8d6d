"""Kinesis: put records on a stream, retrying the records that failed; read a stream's shards.

Writing (`KinesisPort`) and reading (`KinesisReaderPort`) are separate ports: a pipeline only
writes, the local event-source mapping only reads, and a test double needs only its half.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_in_order
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.connectors._wire import api_object
from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard, shard_from
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient
    from mypy_boto3_kinesis.type_defs import PutRecordsRequestEntryTypeDef

__all__ = [
    "MAX_GET_RECORDS",
    "MAX_RECORDS",
    "MAX_RECORD_BYTES",
    "MAX_REQUEST_BYTES",
    "KinesisConnector",
    "KinesisPort",
    "KinesisReaderPort",
    "results_of",
]

MAX_RECORDS: Final = 500
"""PutRecords takes at most 500 records."""
MAX_REQUEST_BYTES: Final = 5 * 1024 * 1024
"""A PutRecords request carries at most 5 MiB of data and partition keys."""
MAX_RECORD_BYTES: Final = 1024 * 1024
"""One record carries at most 1 MiB of data and partition key."""
MAX_GET_RECORDS: Final = 10_000
"""GetRecords returns at most 10,000 records a call."""

Record = JsonObject
"""A PutRecords entry: ``Data`` (bytes), ``PartitionKey``, optionally ``ExplicitHashKey``."""


class KinesisPort(Protocol):
    """Puts records on a stream."""

    async def put_records(
        self, records: Sequence[Record], *, stream_name: str
    ) -> BatchOutcome[Record]:
        """Put up to 500 records; one result per record, failed ones retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class KinesisReaderPort(Protocol):
    """Reads a stream: its shards, an iterator into one, and pages of records.

    Records come in the API's JSON: ``SequenceNumber``, ``PartitionKey``, ``Data`` as base64
    text, ``ApproximateArrivalTimestamp`` in epoch seconds. A call that fails raises (after the
    SDK's own retries).
    """

    async def list_shards(self, *, stream_name: str) -> tuple[Shard, ...]:
        """Every shard of the stream, following the listing's pages."""
        ...

    async def get_shard_iterator(
        self,
        *,
        stream_name: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """An iterator into `shard_id`; `sequence_number` for the ``*_SEQUENCE_NUMBER`` types."""
        ...

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """The next records at `iterator` (at most `limit`), and where to read next."""
        ...


class KinesisConnector:
    """`KinesisPort` and `KinesisReaderPort` over a boto3 client, on the pool of `connections`."""

    def __init__(
        self, connections: Connections | None = None, *, client: KinesisClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: KinesisClient = client or self.connections.session.client(
            "kinesis",
            config=self.connections.config("kinesis"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def put_records(
        self, records: Sequence[Record], *, stream_name: str
    ) -> BatchOutcome[Record]:
        """Put the records on `stream_name` (see `KinesisPort.put_records`)."""
        options = self.connections.options

        async def send(batch: list[Record]) -> JsonObject:
            request = [_entry(record) for record in batch]
            call = partial(self.client.put_records, StreamName=stream_name, Records=request)
            return frozen_response(await self.connections.run(call))

        return await send_with_retries(
            records,
            send,
            results_of,
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )

    async def list_shards(self, *, stream_name: str) -> tuple[Shard, ...]:
        """ListShards, every page (see `KinesisReaderPort.list_shards`)."""
        shards: list[Shard] = []
        call = partial(self.client.list_shards, StreamName=stream_name)
        while True:
            response = await self.connections.run(call)
            shards.extend(shard_from(shard) for shard in response.get("Shards", []))
            token = response.get("NextToken")
            if not token:
                return tuple(shards)
            # A request with a NextToken must not name the stream.
            call = partial(self.client.list_shards, NextToken=token)

    async def get_shard_iterator(
        self,
        *,
        stream_name: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """GetShardIterator (see `KinesisReaderPort.get_shard_iterator`).

        The stream is named by ``StreamName``: moto answers a request naming only the
        ``StreamARN`` with an iterator that GetRecords then rejects.

        Raises:
            ValueError: a ``*_SEQUENCE_NUMBER`` type without a sequence number.
        """
        call = partial(
            self.client.get_shard_iterator,
            StreamName=stream_name,
            ShardId=shard_id,
            ShardIteratorType=iterator_type,
        )
        if iterator_type.endswith("SEQUENCE_NUMBER"):
            if sequence_number is None:
                raise ValueError(f"{iterator_type} needs a sequence number")
            call = partial(call, StartingSequenceNumber=sequence_number)
        return (await self.connections.run(call))["ShardIterator"]

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """GetRecords (see `KinesisReaderPort.get_records`)."""
        call = partial(self.client.get_records, ShardIterator=iterator)
        if limit is not None:
            call = partial(call, Limit=min(limit, MAX_GET_RECORDS))
        response = await self.connections.run(call)
        return RecordsPage(
            records=tuple(api_object(record) for record in response.get("Records", [])),
            # Absent once a closed shard has been read to its end (the stubs say always there).
            next_iterator=response.get("NextShardIterator") or None,
            millis_behind_latest=response.get("MillisBehindLatest"),
        )


def results_of(response: JsonObject, count: int) -> list[EntryResult]:
    """The per-record results of a PutRecords response (its ``Records`` follow the request)."""
    return results_in_order(response, count, entries="Records", failed="FailedRecordCount")


def _entry(record: Record) -> PutRecordsRequestEntryTypeDef:
    entry: PutRecordsRequestEntryTypeDef = {
        "Data": _data(record),
        "PartitionKey": record.get_str("PartitionKey") or "",
    }
    hash_key = record.get_str("ExplicitHashKey")
    if hash_key is not None:
        entry["ExplicitHashKey"] = hash_key
    return entry


def _data(record: Record) -> bytes:
    data = record.get("Data")
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    raise TypeError(f"a record's Data must be bytes or text, got {type(data).__name__}")
