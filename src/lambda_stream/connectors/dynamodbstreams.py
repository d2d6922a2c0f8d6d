"""DynamoDB Streams: the shards of a table's stream and their records, as the API returns them."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final, Protocol

from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._wire import api_object
from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard, shard_from

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient

__all__ = ["MAX_GET_RECORDS", "DynamoDBStreamsConnector", "DynamoDBStreamsPort"]

MAX_GET_RECORDS: Final = 1000
"""GetRecords returns at most 1,000 records a call."""


class DynamoDBStreamsPort(Protocol):
    """Reads a DynamoDB stream: its shards, an iterator into one, and pages of records.

    Records come in the API's JSON: ``eventID``, ``eventName``, ``dynamodb`` (``Keys``,
    ``NewImage``, ``OldImage`` as attribute values, ``SequenceNumber``,
    ``ApproximateCreationDateTime`` in epoch seconds), binary values as base64 text. A call that
    fails raises (after the SDK's own retries).
    """

    async def describe_stream(self, stream_arn: str) -> tuple[Shard, ...]:
        """Every shard of the stream, following the listing's pages."""
        ...

    async def get_shard_iterator(
        self,
        *,
        stream_arn: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """An iterator into `shard_id`; `sequence_number` for the ``*_SEQUENCE_NUMBER`` types."""
        ...

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """The next records at `iterator` (at most `limit`), and where to read next."""
        ...


class DynamoDBStreamsConnector:
    """`DynamoDBStreamsPort` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self,
        connections: Connections | None = None,
        *,
        client: DynamoDBStreamsClient | None = None,
    ) -> None:
        self.connections = connections or Connections()
        self.client: DynamoDBStreamsClient = client or self.connections.session.client(
            "dynamodbstreams",
            config=self.connections.config("dynamodbstreams"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def describe_stream(self, stream_arn: str) -> tuple[Shard, ...]:
        """DescribeStream, every page (see `DynamoDBStreamsPort.describe_stream`)."""
        shards: list[Shard] = []
        start: str | None = None
        while True:
            call = partial(self.client.describe_stream, StreamArn=stream_arn)
            if start is not None:
                call = partial(call, ExclusiveStartShardId=start)
            description = (await self.connections.run(call))["StreamDescription"]
            shards.extend(shard_from(shard) for shard in description.get("Shards", []))
            start = description.get("LastEvaluatedShardId")
            if not start:
                return tuple(shards)

    async def get_shard_iterator(
        self,
        *,
        stream_arn: str,
        shard_id: str,
        iterator_type: IteratorType,
        sequence_number: str | None = None,
    ) -> str:
        """GetShardIterator (see `DynamoDBStreamsPort.get_shard_iterator`).

        Raises:
            ValueError: a ``*_SEQUENCE_NUMBER`` type without a sequence number.
        """
        call = partial(
            self.client.get_shard_iterator,
            StreamArn=stream_arn,
            ShardId=shard_id,
            ShardIteratorType=iterator_type,
        )
        if iterator_type.endswith("SEQUENCE_NUMBER"):
            if sequence_number is None:
                raise ValueError(f"{iterator_type} needs a sequence number")
            call = partial(call, SequenceNumber=sequence_number)
        return (await self.connections.run(call))["ShardIterator"]

    async def get_records(self, iterator: str, *, limit: int | None = None) -> RecordsPage:
        """GetRecords (see `DynamoDBStreamsPort.get_records`)."""
        call = partial(self.client.get_records, ShardIterator=iterator)
        if limit is not None:
            call = partial(call, Limit=min(limit, MAX_GET_RECORDS))
        response = await self.connections.run(call)
        return RecordsPage(
            records=tuple(api_object(record) for record in response.get("Records", [])),
            # Absent once a closed shard has been read to its end (the stubs say always there).
            next_iterator=response.get("NextShardIterator") or None,
        )
