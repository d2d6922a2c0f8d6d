"""An in-memory SQS port."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_stream.connectors._retry import RETRYABLE_ENTRY_CODES, BatchOutcome, send_with_retries
from lambda_stream.connectors.sqs import MAX_MESSAGES, entry_id, results_of
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, ServiceError, no_wait

__all__ = ["InMemorySqs"]


class InMemorySqs:
    """An `SqsPort` that keeps the messages sent to its queues, and can refuse messages.

    Like SQS, it refuses a batch of more than 10 messages, or one in which two messages share an
    ``Id``, as a whole. `refuse(message, attempt)` returns an error code to fail a message on
    that attempt (0 first), None to accept it; a refusal is the sender's fault unless its code
    is worth retrying, and refused messages are retried as the real connector retries them.

    >>> import asyncio
    >>> sqs = InMemorySqs()
    >>> message = JsonObject({"Id": "1", "MessageBody": "hello"})
    >>> outcome = asyncio.run(sqs.send_message_batch([message], queue_url="q"))
    >>> outcome.failed_count, sqs.queues, sqs.bodies
    (0, ['q'], ['hello'])
    """

    def __init__(self, *, refuse: Refuse | None = None, max_retries: int = 8) -> None:
        self.messages: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.queues: list[str] = []
        self.refuse = refuse
        self.max_retries = max_retries

    @property
    def bodies(self) -> list[str]:
        """The bodies of the accepted messages."""
        return [message.get_str("MessageBody") or "" for message in self.messages]

    async def send_message_batch(
        self, entries: Sequence[JsonObject], *, queue_url: str
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each message; refused ones are retried without waiting.

        Raises:
            ServiceError: the batch has more than 10 messages, or repeats an ``Id``.
        """
        attempts = Attempts(self.refuse)
        sent: list[str] = []

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            self.queues.append(queue_url)
            sent[:] = [entry_id(message) for message in batch]
            if len(batch) > MAX_MESSAGES:
                raise ServiceError("TooManyEntriesInBatchRequest", f"{len(batch)} messages")
            if len(set(sent)) < len(sent):
                raise ServiceError("BatchEntryIdsNotDistinct", "two messages share an Id")
            successful: list[JsonValue] = []
            failed: list[JsonValue] = []
            for message, given in zip(batch, sent, strict=True):
                code = attempts.refusal(message)
                if code:
                    sender = code not in RETRYABLE_ENTRY_CODES
                    failed.append({"Id": given, "SenderFault": sender, "Code": code})
                else:
                    self.messages.append(message)
                    successful.append({"Id": given, "MessageId": f"fake-{len(self.messages)}"})
            return JsonObject({"Successful": successful, "Failed": failed})

        return await send_with_retries(
            entries,
            send,
            lambda response, count: results_of(response, sent),
            max_retries=self.max_retries,
            retry_wait_ms=1,
            sleep=no_wait,
        )
