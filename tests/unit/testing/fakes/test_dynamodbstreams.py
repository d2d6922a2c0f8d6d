"""InMemoryDynamoDBStreams: changes as DynamoDB records them, shards that rotate, iterators."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.connectors.shards import IteratorType
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemoryDynamoDBStreams
from lambda_stream.testing.fakes._refusals import ServiceError


def _stream() -> tuple[InMemoryDynamoDBStreams, str]:
    streams = InMemoryDynamoDBStreams()
    return streams, streams.create_stream("things")


def _read(
    streams: InMemoryDynamoDBStreams,
    arn: str,
    kind: IteratorType = "TRIM_HORIZON",
    sequence: str | None = None,
    shard: int = 0,
) -> tuple[JsonObject, ...]:
    shard_id = asyncio.run(streams.describe_stream(arn))[shard].shard_id
    iterator = asyncio.run(
        streams.get_shard_iterator(
            stream_arn=arn, shard_id=shard_id, iterator_type=kind, sequence_number=sequence
        )
    )
    return asyncio.run(streams.get_records(iterator)).records


def test_a_change_is_named_by_its_images() -> None:
    streams, arn = _stream()
    streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"})
    streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"}, old_image={"pk": "1"})
    streams.put_change(arn, keys={"pk": "1"}, old_image={"pk": "1"})
    assert [r["eventName"] for r in _read(streams, arn)] == ["INSERT", "MODIFY", "REMOVE"]


def test_images_are_attribute_values() -> None:
    streams, arn = _stream()
    record = streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1", "n": 2})
    assert record.get_object("dynamodb")["NewImage"] == {"pk": {"S": "1"}, "n": {"N": "2"}}


def test_an_iterator_after_a_sequence_number_skips_that_record() -> None:
    streams, arn = _stream()
    first = streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"})
    streams.put_change(arn, keys={"pk": "2"}, new_image={"pk": "2"})
    sequence = first.get_object("dynamodb").get_str("SequenceNumber")
    after = _read(streams, arn, "AFTER_SEQUENCE_NUMBER", sequence)
    at = _read(streams, arn, "AT_SEQUENCE_NUMBER", sequence)
    assert (len(after), len(at)) == (1, 2)


def test_a_rotated_shard_is_closed_and_its_child_takes_the_changes() -> None:
    streams, arn = _stream()
    streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"})
    child = streams.rotate(arn)
    streams.put_change(arn, keys={"pk": "2"}, new_image={"pk": "2"})
    parent, listed_child = asyncio.run(streams.describe_stream(arn))
    assert parent.closed
    assert listed_child == child
    assert child.parent_shard_id == parent.shard_id
    assert len(_read(streams, arn, shard=1)) == 1


def test_a_closed_shard_read_to_its_end_has_no_next_iterator() -> None:
    streams, arn = _stream()
    streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"})
    streams.rotate(arn)
    shard_id = asyncio.run(streams.describe_stream(arn))[0].shard_id
    start = asyncio.run(
        streams.get_shard_iterator(stream_arn=arn, shard_id=shard_id, iterator_type="LATEST")
    )
    assert asyncio.run(streams.get_records(start)).next_iterator is None


def test_an_open_shard_always_has_a_next_iterator() -> None:
    streams, arn = _stream()
    shard_id = asyncio.run(streams.describe_stream(arn))[0].shard_id
    start = asyncio.run(
        streams.get_shard_iterator(stream_arn=arn, shard_id=shard_id, iterator_type="LATEST")
    )
    assert asyncio.run(streams.get_records(start)).next_iterator is not None


def test_an_unknown_stream_is_not_found() -> None:
    with pytest.raises(ServiceError, match="ResourceNotFoundException"):
        asyncio.run(InMemoryDynamoDBStreams().describe_stream("arn:nothing"))


def test_a_failure_can_be_injected_per_operation() -> None:
    streams = InMemoryDynamoDBStreams(fail=lambda operation: ServiceError("LimitExceededException"))
    arn = streams.create_stream("things")
    with pytest.raises(ServiceError, match="LimitExceeded"):
        asyncio.run(streams.describe_stream(arn))
    assert streams.calls == ["describe_stream"]
