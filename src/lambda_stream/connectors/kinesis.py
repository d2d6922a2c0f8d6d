"""Kinesis: put records on a stream, retrying the records that failed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_in_order
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient
    from mypy_boto3_kinesis.type_defs import PutRecordsRequestEntryTypeDef

__all__ = [
    "MAX_RECORDS",
    "MAX_RECORD_BYTES",
    "MAX_REQUEST_BYTES",
    "KinesisConnector",
    "KinesisPort",
    "results_of",
]

MAX_RECORDS: Final = 500
"""PutRecords takes at most 500 records."""
MAX_REQUEST_BYTES: Final = 5 * 1024 * 1024
"""A PutRecords request carries at most 5 MiB of data and partition keys."""
MAX_RECORD_BYTES: Final = 1024 * 1024
"""One record carries at most 1 MiB of data and partition key."""

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


class KinesisConnector:
    """`KinesisPort` over a boto3 client, on the shared thread pool of `connections`."""

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
