"""An in-memory SQS port: messages sent to queues, received and deleted."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from lambda_stream.connectors._entries import results_by_id
from lambda_stream.connectors._retry import RETRYABLE_ENTRY_CODES, BatchOutcome, send_with_retries
from lambda_stream.connectors.sqs import MAX_MESSAGES, entry_id, results_of
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.testing.fakes._refusals import Attempts, Refuse, ServiceError, no_wait

__all__ = ["InMemorySqs"]

_DEFAULT_VISIBILITY_S = 30
"""A queue's default visibility timeout."""


@dataclass(slots=True, kw_only=True)
class _Stored:
    message_id: str
    body: str
    attributes: JsonObject
    sent_ms: int
    receipt: str | None = None
    visible_at: float = 0.0
    receives: int = 0
    first_receive_ms: int | None = None
    deleted: bool = field(default=False)


class InMemorySqs:
    """An `SqsPort` and `SqsReceiverPort` over queues held in memory.

    Like SQS, it refuses a batch of more than 10 messages, or one in which two messages share an
    ``Id``, as a whole. `refuse(message, attempt)` returns an error code to fail a message on
    that attempt (0 first), None to accept it; a refusal is the sender's fault unless its code
    is worth retrying, and refused messages are retried as the real connector retries them.

    Accepted messages wait in their queue: a received message is hidden for the visibility
    timeout (30 s unless the receive names one, on the fake's `clock`) and stays until deleted
    with its latest receipt handle. Receives never wait (``wait_time_s`` is ignored).

    >>> import asyncio
    >>> sqs = InMemorySqs()
    >>> message = JsonObject({"Id": "1", "MessageBody": "hello"})
    >>> outcome = asyncio.run(sqs.send_message_batch([message], queue_url="q"))
    >>> outcome.failed_count, sqs.queues, sqs.bodies
    (0, ['q'], ['hello'])
    >>> [m["Body"] for m in asyncio.run(sqs.receive_message(queue_url="q"))]
    ['hello']
    """

    def __init__(
        self,
        *,
        refuse: Refuse | None = None,
        max_retries: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.messages: list[JsonObject] = []
        self.calls: list[list[JsonObject]] = []
        self.queues: list[str] = []
        self.refuse = refuse
        self.max_retries = max_retries
        self.clock = clock
        self._waiting: dict[str, list[_Stored]] = {}

    @property
    def bodies(self) -> list[str]:
        """The bodies of the accepted messages."""
        return [message.get_str("MessageBody") or "" for message in self.messages]

    def remaining(self, queue_url: str) -> list[str]:
        """The bodies of the messages in `queue_url` not deleted yet (visible or not)."""
        return [m.body for m in self._waiting.get(queue_url, []) if not m.deleted]

    def enqueue(
        self, queue_url: str, body: str, *, attributes: Mapping[str, JsonValue] | None = None
    ) -> str:
        """Put one message in `queue_url` directly; its ``MessageId``.

        Args:
            queue_url: the queue.
            body: the message body.
            attributes: its ``MessageAttributes``, as SendMessage takes them.
        """
        message_id = str(uuid.uuid4())
        self._waiting.setdefault(queue_url, []).append(
            _Stored(
                message_id=message_id,
                body=body,
                attributes=JsonObject(attributes or {}),
                sent_ms=int(time.time() * 1000),
            )
        )
        return message_id

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
                    attributes = message.get_object("MessageAttributes")
                    message_id = self.enqueue(
                        queue_url, message.get_str("MessageBody") or "", attributes=attributes
                    )
                    successful.append({"Id": given, "MessageId": message_id})
            return JsonObject({"Successful": successful, "Failed": failed})

        return await send_with_retries(
            entries,
            send,
            lambda response, count: results_of(response, sent),
            max_retries=self.max_retries,
            retry_wait_ms=1,
            sleep=no_wait,
        )

    async def receive_message(
        self,
        *,
        queue_url: str,
        max_messages: int = MAX_MESSAGES,
        wait_time_s: int = 0,
        visibility_timeout_s: int | None = None,
        attribute_names: Sequence[str] = ("All",),
        message_attribute_names: Sequence[str] = ("All",),
    ) -> tuple[JsonObject, ...]:
        """Up to `max_messages` visible messages, oldest first, then hidden for a while."""
        now = self.clock()
        hidden_for = _DEFAULT_VISIBILITY_S if visibility_timeout_s is None else visibility_timeout_s
        out: list[JsonObject] = []
        for stored in self._waiting.get(queue_url, []):
            if len(out) >= min(max_messages, MAX_MESSAGES):
                break
            if stored.deleted or stored.visible_at > now:
                continue
            stored.receives += 1
            stored.receipt = uuid.uuid4().hex
            stored.visible_at = now + hidden_for
            if stored.first_receive_ms is None:
                stored.first_receive_ms = int(time.time() * 1000)
            out.append(_message(stored, attribute_names, message_attribute_names))
        return tuple(out)

    async def delete_message_batch(
        self, entries: Sequence[JsonObject], *, queue_url: str
    ) -> BatchOutcome[JsonObject]:
        """Delete the messages whose latest receipt handle is given; others fail.

        Raises:
            ServiceError: the batch has more than 10 entries, or repeats an ``Id``.
        """
        ids = [entry_id(entry) for entry in entries]
        if len(entries) > MAX_MESSAGES:
            raise ServiceError("TooManyEntriesInBatchRequest", f"{len(entries)} entries")
        if len(set(ids)) < len(ids):
            raise ServiceError("BatchEntryIdsNotDistinct", "two entries share an Id")
        by_receipt = {m.receipt: m for m in self._waiting.get(queue_url, []) if m.receipt}
        successful: list[JsonValue] = []
        failed: list[JsonValue] = []
        for entry, given in zip(entries, ids, strict=True):
            stored = by_receipt.get(entry.get_str("ReceiptHandle") or "")
            if stored is None or stored.deleted:
                code = "ReceiptHandleIsInvalid"
                failed.append({"Id": given, "SenderFault": True, "Code": code})
            else:
                stored.deleted = True
                successful.append({"Id": given})
        response = JsonObject({"Successful": successful, "Failed": failed})

        async def send(batch: list[JsonObject]) -> JsonObject:
            return response

        return await send_with_retries(
            entries,
            send,
            lambda answer, count: results_by_id(answer, ids),
            max_retries=0,
            retry_wait_ms=1,
            sleep=no_wait,
        )


def _message(stored: _Stored, names: Sequence[str], attribute_names: Sequence[str]) -> JsonObject:
    attributes = {
        "SenderId": "AIDAFAKESENDER",
        "SentTimestamp": str(stored.sent_ms),
        "ApproximateReceiveCount": str(stored.receives),
        "ApproximateFirstReceiveTimestamp": str(stored.first_receive_ms),
    }
    wanted = {name: value for name, value in attributes.items() if "All" in names or name in names}
    message: dict[str, JsonValue] = {
        "MessageId": stored.message_id,
        "ReceiptHandle": stored.receipt or "",
        "MD5OfBody": hashlib.md5(stored.body.encode()).hexdigest(),
        "Body": stored.body,
        "Attributes": wanted,
    }
    chosen = {
        name: value
        for name, value in stored.attributes.items()
        if "All" in attribute_names or ".*" in attribute_names or name in attribute_names
    }
    if chosen:
        # Binary values travel as base64 text, as they do on the wire.
        message["MessageAttributes"] = {
            name: _wire_attribute(value) for name, value in chosen.items()
        }
    return JsonObject(message)


def _wire_attribute(value: object) -> JsonObject:
    """A message attribute with a binary value as base64 text, as it travels."""
    if not isinstance(value, JsonObject):
        return JsonObject()
    binary = value.get("BinaryValue")
    if isinstance(binary, bytes):
        return value.set("BinaryValue", base64.b64encode(binary).decode("ascii"))
    return value
