"""InMemoryKinesis: keeps accepted records, enforces Kinesis's limits, refuses on demand."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemoryKinesis


def _records(count: int, size: int = 1, key: str = "k") -> list[JsonObject]:
    return [JsonObject({"Data": b"x" * size, "PartitionKey": key}) for _ in range(count)]


def test_more_than_500_records_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 500"):
        asyncio.run(InMemoryKinesis().put_records(_records(501), stream_name="s"))


def test_a_request_over_5_mib_is_refused() -> None:
    with pytest.raises(ValueError, match="size limits"):
        asyncio.run(InMemoryKinesis().put_records(_records(6, 1_000_000), stream_name="s"))


def test_an_empty_partition_key_is_refused() -> None:
    with pytest.raises(ValueError, match="PartitionKey"):
        asyncio.run(InMemoryKinesis().put_records(_records(1, key=""), stream_name="s"))


def test_a_refused_record_is_retried_and_kept_once() -> None:
    kinesis = InMemoryKinesis(
        refuse=lambda record, attempt: "InternalFailure" if not attempt else None
    )
    outcome = asyncio.run(kinesis.put_records(_records(2), stream_name="s"))
    assert outcome.failed_count == 0
    assert len(kinesis.records) == 2
    assert [len(call) for call in kinesis.calls] == [2, 2]
