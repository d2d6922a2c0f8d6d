"""LocalEventSourceMapping over fakes: settings, the context, stats, the background thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping
from lambda_stream.runtime.esm_failures import FailedBatch
from lambda_stream.testing.fakes import InMemoryDynamoDBStreams, InMemoryKinesis
from lambda_stream.testing.fakes._refusals import ServiceError
from tests.unit.runtime.esm_support import KINESIS_ARN, Recorder, put_kinesis, records_of


def _until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)


def test_dynamodb_records_carry_the_stream_arn_and_whole_seconds() -> None:
    streams = InMemoryDynamoDBStreams(clock=lambda: 1700000000.75)
    arn = streams.create_stream("things")
    streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1", "n": 1})
    handler = Recorder()
    LocalEventSourceMapping(arn, handler, dynamodbstreams=streams).drain()
    (record,) = records_of(handler.events[0])
    change = record["dynamodb"]
    assert isinstance(change, dict)
    assert change["ApproximateCreationDateTime"] == 1700000000
    assert change["NewImage"] == {"pk": {"S": "1"}, "n": {"N": "1"}}
    assert record["eventSourceARN"] == arn


def test_the_handler_gets_a_lambda_context_per_invocation() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 2)
    handler = Recorder()
    mapping = LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, batch_size=1, function_name="listener"
    )
    mapping.drain()
    first, second = handler.contexts
    assert first.function_name == "listener"
    assert first.aws_request_id != second.aws_request_id
    assert 0 < first.get_remaining_time_in_millis() <= 900_000
    assert mapping.function_arn == "arn:aws:lambda:us-east-1:123456789012:function:listener"


def test_stats_count_invocations_records_and_failures() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 3)
    handler = Recorder(lambda records, call: 1 / 0 if call == 0 else None)
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis)
    assert mapping.drain() == 6
    assert mapping.stats == EsmStats(invocations=2, records=6, failures=1)


def test_poll_once_delivers_one_batch_per_shard() -> None:
    kinesis = InMemoryKinesis(shard_count=2)
    put_kinesis(kinesis, 20)
    handler = Recorder()
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, batch_size=2)
    assert mapping.poll_once() == 4
    assert len(handler.events) == 2


def test_drain_gives_up_waiting_after_its_timeout() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    handler = Recorder(lambda records, call: 1 / 0)
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, max_retry_attempts=-1)
    with pytest.raises(TimeoutError):
        mapping.drain(timeout_s=0.05)


def test_drain_reports_the_stats_after_each_poll() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 3)
    seen: list[EsmStats] = []
    mapping = LocalEventSourceMapping(KINESIS_ARN, Recorder(), kinesis=kinesis, batch_size=2)
    mapping.drain(on_poll=seen.append)
    assert [stats.records for stats in seen] == [2, 3, 3]


def test_an_on_failure_that_raises_keeps_the_batch_for_the_next_poll() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    calls: list[FailedBatch] = []

    def refuse_first(batch: FailedBatch) -> None:
        calls.append(batch)
        if len(calls) == 1:
            raise OSError("destination down")

    handler = Recorder(lambda records, call: 1 / 0)
    mapping = LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, max_retry_attempts=0, on_failure=refuse_first
    )
    with pytest.raises(OSError, match="destination down"):
        mapping.drain()
    mapping.drain()
    assert len(calls) == 2
    assert mapping.stats.given_up == 1


def test_the_background_thread_delivers_what_is_written_after_it_started() -> None:
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    handler = Recorder()
    with LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, poll_interval_s=0.01
    ).start() as mapping:
        assert mapping.running
        put_kinesis(kinesis, 1, start=1)
        _until(lambda: len(handler.delivered()) == 2)
    assert not mapping.running


def test_stop_leaves_no_thread_behind() -> None:
    before = set(threading.enumerate())
    kinesis = InMemoryKinesis()
    put_kinesis(kinesis, 1)
    handler = Recorder()
    mapping = LocalEventSourceMapping(KINESIS_ARN, handler, kinesis=kinesis, poll_interval_s=0.01)
    mapping.start()
    _until(lambda: handler.delivered() == ["1"])
    mapping.stop()
    assert set(threading.enumerate()) <= before


def test_failed_background_polls_are_counted_and_polling_goes_on() -> None:
    errors = iter([ServiceError("InternalFailure", "oops")])

    def fail(operation: str) -> BaseException | None:
        return next(errors, None) if operation == "list_shards" else None

    kinesis = InMemoryKinesis(fail=fail)
    put_kinesis(kinesis, 1)
    handler = Recorder()
    with LocalEventSourceMapping(
        KINESIS_ARN, handler, kinesis=kinesis, poll_interval_s=0.01
    ).start() as mapping:
        _until(lambda: handler.delivered() == ["1"])
    assert mapping.stats.errors == 1
    assert isinstance(mapping.last_error, ServiceError)


def test_a_failed_poll_ends_drain_and_is_counted() -> None:
    error = ServiceError("ResourceNotFoundException", "no such stream")
    kinesis = InMemoryKinesis(fail=lambda operation: error)
    mapping = LocalEventSourceMapping(KINESIS_ARN, Recorder(), kinesis=kinesis)
    with pytest.raises(ServiceError) as raised:
        mapping.drain()
    assert raised.value is error
    assert mapping.stats.errors == 1
    assert mapping.last_error is error


def test_polling_inside_an_event_loop_is_refused() -> None:
    mapping = LocalEventSourceMapping(KINESIS_ARN, Recorder(), kinesis=InMemoryKinesis())

    async def poll() -> int:
        return mapping.poll_once()

    with pytest.raises(RuntimeError, match="thread without an event loop"):
        asyncio.run(poll())


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("arn:aws:s3:::bucket", "not a DynamoDB stream"),
        ("nothing", "not a stream ARN"),
    ],
)
def test_a_source_that_is_no_stream_or_queue_is_refused(source: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        LocalEventSourceMapping(source, Recorder(), kinesis=InMemoryKinesis())


def test_a_batch_size_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        LocalEventSourceMapping(KINESIS_ARN, Recorder(), kinesis=InMemoryKinesis(), batch_size=0)


def test_retries_below_minus_one_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retry_attempts"):
        LocalEventSourceMapping(
            KINESIS_ARN, Recorder(), kinesis=InMemoryKinesis(), max_retry_attempts=-2
        )
