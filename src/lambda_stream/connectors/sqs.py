"""SQS: send messages in batches, retrying the messages that failed; receive and delete them.

Sending (`SqsPort`) and receiving (`SqsReceiverPort`) are separate ports: a pipeline only
sends, the local event-source mapping only receives, and a test double needs only its half.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol, cast

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_by_id, send_by_id
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.connectors._wire import api_object
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import MessageSystemAttributeNameType
    from mypy_boto3_sqs.type_defs import (
        DeleteMessageBatchRequestEntryTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGES",
    "MAX_WAIT_TIME_S",
    "REFUSALS",
    "SqsConnector",
    "SqsPort",
    "SqsReceiverPort",
    "entry_id",
    "results_of",
]

MAX_MESSAGES: Final = 10
"""SendMessageBatch takes at most 10 messages."""
MAX_BATCH_BYTES: Final = 1024 * 1024
"""The messages of one SendMessageBatch carry at most 1 MiB in all."""
MAX_WAIT_TIME_S: Final = 20
"""ReceiveMessage long-polls at most 20 seconds."""

REFUSALS: Final = frozenset(
    {
        "BatchEntryIdsNotDistinct",
        "BatchRequestTooLong",
        "InvalidAttributeName",
        "InvalidAttributeValue",
        "InvalidBatchEntryId",
        "InvalidMessageContents",
        "InvalidParameterValue",
        "MissingParameter",
        "ParamValidationError",
    }
)
"""The codes with which SQS refuses a whole batch for some of its entries."""

Message = JsonObject
"""A SendMessageBatch entry, as the caller built it: ``Id``, ``MessageBody``, ..."""

Deletion = JsonObject
"""A DeleteMessageBatch entry: ``Id`` (unique in the batch) and ``ReceiptHandle``."""


class SqsPort(Protocol):
    """Sends messages to a queue."""

    async def send_message_batch(
        self, entries: Sequence[Message], *, queue_url: str
    ) -> BatchOutcome[Message]:
        """Send up to 10 messages; one result per message, failed ones retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class SqsReceiverPort(Protocol):
    """Receives messages from a queue and deletes the ones handled."""

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
        """Up to `max_messages` (at most 10) messages, waiting up to `wait_time_s` for one.

        A message comes in the API's JSON: ``MessageId``, ``ReceiptHandle``, ``Body``,
        ``MD5OfBody``, ``Attributes`` (the system attributes asked for), ``MessageAttributes``
        (``DataType``, ``StringValue`` or ``BinaryValue`` as base64 text, ...) and
        ``MD5OfMessageAttributes`` when it has attributes.

        Raises:
            Exception: the call failed (after the SDK's own retries).
        """
        ...

    async def delete_message_batch(
        self, entries: Sequence[Deletion], *, queue_url: str
    ) -> BatchOutcome[Deletion]:
        """Delete up to 10 messages by receipt handle; failed entries retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class SqsConnector:
    """`SqsPort` and `SqsReceiverPort` over a boto3 client, on the thread pool of `connections`.

    The entries are sent as given. A batch SQS refuses as a whole for some of its entries (two
    with the same ``Id``, say) is split until those entries stand alone: each is then a failure
    of its own, not retried, and the others are sent.
    """

    def __init__(
        self, connections: Connections | None = None, *, client: SQSClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: SQSClient = client or self.connections.session.client(
            "sqs", config=self.connections.config("sqs"), endpoint_url=self.connections.endpoint_url
        )

    async def send_message_batch(
        self, entries: Sequence[Message], *, queue_url: str
    ) -> BatchOutcome[Message]:
        """Send the messages to `queue_url` (see `SqsPort.send_message_batch`)."""

        def call(batch: list[Message]) -> Callable[[], Mapping[str, object]]:
            request = [cast("SendMessageBatchRequestEntryTypeDef", m.thaw()) for m in batch]
            return partial(self.client.send_message_batch, QueueUrl=queue_url, Entries=request)

        return await self._by_id(entries, call)

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
        """ReceiveMessage (see `SqsReceiverPort.receive_message`)."""
        names = cast("list[MessageSystemAttributeNameType]", list(attribute_names))
        call = partial(
            self.client.receive_message,
            QueueUrl=queue_url,
            MaxNumberOfMessages=max(1, min(max_messages, MAX_MESSAGES)),
            WaitTimeSeconds=max(0, min(wait_time_s, MAX_WAIT_TIME_S)),
            MessageSystemAttributeNames=names,
            MessageAttributeNames=list(message_attribute_names),
        )
        if visibility_timeout_s is not None:
            call = partial(call, VisibilityTimeout=visibility_timeout_s)
        response = await self.connections.run(call)
        return tuple(api_object(message) for message in response.get("Messages", []))

    async def delete_message_batch(
        self, entries: Sequence[Deletion], *, queue_url: str
    ) -> BatchOutcome[Deletion]:
        """Delete the messages (see `SqsReceiverPort.delete_message_batch`)."""

        def call(batch: list[Deletion]) -> Callable[[], Mapping[str, object]]:
            request = [cast("DeleteMessageBatchRequestEntryTypeDef", e.thaw()) for e in batch]
            return partial(self.client.delete_message_batch, QueueUrl=queue_url, Entries=request)

        return await self._by_id(entries, call)

    async def _by_id(
        self,
        entries: Sequence[JsonObject],
        call: Callable[[list[JsonObject]], Callable[[], Mapping[str, object]]],
    ) -> BatchOutcome[JsonObject]:
        """Run a batch operation whose answer names entries by ``Id``, retrying failed ones.

        `call` makes the boto3 call of a batch. A batch the queue refuses as a whole for some
        of its entries is split (`send_by_id`); failed entries are retried while worth it.
        """
        options = self.connections.options
        answered: list[EntryResult] = []  # the results of the latest attempt

        async def run(batch: list[JsonObject]) -> JsonObject:
            return frozen_response(await self.connections.run(call(batch)))

        async def send(batch: list[JsonObject]) -> JsonObject:
            response, answered[:] = await send_by_id(batch, run, ids=entry_id, refusals=REFUSALS)
            return response

        return await send_with_retries(
            entries,
            send,
            lambda response, count: list(answered),
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )


def results_of(response: JsonObject, ids: Sequence[str]) -> list[EntryResult]:
    """The per-message results of a SendMessageBatch response, in the order of `ids`.

    A failure with ``SenderFault: true`` is the message's own (not retried) unless its code is
    throttling; any other failure is retried.
    """
    return results_by_id(response, ids)


def entry_id(message: Message) -> str:
    """The ``Id`` of a batch entry."""
    return message.get_str("Id") or ""
