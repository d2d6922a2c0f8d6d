"""The two kinds of stream behind one interface: what the stream poller needs of each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from lambda_stream.connectors.dynamodbstreams import MAX_GET_RECORDS as MAX_DYNAMODB_RECORDS
from lambda_stream.connectors.dynamodbstreams import DynamoDBStreamsPort
from lambda_stream.connectors.kinesis import MAX_GET_RECORDS as MAX_KINESIS_RECORDS
from lambda_stream.connectors.kinesis import KinesisReaderPort
from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard
from lambda_stream.core.json import JsonObject
from lambda_stream.runtime.esm_records import dynamodb_record, kinesis_record
from lambda_stream.runtime.esm_source import EventSource

__all__ = ["DynamoDBShards", "KinesisShards", "ShardReader"]


class ShardReader(Protocol):
    """One stream behind the few calls a poller makes, and its records in Lambda's shape."""

    @property
    def kind(self) -> Literal["dynamodb", "kinesis"]:
        """Which service the stream belongs to."""
        ...

    @property
    def source(self) -> EventSource:
        """The stream."""
        ...

    async def shards(self) -> tuple[Shard, ...]:
        """Every shard of the stream."""
        ...

    async def iterator(
        self, shard_id: str, iterator_type: IteratorType, sequence_number: str | None
    ) -> str:
        """An iterator into a shard."""
        ...

    async def records(self, iterator: str, limit: int) -> RecordsPage:
        """A page of records."""
        ...

    def sequence(self, record: JsonObject) -> str:
        """A record's sequence number."""
        ...

    def arrival(self, record: JsonObject) -> float | None:
        """When a record reached the stream (epoch seconds), if it says."""
        ...

    def to_lambda(self, record: JsonObject, shard_id: str) -> dict[str, object]:
        """A record as Lambda hands it to the function (a new dict each call)."""
        ...


@dataclass(frozen=True, slots=True)
class DynamoDBShards:
    """A DynamoDB stream as a `ShardReader`."""

    port: DynamoDBStreamsPort
    source: EventSource
    kind: Literal["dynamodb"] = "dynamodb"

    async def shards(self) -> tuple[Shard, ...]:
        """Every shard of the stream."""
        return await self.port.describe_stream(self.source.arn)

    async def iterator(
        self, shard_id: str, iterator_type: IteratorType, sequence_number: str | None
    ) -> str:
        """An iterator into a shard."""
        return await self.port.get_shard_iterator(
            stream_arn=self.source.arn,
            shard_id=shard_id,
            iterator_type=iterator_type,
            sequence_number=sequence_number,
        )

    async def records(self, iterator: str, limit: int) -> RecordsPage:
        """A page of records."""
        return await self.port.get_records(iterator, limit=min(limit, MAX_DYNAMODB_RECORDS))

    def sequence(self, record: JsonObject) -> str:
        """A record's sequence number."""
        return record.get_object("dynamodb").get_str("SequenceNumber") or "0"

    def arrival(self, record: JsonObject) -> float | None:
        """When a record reached the stream, if it says."""
        return _seconds(record.get_object("dynamodb").get("ApproximateCreationDateTime"))

    def to_lambda(self, record: JsonObject, shard_id: str) -> dict[str, object]:
        """The record as Lambda hands it over."""
        return dynamodb_record(record, stream_arn=self.source.arn)


@dataclass(frozen=True, slots=True)
class KinesisShards:
    """A Kinesis stream as a `ShardReader`."""

    port: KinesisReaderPort
    source: EventSource
    kind: Literal["kinesis"] = "kinesis"

    async def shards(self) -> tuple[Shard, ...]:
        """Every shard of the stream."""
        return await self.port.list_shards(stream_name=self.source.name)

    async def iterator(
        self, shard_id: str, iterator_type: IteratorType, sequence_number: str | None
    ) -> str:
        """An iterator into a shard."""
        return await self.port.get_shard_iterator(
            stream_name=self.source.name,
            shard_id=shard_id,
            iterator_type=iterator_type,
            sequence_number=sequence_number,
        )

    async def records(self, iterator: str, limit: int) -> RecordsPage:
        """A page of records."""
        return await self.port.get_records(iterator, limit=min(limit, MAX_KINESIS_RECORDS))

    def sequence(self, record: JsonObject) -> str:
        """A record's sequence number."""
        return record.get_str("SequenceNumber") or "0"

    def arrival(self, record: JsonObject) -> float | None:
        """When a record reached the stream, if it says."""
        return _seconds(record.get("ApproximateArrivalTimestamp"))

    def to_lambda(self, record: JsonObject, shard_id: str) -> dict[str, object]:
        """The record as Lambda hands it over."""
        source = self.source
        return kinesis_record(
            record,
            shard_id=shard_id,
            stream_arn=source.arn,
            region=source.region,
            account=source.account,
        )


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
