"""The partial batch response: which records Lambda should deliver again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from lambda_stream.core.fault import Fault
from lambda_stream.core.json import FrozenJson, JsonObject

__all__ = [
    "BatchItemFailure",
    "LambdaResponse",
    "PartialBatchResponse",
    "Redelivery",
    "failed_items",
    "item_identifier",
    "sequence_number",
]


class BatchItemFailure(TypedDict):
    """One record to retry: an SQS ``messageId`` or a stream sequence number."""

    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    """What a handler returns when its event source mapping reports batch item failures."""

    batchItemFailures: list[BatchItemFailure]


LambdaResponse = PartialBatchResponse | None


def item_identifier(record: FrozenJson) -> str | None:
    """The id Lambda knows `record` by: SQS ``messageId``, Kinesis or DynamoDB sequence number.

    The records of ``from_sqs_sns_s3`` (``{sqs, sns, s3}``) answer with their SQS message.
    """
    if not isinstance(record, JsonObject):
        return None
    message_id = record.get_str("messageId") or record.get_object("sqs").get_str("messageId")
    if message_id is not None:  # an SQS record, or the S3 record of one (from_sqs_sns_s3)
        return message_id
    kinesis = record.get_object("kinesis").get_str("sequenceNumber")
    if kinesis is not None:
        return kinesis
    return record.get_object("dynamodb").get_str("SequenceNumber")


def sequence_number(record: FrozenJson) -> int | None:
    """The position of a Kinesis or DynamoDB stream record in its shard, None for others."""
    if not isinstance(record, JsonObject):
        return None
    text = record.get_object("kinesis").get_str("sequenceNumber")
    if text is None:
        text = record.get_object("dynamodb").get_str("SequenceNumber")
    return int(text) if text is not None and text.isdigit() else None


class Redelivery:
    """Which records Lambda will deliver again after this invocation.

    All of them when the invocation fails; with a partial batch response, the failed SQS
    messages, and for a stream (one shard per batch) every record from the lowest failed
    sequence number on, since Lambda resumes the shard there.
    """

    __slots__ = ("everything", "from_sequence", "identifiers")

    def __init__(self, failed: Iterable[FrozenJson], *, everything: bool) -> None:
        records = list(failed)
        self.everything = everything
        self.identifiers = frozenset(
            identifier for record in records if (identifier := item_identifier(record))
        )
        positions = [seq for record in records if (seq := sequence_number(record)) is not None]
        self.from_sequence = min(positions) if positions else None

    def covers(self, record: FrozenJson) -> bool:
        """Whether `record` will be delivered again."""
        if self.everything:
            return True
        position = sequence_number(record)
        if position is not None and self.from_sequence is not None:
            return position >= self.from_sequence
        return item_identifier(record) in self.identifiers


def failed_items(faults: Iterable[Fault]) -> tuple[list[str], int]:
    """The identifiers of the records of `faults`, first-seen order, and how many had none."""
    seen: dict[str, None] = {}
    unidentified = 0
    for fault in faults:
        for uow in fault.uows:
            identifier = item_identifier(uow.record)
            if identifier is None:
                unidentified += 1
            else:
                seen.setdefault(identifier)
    return list(seen), unidentified
