"""InMemoryKinesis read back: records routed to shards by partition key, splits, iterators."""

from __future__ import annotations

import asyncio
import base64

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemoryKinesis
from lambda_stream.testing.fakes._refusals import ServiceError


def _put(kinesis: InMemoryKinesis, *keys: str) -> list[str]:
    records = [JsonObject({"Data": key.encode(), "PartitionKey": key}) for key in keys]
    outcome = asyncio.run(kinesis.put_records(records, stream_name="s"))
    return [result.entry.get_str("ShardId") or "" for result in outcome.results]


def _read(kinesis: InMemoryKinesis, shard_id: str) -> list[JsonObject]:
    iterator = asyncio.run(
        kinesis.get_shard_iterator(stream_name="s", shard_id=shard_id, iterator_type="TRIM_HORIZON")
    )
    return list(asyncio.run(kinesis.get_records(iterator)).records)


def test_a_partition_key_always_goes_to_the_same_shard() -> None:
    kinesis = InMemoryKinesis(shard_count=4)
    assert len(set(_put(kinesis, *(["same"] * 5)))) == 1


def test_keys_spread_over_the_shards() -> None:
    kinesis = InMemoryKinesis(shard_count=2)
    assert len(set(_put(kinesis, *(f"k{n}" for n in range(20))))) == 2


def test_records_are_read_back_with_base64_data_and_numbers_per_stream() -> None:
    kinesis = InMemoryKinesis()
    _put(kinesis, "a", "b")
    records = _read(kinesis, "shardId-000000000000")
    assert [r.get_str("SequenceNumber") for r in records] == ["1", "2"]
    assert base64.b64decode(records[0].get_str("Data") or "") == b"a"


def test_a_split_closes_the_parent_and_routes_to_the_children() -> None:
    kinesis = InMemoryKinesis()
    _put(kinesis, "a")
    children = kinesis.split_shard("s", "shardId-000000000000")
    routed = set(_put(kinesis, *(f"k{n}" for n in range(20))))
    parent = asyncio.run(kinesis.list_shards(stream_name="s"))[0]
    assert parent.closed
    assert routed == {child.shard_id for child in children}
    assert all(child.parent_shard_id == parent.shard_id for child in children)


def test_reading_an_unknown_stream_is_not_found() -> None:
    with pytest.raises(ServiceError, match="ResourceNotFoundException"):
        asyncio.run(InMemoryKinesis().list_shards(stream_name="missing"))


def test_a_garbled_iterator_is_refused() -> None:
    with pytest.raises(ServiceError, match="InvalidArgumentException"):
        asyncio.run(InMemoryKinesis().get_records("garbage"))
