"""publish_to_sns: PublishBatch per topic, Publish when alone, each uow its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.sinks.sns import MESSAGE, PUBLISH_RESPONSE, publish_to_sns
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemorySns
from lambda_stream.testing.fakes._refusals import ServiceError

TOPIC = "arn:aws:sns:us-east-1:123456789012:t"
OTHER = "arn:aws:sns:us-east-1:123456789012:other"
OPTIONS = resolve_options({}, topic_arn=TOPIC)


def _uows(count: int, size: int = 1, start: int = 0, **fields: JsonValue) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(
            MESSAGE, JsonObject({"Message": f"{n}:" + "x" * size, **fields})
        )
        for n in range(start, start + count)
    ]


def _publish(
    uows: list[UnitOfWork], sns: InMemorySns, **kwargs: object
) -> list[UnitOfWork | Fault]:
    options = kwargs.pop("options", OPTIONS)
    sink = publish_to_sns(options, sns, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def _operations(sns: InMemorySns) -> list[tuple[str, int]]:
    return [(operation, len(sent)) for operation, sent in sns.calls]


def test_messages_to_one_topic_go_in_publish_batch_calls_of_at_most_10() -> None:
    """Deliberate difference: the JS library makes one Publish call per message."""
    sns = InMemorySns()
    _publish(_uows(25), sns, batch_size=50)
    assert _operations(sns) == [("PublishBatch", 10), ("PublishBatch", 10), ("PublishBatch", 5)]
    assert {message["TopicArn"] for message in sns.messages} == {TOPIC}


def test_batches_stay_under_256_kib() -> None:
    sns = InMemorySns()
    _publish(_uows(4, size=100_000), sns)
    assert _operations(sns) == [("PublishBatch", 2), ("PublishBatch", 2)]


def test_a_message_over_256_kib_is_a_fault_of_its_uow_only() -> None:
    sns = InMemorySns()
    out = _publish(_uows(1) + _uows(1, size=300_000, start=1) + _uows(1, start=2), sns)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert fault.message.startswith("Message size: ")
    assert not fault.retryable


def test_each_uow_gets_the_answer_to_its_own_message() -> None:
    sns = InMemorySns()
    out = _publish(_uows(3), sns)
    answers = [uow[PUBLISH_RESPONSE] for uow in out if isinstance(uow, UnitOfWork)]
    assert answers == [JsonObject({"MessageId": f"fake-{n}"}) for n in (1, 2, 3)]


def test_a_lone_message_is_published_with_publish() -> None:
    sns = InMemorySns()
    out = _publish(_uows(1), sns)
    assert _operations(sns) == [("Publish", 1)]
    assert isinstance(out[0], UnitOfWork)
    assert out[0][PUBLISH_RESPONSE] == JsonObject({"MessageId": "fake-1"})


def test_messages_naming_their_topics_are_batched_per_topic() -> None:
    sns = InMemorySns()
    uows = _uows(2, TopicArn=OTHER) + _uows(2, start=2)
    out = _publish(uows, sns)
    assert _operations(sns) == [("PublishBatch", 2), ("PublishBatch", 2)]
    assert [message["TopicArn"] for message in sns.messages] == [OTHER, OTHER, TOPIC, TOPIC]
    assert all(isinstance(item, UnitOfWork) for item in out)


def test_a_message_to_a_target_is_published_alone() -> None:
    sns = InMemorySns()
    uows = _uows(1, start=0) + _uows(1, start=1, TargetArn="arn:endpoint") + _uows(1, start=2)
    _publish(uows, sns)
    assert sorted(_operations(sns)) == [("Publish", 1), ("PublishBatch", 2)]
    assert "TopicArn" not in next(m for m in sns.messages if "TargetArn" in m)


def test_a_message_without_a_topic_is_a_fault_of_its_uow_only() -> None:
    sns = InMemorySns()
    uows = _uows(1, TopicArn=OTHER) + _uows(1, start=1)
    out = _publish(uows, sns, options=resolve_options({}))
    assert [type(item) for item in out] == [UnitOfWork, Fault]


def test_uows_keep_their_order_and_a_uow_without_message_stays_in_place_untouched() -> None:
    sns = InMemorySns()
    uows = _uows(3)
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows.insert(1, bare)
    out = _publish(uows, sns)
    assert out[1] is bare
    assert [u.record for u in out if isinstance(u, UnitOfWork)] == [uow.record for uow in uows]


def test_a_failed_message_is_retried_alone() -> None:
    sns = InMemorySns(refuse=lambda m, attempt: "InternalError" if attempt == 0 else None)
    out = _publish(_uows(2), sns)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert _operations(sns) == [("PublishBatch", 2), ("PublishBatch", 2)]


def test_a_message_sns_refuses_as_the_senders_fault_is_a_fault_of_its_uow_only() -> None:
    sns = InMemorySns(refuse=lambda m, attempt: "InvalidParameter" if m["Id"] == "1" else None)
    out = _publish(_uows(3), sns)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("InvalidParameter", False)
    assert len(sns.calls) == 1


def test_a_lone_message_throttled_past_the_retries_is_a_retryable_fault() -> None:
    sns = InMemorySns(refuse=lambda m, attempt: "Throttling")
    out = _publish(_uows(1), sns)
    assert isinstance(out[0], Fault)
    assert out[0].retryable


class Down(InMemorySns):
    """SNS failing every PublishBatch call as a whole."""

    async def publish_batch(
        self, entries: Sequence[JsonObject], *, topic_arn: str
    ) -> BatchOutcome[JsonObject]:
        raise ServiceError("InternalError", "down")


def test_a_batch_call_that_fails_is_a_fault_of_each_of_its_uows() -> None:
    out = _publish(_uows(3), Down())
    assert [type(item) for item in out] == [Fault] * 3
    assert all(isinstance(f, Fault) and len(f.uows) == 1 and f.retryable for f in out)


class Concurrency(InMemorySns):
    """SNS noting how many PublishBatch calls are in flight at once."""

    active = 0
    most = 0

    async def publish_batch(
        self, entries: Sequence[JsonObject], *, topic_arn: str
    ) -> BatchOutcome[JsonObject]:
        self.active += 1
        self.most = max(self.most, self.active)
        for _ in range(3):
            await asyncio.sleep(0)
        self.active -= 1
        return await super().publish_batch(entries, topic_arn=topic_arn)


@pytest.mark.parametrize(("suffix", "most"), [("", 4), (".fifo", 1)])
def test_batches_to_a_fifo_topic_go_one_at_a_time(suffix: str, most: int) -> None:
    sns = Concurrency()
    options = resolve_options({}, topic_arn=TOPIC + suffix, parallel=4)
    _publish(_uows(80, MessageGroupId="g"), sns, options=options)
    assert sns.most == most
