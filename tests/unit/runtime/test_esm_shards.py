"""The stream side of the local mapping, over fakes: batches, order, retries, partial failures."""

from __future__ import annotations

from collections import Counter

import pytest

from lambda_stream.connectors.shards import Shard
from lambda_stream.runtime.esm import LocalEventSourceMapping
from lambda_stream.runtime.esm_failures import FailedBatch
from lambda_stream.testing.fakes import InMemoryDynamoDBStreams, InMemoryKinesis
from lambda_stream.testing.fakes._refusals import ServiceError
from tests.unit.runtime.esm_support import KINESIS_ARN, Recorder, put_kinesis, records_of


def _shard_of(record: dict[str, object]) -> str:
    return str(record["eventID"]).split(":")[0]


def _sequence(record: dict[str, object]) -> int:
    kinesis = record["kinesis"]
    assert isinstance(kinesis, dict)
    return int(kinesis["sequenceNumber"])


def test_a_batch_holds_at_most_batch_size_records_of_one_shard() -> None:
    kinesis = InMemoryKinesis(shard_count=2)
    put_kinesis(kinesis, 12)
    handler = Recorder()
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=4).drain()
    assert all(len(records_of(event)) <= 4 for event in handler.events)
    assert all(len({_shard_of(r) for r in records_of(event)}) == 1 for event in handler.events)
    assert sorted(handler.delivered(), key=int) == [str(n) for n in range(1, 13)]


def test_the_records_of_a_shard_arrive_in_order() -> None:
    kinesis = InMemoryKinesis(shard_count=2)
    put_kinesis(kinesis, 30)
    handler = Recorder()
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=3).drain()
    by_shard: dict[str, list[int]] = {}
    for event in handler.events:
        for record in records_of(event):
            by_shard.setdefault(_shard_of(record), []).append(_sequence(record))
    assert len(by_shard) == 2
    assert all(numbers == sorted(numbers) for numbers in by_shard.values())


def test_a_parent_shard_is_read_to_its_end_before_its_children() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 3)
    kinesis.split_shard("s", "shardId-000000000000")
    put_kinesis(kinesis, 6, start=3)
    handler = Recorder()
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=2).drain()
    assert handler.delivered()[:3] == ["1", "2", "3"]
    assert sorted(handler.delivered(), key=int) == [str(n) for n in range(1, 10)]


class _ChildrenFirst(InMemoryKinesis):
    """Lists the shards newest first: the order of a listing promises nothing."""

    async def list_shards(self, *, stream_name: str) -> tuple[Shard, ...]:
        return tuple(reversed(await super().list_shards(stream_name=stream_name)))


def test_children_listed_before_their_parent_still_wait_for_it() -> None:
    kinesis = _ChildrenFirst()
    put_kinesis(kinesis, 3)
    kinesis.split_shard("s", "shardId-000000000000")
    put_kinesis(kinesis, 4, start=3)
    handler = Recorder()
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=10).drain()
    assert handler.batches()[0] == ["1", "2", "3"]


def test_children_that_appear_while_polling_are_read_from_their_start() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 2)
    handler = Recorder()
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis)
    mapping.drain()
    kinesis.split_shard("s", "shardId-000000000000")
    put_kinesis(kinesis, 5, start=2)
    mapping.drain()
    assert sorted(handler.delivered(), key=int) == [str(n) for n in range(1, 8)]


def test_a_dynamodb_shard_that_rotates_is_followed_by_its_child() -> None:
    streams = InMemoryDynamoDBStreams()
    arn = streams.create_stream("things")
    for n in range(3):
        streams.put_change(arn, keys={"pk": str(n)}, new_image={"pk": str(n)})
    streams.rotate(arn)
    streams.put_change(arn, keys={"pk": "3"}, new_image={"pk": "3"})
    handler = Recorder()
    LocalEventSourceMapping(arn, handler, dynamodbstreams=streams, batch_size=2).drain()
    delivered = handler.delivered()
    assert len(delivered) == 4
    assert delivered == sorted(delivered, key=int)


def test_latest_skips_what_was_written_before_the_mapping_started() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 3)
    handler = Recorder()
    mapping = LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, starting_position="LATEST"
    )
    assert mapping.drain() == 0
    put_kinesis(kinesis, 2, start=3)
    mapping.drain()
    assert handler.delivered() == ["4", "5"]


def test_a_failed_batch_is_retried_from_its_first_record() -> None:
    def fail_twice(records: list[dict[str, object]], call: int) -> object:
        if call < 2:
            raise OSError("down")
        return None

    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 3)
    handler = Recorder(fail_twice)
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis).drain()
    assert handler.batches() == [["1", "2", "3"]] * 3


def test_a_batch_that_keeps_failing_goes_to_on_failure_and_the_shard_moves_on() -> None:
    def fail_first_batch(records: list[dict[str, object]], call: int) -> object:
        if call < 3:
            raise OSError("down")
        return None

    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 2)
    failed: list[FailedBatch] = []
    handler = Recorder(fail_first_batch)
    mapping = LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, max_retry_attempts=2, on_failure=failed.append
    )
    mapping.drain()
    put_kinesis(kinesis, 1, start=2)
    mapping.drain()
    assert handler.batches() == [["1", "2"]] * 3 + [["3"]]
    assert [(f.start_sequence_number, f.end_sequence_number, f.attempts) for f in failed] == [
        ("1", "2", 3)
    ]
    assert isinstance(failed[0].error, OSError)
    assert mapping.stats.given_up == 1


def test_no_retries_gives_up_after_the_first_failure() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    failed: list[FailedBatch] = []
    handler = Recorder(lambda records, call: 1 / 0)
    LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, max_retry_attempts=0, on_failure=failed.append
    ).drain()
    assert len(handler.events) == 1
    assert len(failed) == 1


def test_retrying_forever_never_gives_up() -> None:
    def fail_often(records: list[dict[str, object]], call: int) -> object:
        if call < 6:
            raise OSError("down")
        return None

    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    failed: list[FailedBatch] = []
    handler = Recorder(fail_often)
    LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, max_retry_attempts=-1, on_failure=failed.append
    ).drain()
    assert len(handler.events) == 7
    assert failed == []


def test_batch_item_failures_resume_at_the_lowest_sequence_number_as_an_integer() -> None:
    def fail_9_and_10_once(records: list[dict[str, object]], call: int) -> object:
        if call == 0:
            return {"batchItemFailures": [{"itemIdentifier": "10"}, {"itemIdentifier": "9"}]}
        return None

    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 12)
    handler = Recorder(fail_9_and_10_once)
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=12).drain()
    assert handler.batches()[1] == ["9", "10", "11", "12"]
    assert Counter(handler.delivered())["8"] == 1


def test_an_unknown_item_identifier_fails_the_whole_batch() -> None:
    def name_a_stranger(records: list[dict[str, object]], call: int) -> object:
        return {"batchItemFailures": [{"itemIdentifier": "99"}]} if call == 0 else None

    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 2)
    handler = Recorder(name_a_stranger)
    LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis).drain()
    assert handler.batches() == [["1", "2"], ["1", "2"]]


def test_item_failures_are_ignored_unless_the_mapping_reports_them() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 2)
    handler = Recorder(lambda records, call: {"batchItemFailures": [{"itemIdentifier": "1"}]})
    LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, report_batch_item_failures=False
    ).drain()
    assert handler.batches() == [["1", "2"]]


def test_an_expired_iterator_is_taken_again_after_the_last_record_read() -> None:
    expired = iter([None, ServiceError("ExpiredIteratorException", "too old")])

    def fail(operation: str) -> BaseException | None:
        return next(expired, None) if operation == "get_records" else None

    kinesis = InMemoryKinesis(fail=fail)
    put_kinesis(kinesis, 2)
    handler = Recorder()
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis)
    mapping.drain()
    put_kinesis(kinesis, 2, start=2)
    mapping.drain()
    assert handler.delivered() == ["1", "2", "3", "4"]


def test_a_failed_read_is_raised_and_the_next_poll_carries_on() -> None:
    errors = iter([ServiceError("ProvisionedThroughputExceededException", "slow down")])

    def fail(operation: str) -> BaseException | None:
        return next(errors, None) if operation == "get_records" else None

    kinesis = InMemoryKinesis(fail=fail)
    put_kinesis(kinesis, 2)
    handler = Recorder()
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis)
    with pytest.raises(ServiceError, match="ProvisionedThroughputExceeded"):
        mapping.poll_once()
    mapping.drain()
    assert handler.delivered() == ["1", "2"]
