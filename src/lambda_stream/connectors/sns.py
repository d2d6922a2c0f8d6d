"""SNS: publish one message, or a batch to a topic, retrying the messages that failed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Protocol, cast

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_by_id, send_by_id
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sns.type_defs import PublishBatchRequestEntryTypeDef, PublishInputTypeDef

__all__ = [
    "BATCH_FIELDS",
    "MAX_BATCH_BYTES",
    "MAX_MESSAGES",
    "REFUSALS",
    "SnsConnector",
    "SnsPort",
    "numbered",
    "results_of",
]

MAX_MESSAGES: Final = 10
"""PublishBatch takes at most 10 messages."""
MAX_BATCH_BYTES: Final = 256 * 1024
"""The messages of one PublishBatch (and one message alone) carry at most 256 KiB."""

BATCH_FIELDS: Final = frozenset(
    {
        "Id",
        "Message",
        "MessageAttributes",
        "MessageDeduplicationId",
        "MessageGroupId",
        "MessageStructure",
        "Subject",
    }
)
"""The members of a Publish input a PublishBatch entry can carry."""

REFUSALS: Final = frozenset(
    {
        "BatchEntryIdsNotDistinct",
        "BatchRequestTooLong",
        "InvalidBatchEntryId",
        "InvalidParameter",
        "InvalidParameterValue",
        "ParamValidationError",
        "ValidationError",
    }
)
"""The codes with which SNS refuses a whole batch for some of its entries."""

_TARGETS: Final = frozenset({"TopicArn", "TargetArn", "PhoneNumber"})

Message = JsonObject
"""A Publish input (``Message``, ``Subject``, ``MessageAttributes``, ...) or a batch entry."""


class SnsPort(Protocol):
    """Publishes messages to topics."""

    async def publish(self, message: Message, *, topic_arn: str | None = None) -> JsonObject:
        """Publish one message; its own ``TopicArn`` (or ``TargetArn``...) wins over `topic_arn`.

        Returns:
            the response: ``MessageId``, and ``SequenceNumber`` for a FIFO topic.

        Raises:
            Exception: the call failed (after the SDK's own retries).
        """
        ...

    async def publish_batch(
        self, entries: Sequence[Message], *, topic_arn: str
    ) -> BatchOutcome[Message]:
        """Publish up to 10 messages to `topic_arn`; one result per message, in order.

        An entry without an ``Id`` gets its position; failed entries are retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class SnsConnector:
    """`SnsPort` over a boto3 client, on the shared thread pool of `connections`.

    A batch SNS refuses as a whole for some of its entries is split until those entries stand
    alone: each is then a failure of its own, not retried, and the others are published.
    """

    def __init__(
        self, connections: Connections | None = None, *, client: SNSClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: SNSClient = client or self.connections.session.client(
            "sns", config=self.connections.config("sns"), endpoint_url=self.connections.endpoint_url
        )

    async def publish(self, message: Message, *, topic_arn: str | None = None) -> JsonObject:
        """Publish one message (see `SnsPort.publish`)."""
        params = message.thaw()
        if topic_arn is not None and not _TARGETS & params.keys():
            params["TopicArn"] = topic_arn
        request = cast("PublishInputTypeDef", params)
        return frozen_response(await self.connections.run(partial(self.client.publish, **request)))

    async def publish_batch(
        self, entries: Sequence[Message], *, topic_arn: str
    ) -> BatchOutcome[Message]:
        """Publish the messages to `topic_arn` (see `SnsPort.publish_batch`)."""
        options = self.connections.options
        answered: list[EntryResult] = []  # the results of the latest attempt

        async def call(batch: list[Message]) -> JsonObject:
            request = [
                cast(
                    "PublishBatchRequestEntryTypeDef",
                    {k: v for k, v in entry.thaw().items() if k in BATCH_FIELDS},
                )
                for entry in batch
            ]
            send = partial(
                self.client.publish_batch, TopicArn=topic_arn, PublishBatchRequestEntries=request
            )
            return frozen_response(await self.connections.run(send))

        async def send(batch: list[Message]) -> JsonObject:
            response, answered[:] = await send_by_id(batch, call, ids=_entry_id, refusals=REFUSALS)
            return response

        return await send_with_retries(
            numbered(entries),
            send,
            lambda response, count: list(answered),
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )


def numbered(entries: Sequence[Message]) -> list[Message]:
    """The entries, each without an ``Id`` given its position as one.

    >>> [e["Id"] for e in numbered([JsonObject({"Message": "a"}), JsonObject({"Id": "x"})])]
    ['0', 'x']
    """
    return [entry if "Id" in entry else entry.set("Id", str(n)) for n, entry in enumerate(entries)]


def results_of(response: JsonObject, ids: Sequence[str]) -> list[EntryResult]:
    """The per-message results of a PublishBatch response, in the order of `ids`."""
    return results_by_id(response, ids)


def _entry_id(entry: Message) -> str:
    return entry.get_str("Id") or ""
