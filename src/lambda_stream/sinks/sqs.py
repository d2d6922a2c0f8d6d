"""Sending messages to an SQS queue."""

from __future__ import annotations

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.sqs import MAX_BATCH_BYTES, MAX_MESSAGES, SqsPort
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, batched, json_size

__all__ = ["INPUT_PARAMS", "MESSAGE", "SEND_MESSAGE_BATCH_RESPONSE", "send_to_sqs"]

MESSAGE: Key[JsonObject] = Key("message")
"""The uow's message: a SendMessageBatch entry built by an earlier step (``Id``,
``MessageBody``, and any of ``DelaySeconds``, ``MessageAttributes``, ``MessageGroupId``,
``MessageDeduplicationId``...)."""
INPUT_PARAMS: Key[JsonObject] = Key("inputParams")
"""The request of the batch the uow went in: ``{Entries}`` (``QueueUrl`` aside)."""
SEND_MESSAGE_BATCH_RESPONSE: Key[JsonObject] = Key("sendMessageBatchResponse")
"""The batch's answer: ``Successful`` and ``Failed``, matched to the entries by ``Id``; after
retries the last answer for each entry, and ``attempts``, the raw responses."""


def send_to_sqs(
    options: Options,
    port: SqsPort,
    *,
    queue_url: str | None = None,
    message: Key[JsonObject] = MESSAGE,
    batch_size: int | None = None,
    max_payload_size: int | None = None,
    parallel: int | None = None,
) -> Sink:
    """A sink sending each uow's message to a queue (the JS library's ``sendToSqs``).

    Messages go out as they are, in batches of at most 10 messages and `max_payload_size` bytes
    (each message counted as its JSON, as the JS library counts it); the messages that fail are
    retried alone with backoff. A uow without a message passes through untouched, in place. Each
    uow keeps ``inputParams`` and ``sendMessageBatchResponse``; a message over the size limit is
    a fault of its uow only, and so is a message SQS still refuses after the retries (retryable
    unless SQS says it is the sender's fault).

    To a FIFO queue (a URL ending in ``.fifo``) one batch is in flight at a time unless
    `parallel` says otherwise, so that messages of a group are not reordered across batches.

    Args:
        options: the function's options (``QUEUE_URL``, batch size, payload size, parallelism).
        port: the SQS connector.
        queue_url: the queue; ``options.queue_url`` when None.
        message: where the message is in the uow (the JS ``messageField``).
        batch_size: messages per request, at most 10 (``SQS_BATCH_SIZE``, ``BATCH_SIZE``, 10).
        max_payload_size: bytes per request, at most 1 MiB (``SQS_MAX_PAYLOAD_SIZE``,
            ``MAX_PAYLOAD_SIZE``).
        parallel: requests in flight (``SQS_PARALLEL``, ``PARALLEL``).

    Raises:
        ValueError: there is no queue URL.
    """
    url = queue_url or options.queue_url
    if not url:
        raise ValueError("send_to_sqs needs a queue: pass queue_url= or set QUEUE_URL")
    size = min(batch_size or options.batch_size_for("sqs", MAX_MESSAGES), MAX_MESSAGES)
    max_bytes = min(max_payload_size or options.max_payload_size, MAX_BATCH_BYTES)
    in_flight = parallel or (1 if url.endswith(".fifo") else options.parallel_for("sqs"))

    def prepare(uow: UnitOfWork) -> UnitOfWork:
        found = uow.get(message)
        if found is not None:
            payload = json_size(found)
            if payload > max_bytes:
                raise ValueError(f"Payload size: {payload}, exceeded max: {max_bytes}")
        return uow

    async def send(entries: list[JsonObject]) -> BatchOutcome[JsonObject]:
        return await port.send_message_batch(entries, queue_url=url)

    def describe(outcome: BatchOutcome[JsonObject]) -> tuple[JsonObject, JsonObject]:
        request = JsonObject({"Entries": list(outcome.entries)})
        if len(outcome.responses) == 1:
            return request, outcome.responses[0]
        response: dict[str, JsonValue] = {
            "Successful": [result.entry for result in outcome.results if not result.failed],
            "Failed": [result.entry for result in outcome.results if result.failed],
            "attempts": list(outcome.responses),
        }
        return request, JsonObject(response)

    return batched(
        prepare=prepare,
        entry=message,
        send=send,
        request=INPUT_PARAMS,
        response=SEND_MESSAGE_BATCH_RESPONSE,
        describe=describe,
        batch_size=size,
        max_bytes=max_bytes,
        parallel=in_flight,
        size_of=json_size,
    )
