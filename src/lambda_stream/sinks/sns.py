"""Publishing messages to SNS topics, in batches."""

from __future__ import annotations

from lambda_stream.connectors.sns import MAX_BATCH_BYTES, MAX_MESSAGES, SnsPort
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, entry_fault, json_size, members
from lambda_stream.stream import Stream

__all__ = ["MESSAGE", "PUBLISH_RESPONSE", "publish_to_sns"]

MESSAGE: Key[JsonObject] = Key("message")
"""The uow's message: a Publish input built by an earlier step (``Message``, and any of
``Subject``, ``MessageAttributes``, ``MessageGroupId``, ``TopicArn``, ``TargetArn``...)."""
PUBLISH_RESPONSE: Key[JsonObject] = Key("publishResponse")
"""The answer to the uow's own message: ``MessageId`` (and ``SequenceNumber`` for a FIFO
topic), as Publish answers; for a message SNS refused, its ``Code`` and ``Message``."""

_TARGETS = ("TopicArn", "TargetArn", "PhoneNumber")


def publish_to_sns(
    options: Options,
    port: SnsPort,
    *,
    topic_arn: str | None = None,
    message: Key[JsonObject] = MESSAGE,
    batch_size: int | None = None,
    parallel: int | None = None,
) -> Sink:
    """A sink publishing each uow's message (the JS library's ``publishToSns``, batched).

    The JS library makes one Publish call per message. Here messages bound for the same topic go
    out in PublishBatch calls of at most 10 messages and 256 KiB (each message counted as its
    JSON); the messages that fail are retried alone with backoff. A batch holding a single
    message for a topic, and a message with a ``TargetArn`` or ``PhoneNumber``, are published
    with Publish. A uow without a message passes through untouched, in place. Each uow keeps
    the answer to its own message under ``publishResponse``; a message over 256 KiB, or with no
    topic, is a fault of its uow only, and so is a message SNS still refuses after the retries
    (retryable unless SNS says it is the sender's fault).

    When the sink's topic is a FIFO topic (an ARN ending in ``.fifo``), one batch is in flight
    at a time unless `parallel` says otherwise, so that messages of a group are not reordered
    across batches.

    Args:
        options: the function's options (``TOPIC_ARN``, batch size, parallelism).
        port: the SNS connector.
        topic_arn: the topic of messages that name none; ``options.topic_arn`` when None.
        message: where the message is in the uow (the JS ``messageField``).
        batch_size: messages per request, at most 10 (``BATCH_SIZE``, 10).
        parallel: requests in flight (``SNS_PARALLEL``, ``PARALLEL``).
    """
    topic = topic_arn or options.topic_arn
    size = min(batch_size or options.batch_size_for("sns", MAX_MESSAGES), MAX_MESSAGES)
    fifo = topic is not None and topic.endswith(".fifo")
    in_flight = parallel or (1 if fifo else options.parallel_for("sns"))

    def check(uow: UnitOfWork) -> UnitOfWork:
        found = uow.get(message)
        if found is None:
            return uow
        length = json_size(found)
        if length > MAX_BATCH_BYTES:
            raise ValueError(f"Message size: {length}, exceeded max: {MAX_BATCH_BYTES}")
        if topic is None and not any(target in found for target in _TARGETS):
            raise ValueError("the message names no topic: pass topic_arn= or set TOPIC_ARN")
        return uow

    def size_of(uow: UnitOfWork) -> int:
        found = uow.get(message)
        return 0 if found is None else json_size(found)

    async def send_batch(batch: tuple[UnitOfWork, ...]) -> list[UnitOfWork | Fault]:
        out: list[UnitOfWork | Fault] = list(batch)
        topics: dict[str, list[int]] = {}
        for index, uow in enumerate(batch):
            found = uow.get(message)
            if found is None:
                continue
            own = found.get_str("TopicArn")
            if own is not None or not any(target in found for target in _TARGETS):
                topics.setdefault(own or topic or "", []).append(index)
            else:
                out[index] = await _publish(uow, found)
        for target, indexes in topics.items():
            if len(indexes) == 1:
                out[indexes[0]] = await _publish(batch[indexes[0]], batch[indexes[0]][message])
                continue
            try:
                outcome = await port.publish_batch(
                    [batch[index][message] for index in indexes], topic_arn=target
                )
            except Exception as error:
                for index in indexes:
                    out[index] = Fault.of(error, batch[index])
                continue
            for index, result in zip(indexes, outcome.results, strict=True):
                adorned = batch[index].set(PUBLISH_RESPONSE, result.entry.remove("Id"))
                out[index] = (
                    entry_fault(adorned, result, "SNS did not accept the message")
                    if result.failed
                    else adorned
                )
        return out

    async def _publish(uow: UnitOfWork, found: JsonObject) -> UnitOfWork | Fault:
        try:
            return uow.set(PUBLISH_RESPONSE, await port.publish(found, topic_arn=topic))
        except Exception as error:
            return Fault.of(error, uow)

    def sink(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return (
            stream.map(check)
            .batch_by_size(size, MAX_BATCH_BYTES, size_of)
            .map_async(send_batch, parallel=in_flight)
            .flat_map(members)
        )

    return sink
