"""Firehose: put records on a delivery stream, retrying the records that failed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_in_order
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_firehose import FirehoseClient
    from mypy_boto3_firehose.type_defs import RecordTypeDef

__all__ = [
    "MAX_RECORDS",
    "MAX_RECORD_BYTES",
    "MAX_REQUEST_BYTES",
    "FirehoseConnector",
    "FirehosePort",
    "results_of",
]

MAX_RECORDS: Final = 500
"""PutRecordBatch takes at most 500 records."""
MAX_REQUEST_BYTES: Final = 4 * 1024 * 1024
"""A PutRecordBatch request carries at most 4 MiB of data."""
MAX_RECORD_BYTES: Final = 1_000 * 1024
"""One record carries at most 1,000 KiB of data (before base64 encoding)."""

Record = JsonObject
"""A PutRecordBatch entry: ``Data`` (bytes)."""


class FirehosePort(Protocol):
    """Puts records on a delivery stream."""

    async def put_record_batch(
        self, records: Sequence[Record], *, delivery_stream_name: str
    ) -> BatchOutcome[Record]:
        """Put up to 500 records; one result per record, failed ones retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class FirehoseConnector:
    """`FirehosePort` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self, connections: Connections | None = None, *, client: FirehoseClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: FirehoseClient = client or self.connections.session.client(
            "firehose",
            config=self.connections.config("firehose"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def put_record_batch(
        self, records: Sequence[Record], *, delivery_stream_name: str
    ) -> BatchOutcome[Record]:
        """Put the records on `delivery_stream_name` (see `FirehosePort.put_record_batch`)."""
        options = self.connections.options

        async def send(batch: list[Record]) -> JsonObject:
            request: list[RecordTypeDef] = [{"Data": _data(record)} for record in batch]
            call = partial(
                self.client.put_record_batch,
                DeliveryStreamName=delivery_stream_name,
                Records=request,
            )
            return frozen_response(await self.connections.run(call))

        return await send_with_retries(
            records,
            send,
            results_of,
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )


def results_of(response: JsonObject, count: int) -> list[EntryResult]:
    """The per-record results of a PutRecordBatch response (``RequestResponses``, in order)."""
    return results_in_order(response, count, entries="RequestResponses", failed="FailedPutCount")


def _data(record: Record) -> bytes:
    data = record.get("Data")
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    raise TypeError(f"a record's Data must be bytes or text, got {type(data).__name__}")
