"""What the stream fakes share: shards holding records in order, and iterators into them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes._refusals import ServiceError

__all__ = ["ShardStore", "parse"]

_SEPARATOR: Final = "|"


class ShardStore:
    """The shards of one fake stream; iterators are ``name|shard|position`` tokens.

    Args:
        name: the stream's name or ARN, written into its iterators.
        sequence: the sequence number of a stored record.
    """

    def __init__(self, name: str, sequence: Callable[[JsonObject], str]) -> None:
        self.name = name
        self._sequence = sequence
        self._shards: dict[str, Shard] = {}
        self._records: dict[str, list[JsonObject]] = {}

    def add(self, shard: Shard) -> None:
        """Open `shard` (it has no records yet)."""
        self._shards[shard.shard_id] = shard
        self._records[shard.shard_id] = []

    def append(self, shard_id: str, record: JsonObject) -> None:
        """Add `record` at the end of an open shard."""
        if self.shard(shard_id).closed:
            raise ValueError(f"shard {shard_id} is closed")
        self._records[shard_id].append(record)

    def close(self, shard_id: str, ending_sequence_number: str) -> Shard:
        """Close `shard_id`: it takes no more records, and is read to an end."""
        closed = dataclasses.replace(
            self.shard(shard_id), ending_sequence_number=ending_sequence_number
        )
        self._shards[shard_id] = closed
        return closed

    def shard(self, shard_id: str) -> Shard:
        """The shard `shard_id`.

        Raises:
            ServiceError: there is no such shard (``ResourceNotFoundException``).
        """
        found = self._shards.get(shard_id)
        if found is None:
            raise ServiceError("ResourceNotFoundException", f"no shard {shard_id} in {self.name}")
        return found

    def shards(self) -> tuple[Shard, ...]:
        """Every shard, in the order they were opened."""
        return tuple(self._shards.values())

    def iterator(
        self, shard_id: str, iterator_type: IteratorType, sequence_number: str | None
    ) -> str:
        """An iterator token into `shard_id`."""
        records = self._records[self.shard(shard_id).shard_id]
        if iterator_type == "TRIM_HORIZON":
            position = 0
        elif iterator_type == "LATEST":
            position = len(records)
        else:
            if sequence_number is None:
                raise ServiceError("ValidationException", f"{iterator_type} needs a number")
            wanted = int(sequence_number)
            after = iterator_type == "AFTER_SEQUENCE_NUMBER"
            position = next(
                (
                    index
                    for index, record in enumerate(records)
                    if (seq := int(self._sequence(record))) > wanted
                    or (seq == wanted and not after)
                ),
                len(records),
            )
        return _SEPARATOR.join((self.name, shard_id, str(position)))

    def read(self, iterator: str, limit: int | None) -> RecordsPage:
        """The records at `iterator`, at most `limit`; no next iterator at a closed shard's end."""
        _, shard_id, position = parse(iterator)
        records = self._records[self.shard(shard_id).shard_id]
        end = len(records) if limit is None else min(len(records), position + limit)
        page = tuple(records[position:end])
        finished = self.shard(shard_id).closed and end >= len(records)
        following = None if finished else _SEPARATOR.join((self.name, shard_id, str(end)))
        return RecordsPage(records=page, next_iterator=following, millis_behind_latest=0)


def parse(iterator: str) -> tuple[str, str, int]:
    """The stream name, shard id and position of an iterator token.

    Raises:
        ServiceError: the token is not one a `ShardStore` made (``InvalidArgumentException``).
    """
    name, _, rest = iterator.rpartition(_SEPARATOR)
    stream, _, shard_id = name.rpartition(_SEPARATOR)
    if not stream or not shard_id or not rest.isdigit():
        raise ServiceError("InvalidArgumentException", f"not a shard iterator: {iterator!r}")
    return stream, shard_id, int(rest)
