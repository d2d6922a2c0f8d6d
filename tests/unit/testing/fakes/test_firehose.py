"""InMemoryFirehose: keeps accepted records, enforces Firehose's limits, refuses on demand."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemoryFirehose


def _records(*lines: bytes) -> list[JsonObject]:
    return [JsonObject({"Data": line}) for line in lines]


def test_the_data_is_the_accepted_records_concatenated() -> None:
    firehose = InMemoryFirehose(
        refuse=lambda record, attempt: "AccessDenied" if record["Data"] == b"b\n" else None
    )
    asyncio.run(
        firehose.put_record_batch(_records(b"a\n", b"b\n", b"c\n"), delivery_stream_name="d")
    )
    assert firehose.data == b"a\nc\n"


def test_a_record_over_1000_kib_is_refused() -> None:
    with pytest.raises(ValueError, match="size limits"):
        asyncio.run(
            InMemoryFirehose().put_record_batch(
                _records(b"x" * 1_024_001), delivery_stream_name="d"
            )
        )


def test_more_than_500_records_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 500"):
        asyncio.run(
            InMemoryFirehose().put_record_batch(_records(*[b"x"] * 501), delivery_stream_name="d")
        )
