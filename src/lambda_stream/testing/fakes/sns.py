"""An in-memory SNS port."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_stream.connectors._retry import RETRYABLE_ENTRY_CODES, BatchOutcome, send_with_retries
from lambda_stream.connectors.sns import BATCH_FIELDS, MAX_MESSAGES, numbered, results_of
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, ServiceError, no_wait

__all__ = ["InMemorySns"]

_TARGETS = ("TopicArn", "TargetArn", "PhoneNumber")


class InMemorySns:
    """An `SnsPort` that keeps the messages published, and can refuse messages.

    Each accepted message is kept as a Publish input naming its topic (``TopicArn``);
    `calls` records each call as ``(operation, messages)``. `refuse(message, attempt)` returns
    an error code to fail a message on that attempt (0 first), None to accept it: a refused
    ``Publish`` raises, a refused batch entry is retried as the real connector retries it.

    >>> import asyncio
    >>> sns = InMemorySns()
    >>> outcome = asyncio.run(sns.publish_batch([JsonObject({"Message": "hi"})], topic_arn="t"))
    >>> outcome.failed_count, [(op, len(sent)) for op, sent in sns.calls], sns.messages
    (0, [('PublishBatch', 1)], [JsonObject({'Message': 'hi', 'TopicArn': 't'})])
    """

    def __init__(self, *, refuse: Refuse | None = None, max_retries: int = 8) -> None:
        self.messages: list[JsonObject] = []
        self.calls: list[tuple[str, list[JsonObject]]] = []
        self.refuse = refuse
        self.max_retries = max_retries
        self._attempts = Attempts(refuse)

    async def publish(self, message: JsonObject, *, topic_arn: str | None = None) -> JsonObject:
        """Accept the message, or raise a `ServiceError` when `refuse` says so."""
        if topic_arn is not None and not any(target in message for target in _TARGETS):
            message = message.set("TopicArn", topic_arn)
        self.calls.append(("Publish", [message]))
        code = self._attempts.refusal(message)
        if code:
            raise ServiceError(code)
        self.messages.append(message)
        return JsonObject({"MessageId": f"fake-{len(self.messages)}"})

    async def publish_batch(
        self, entries: Sequence[JsonObject], *, topic_arn: str
    ) -> BatchOutcome[JsonObject]:
        """Accept or refuse each message; refused ones are retried without waiting.

        Raises:
            ServiceError: the batch has more than 10 messages, or repeats an ``Id``.
        """
        attempts = Attempts(self.refuse)
        sent: list[str] = []

        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(("PublishBatch", batch))
            sent[:] = [entry.get_str("Id") or "" for entry in batch]
            if len(batch) > MAX_MESSAGES:
                raise ServiceError("TooManyEntriesInBatchRequest", f"{len(batch)} messages")
            if len(set(sent)) < len(sent):
                raise ServiceError("BatchEntryIdsNotDistinct", "two messages share an Id")
            successful: list[JsonValue] = []
            failed: list[JsonValue] = []
            for entry, given in zip(batch, sent, strict=True):
                code = attempts.refusal(entry)
                if code:
                    sender = code not in RETRYABLE_ENTRY_CODES
                    failed.append({"Id": given, "SenderFault": sender, "Code": code})
                else:
                    kept = {k: v for k, v in entry.items() if k in BATCH_FIELDS and k != "Id"}
                    self.messages.append(JsonObject({**kept, "TopicArn": topic_arn}))
                    successful.append({"Id": given, "MessageId": f"fake-{len(self.messages)}"})
            return JsonObject({"Successful": successful, "Failed": failed})

        return await send_with_retries(
            numbered(entries),
            send,
            lambda response, count: results_of(response, sent),
            max_retries=self.max_retries,
            retry_wait_ms=1,
            sleep=no_wait,
        )
