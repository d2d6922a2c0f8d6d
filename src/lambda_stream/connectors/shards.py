"""What the stream services share: shards, shard iterators, a page of records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from lambda_stream.core.json import JsonObject

__all__ = ["IteratorType", "RecordsPage", "Shard", "shard_from"]

IteratorType: TypeAlias = Literal[
    "TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"
]
"""Where a shard iterator starts: the oldest record, after the newest, at or after a number."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Shard:
    """A shard of a Kinesis or DynamoDB stream.

    Attributes:
        shard_id: the shard's id.
        parent_shard_id: the shard it was split from (or merged from), if any.
        adjacent_parent_shard_id: the other parent of a merged Kinesis shard, if any.
        starting_sequence_number: the number of its first record.
        ending_sequence_number: the number of its last record once it is closed, else None.
    """

    shard_id: str
    parent_shard_id: str | None = None
    adjacent_parent_shard_id: str | None = None
    starting_sequence_number: str | None = None
    ending_sequence_number: str | None = None

    @property
    def parents(self) -> tuple[str, ...]:
        """The shards that must be read to their end before this one."""
        return tuple(p for p in (self.parent_shard_id, self.adjacent_parent_shard_id) if p)

    @property
    def closed(self) -> bool:
        """Whether the shard takes no more records."""
        return self.ending_sequence_number is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordsPage:
    """One GetRecords answer.

    Attributes:
        records: the records, in the API's JSON (timestamps in epoch seconds, bytes as base64).
        next_iterator: where the next read starts; None once a closed shard is read to its end.
        millis_behind_latest: how far the page is behind the tip (Kinesis only).
    """

    records: tuple[JsonObject, ...]
    next_iterator: str | None
    millis_behind_latest: int | None = None


def shard_from(answer: Mapping[str, object]) -> Shard:
    """A `Shard` from a ``Shards`` entry of ListShards or DescribeStream (the same shape).

    >>> answer = {"ShardId": "s1", "SequenceNumberRange": {"StartingSequenceNumber": "5"}}
    >>> shard = shard_from(answer)
    >>> shard.shard_id, shard.starting_sequence_number, shard.closed
    ('s1', '5', False)
    """
    numbers = answer.get("SequenceNumberRange")
    numbers = numbers if isinstance(numbers, Mapping) else {}
    return Shard(
        shard_id=str(answer.get("ShardId", "")),
        parent_shard_id=_text(answer.get("ParentShardId")),
        adjacent_parent_shard_id=_text(answer.get("AdjacentParentShardId")),
        starting_sequence_number=_text(numbers.get("StartingSequenceNumber")),
        ending_sequence_number=_text(numbers.get("EndingSequenceNumber")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
