"""Shared by the tests of the local event-source mapping: a recording handler, stream writers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from lambda_stream.core.context import LambdaContext
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemoryKinesis

__all__ = ["KINESIS_ARN", "Recorder", "put_kinesis", "records_of"]

KINESIS_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s"

Answer = Callable[[list[dict[str, object]], int], object]
"""What the handler does with the records of its n-th call (0 first): returns or raises."""


def records_of(event: dict[str, object]) -> list[dict[str, object]]:
    """The records of a Lambda event."""
    records = event["Records"]
    assert isinstance(records, list)
    return [record for record in records if isinstance(record, dict)]


class Recorder:
    """A handler that keeps every event it is given and answers as `answer` says."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.events: list[dict[str, object]] = []
        self.contexts: list[LambdaContext] = []
        self.answer = answer

    def __call__(self, event: dict[str, object], context: LambdaContext) -> object:
        self.events.append(event)
        self.contexts.append(context)
        if self.answer is None:
            return None
        return self.answer(records_of(event), len(self.events) - 1)

    def batches(self) -> list[list[str]]:
        """The item identifier of each record, batch by batch."""
        return [[_identifier(record) for record in records_of(e)] for e in self.events]

    def delivered(self) -> list[str]:
        """Every record's item identifier, in delivery order."""
        return [identifier for batch in self.batches() for identifier in batch]


def _identifier(record: dict[str, object]) -> str:
    for outer, inner in (("kinesis", "sequenceNumber"), ("dynamodb", "SequenceNumber")):
        member = record.get(outer)
        if isinstance(member, dict):
            return str(member[inner])
    return str(record["messageId"])


def put_kinesis(kinesis: InMemoryKinesis, count: int, *, stream: str = "s", start: int = 0) -> None:
    """Put `count` records on `stream`, partition keys ``k<n>``, data ``{"i": n}``."""
    records = [
        JsonObject({"Data": json.dumps({"i": n}).encode(), "PartitionKey": f"k{n}"})
        for n in range(start, start + count)
    ]
    asyncio.run(kinesis.put_records(records, stream_name=stream))
