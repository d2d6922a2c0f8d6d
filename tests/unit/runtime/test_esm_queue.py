"""The queue side of the local mapping, over the SQS fake: batches, deletes, failed messages."""

from __future__ import annotations

from lambda_stream.runtime.esm import LocalEventSourceMapping
from lambda_stream.testing.fakes import InMemorySqs
from tests.unit.runtime.esm_support import Recorder, records_of

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def _queue(*bodies: str) -> InMemorySqs:
    sqs = InMemorySqs()
    for body in bodies:
        sqs.enqueue(URL, body)
    return sqs


def _fail_bodies(*bodies: str) -> Recorder:
    def answer(records: list[dict[str, object]], call: int) -> object:
        failed = [r["messageId"] for r in records if r["body"] in bodies]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}

    return Recorder(answer)


def test_messages_reach_the_handler_shaped_as_lambda_delivers_them() -> None:
    sqs = _queue("hello")
    handler = Recorder()
    LocalEventSourceMapping(URL, handler, sqs=sqs).drain()
    (record,) = records_of(handler.events[0])
    assert record["body"] == "hello"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert record["awsRegion"] == "us-east-1"


def test_handled_messages_are_deleted() -> None:
    sqs = _queue("a", "b", "c")
    mapping = LocalEventSourceMapping(URL, Recorder(), sqs=sqs)
    mapping.drain()
    assert sqs.remaining(URL) == []
    assert mapping.stats.deleted == 3


def test_only_the_failed_messages_stay_in_the_queue() -> None:
    sqs = _queue("a", "bad", "c")
    LocalEventSourceMapping(URL, _fail_bodies("bad"), sqs=sqs).drain()
    assert sqs.remaining(URL) == ["bad"]


def test_every_message_stays_when_the_handler_raises() -> None:
    sqs = _queue("a", "b")
    handler = Recorder(lambda records, call: 1 / 0)
    mapping = LocalEventSourceMapping(URL, handler, sqs=sqs)
    mapping.drain()
    assert sqs.remaining(URL) == ["a", "b"]
    assert mapping.stats.failures == 1


def test_an_unknown_message_id_keeps_the_whole_batch() -> None:
    sqs = _queue("a", "b")
    handler = Recorder(lambda records, call: {"batchItemFailures": [{"itemIdentifier": "x"}]})
    LocalEventSourceMapping(URL, handler, sqs=sqs).drain()
    assert sqs.remaining(URL) == ["a", "b"]


def test_a_failed_message_is_hidden_until_its_visibility_timeout_passes() -> None:
    now = [0.0]
    sqs = InMemorySqs(clock=lambda: now[0])
    sqs.enqueue(URL, "bad")
    handler = _fail_bodies("bad")
    mapping = LocalEventSourceMapping(URL, handler, sqs=sqs, visibility_timeout_s=5)
    mapping.drain()
    assert mapping.drain() == 0
    now[0] = 6.0
    mapping.drain()
    assert len(handler.events) == 2


def test_a_batch_holds_at_most_batch_size_messages() -> None:
    sqs = _queue(*(f"m{n}" for n in range(7)))
    handler = Recorder()
    LocalEventSourceMapping(URL, handler, sqs=sqs, batch_size=3).drain()
    assert [len(batch) for batch in handler.batches()] == [3, 3, 1]


def test_a_batch_larger_than_ten_is_filled_by_several_receives() -> None:
    sqs = _queue(*(f"m{n}" for n in range(25)))
    handler = Recorder()
    LocalEventSourceMapping(URL, handler, sqs=sqs, batch_size=20).drain()
    assert [len(batch) for batch in handler.batches()] == [20, 5]


def test_the_default_batch_of_a_queue_is_ten() -> None:
    sqs = _queue(*(f"m{n}" for n in range(12)))
    handler = Recorder()
    LocalEventSourceMapping(URL, handler, sqs=sqs).drain()
    assert [len(batch) for batch in handler.batches()] == [10, 2]


def test_a_queue_arn_is_read_at_its_url() -> None:
    sqs = InMemorySqs()
    sqs.enqueue("http://127.0.0.1:5000/123456789012/q", "hi")
    handler = Recorder()
    arn = "arn:aws:sqs:us-east-1:123456789012:q"
    LocalEventSourceMapping(arn, handler, sqs=sqs, endpoint_url="http://127.0.0.1:5000").drain()
    assert handler.delivered() != []
