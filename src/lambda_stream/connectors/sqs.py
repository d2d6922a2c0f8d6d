"""SQS: send messages in batches, retrying the messages that failed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol, cast

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_by_id, send_by_id
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGES",
    "REFUSALS",
    "SqsConnector",
    "SqsPort",
    "entry_id",
    "results_of",
]

MAX_MESSAGES: Final = 10
"""SendMessageBatch takes at most 10 messages."""
MAX_BATCH_BYTES: Final = 1024 * 1024
"""The messages of one SendMessageBatch carry at most 1 MiB in all."""

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


class SqsConnector:
    """`SqsPort` over a boto3 client, on the shared thread pool of `connections`.

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
        options = self.connections.options
        answered: list[EntryResult] = []  # the results of the latest attempt

        async def call(batch: list[Message]) -> JsonObject:
            request = [cast("SendMessageBatchRequestEntryTypeDef", m.thaw()) for m in batch]
            send = partial(self.client.send_message_batch, QueueUrl=queue_url, Entries=request)
            return frozen_response(await self.connections.run(send))

        async def send(batch: list[Message]) -> JsonObject:
            response, answered[:] = await send_by_id(batch, call, ids=entry_id, refusals=REFUSALS)
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
