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
    "failed_items",
    "item_identifier",
]


class BatchItemFailure(TypedDict):
    """One record to retry: an SQS ``messageId`` or a stream sequence number."""

    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    """What a handler returns when its event source mapping reports batch item failures."""

    batchItemFailures: list[BatchItemFailure]


LambdaResponse = PartialBatchResponse | None


def item_identifier(record: FrozenJson) -> str | None:
    """The id Lambda knows `record` by: SQS ``messageId``, Kinesis or DynamoDB sequence number."""
    if not isinstance(record, JsonObject):
        return None
    message_id = record.get_str("messageId")
    if message_id is not None:
        return message_id
    kinesis = record.get_object("kinesis").get_str("sequenceNumber")
    if kinesis is not None:
        return kinesis
    return record.get_object("dynamodb").get_str("SequenceNumber")


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
