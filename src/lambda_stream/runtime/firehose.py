"""The answer to a Firehose data-transformation invocation: one result per record.

Firehose requires every ``recordId`` it sent to come back, with a ``result`` and the ``data``
to deliver. The JS library answers with whatever uows came out of the pipelines: records that
were skipped, filtered out or faulted are missing, a record two pipelines transformed comes
back twice, and the whole uows inflate the response. `firehose_response` answers each record
exactly once, in input order, from the invocation's outcome.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import NotRequired, TypedDict

from lambda_stream.core.json import JsonObject
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.runtime.handler import Invocation
from lambda_stream.sources.firehose import FIREHOSE_RECORD_ID, FIREHOSE_RESULT, FirehoseResult

__all__ = [
    "FIREHOSE_DATA",
    "FIREHOSE_METADATA",
    "FirehoseRecordResult",
    "FirehoseResponse",
    "firehose_response",
]

FIREHOSE_DATA: Key[str] = Key("data")
"""The transformed record, base64-encoded: what Firehose delivers for a record answered Ok."""
FIREHOSE_METADATA: Key[JsonObject] = Key("metadata")
"""The record's metadata for Firehose, e.g. ``{"partitionKeys": {...}}`` (dynamic partitioning)."""


class FirehoseRecordResult(TypedDict):
    """The answer for one record."""

    recordId: str
    result: FirehoseResult
    data: str
    metadata: NotRequired[dict[str, object]]


class FirehoseResponse(TypedDict):
    """What a transformation function returns to Firehose."""

    records: list[FirehoseRecordResult]


def firehose_response(event: Mapping[str, object], invocation: Invocation) -> FirehoseResponse:
    """The answer to `event`: every record's ``recordId`` exactly once, in input order.

    A record is answered

    - ``ProcessingFailed`` when any of its uows faulted (a fault or a retryable failure: Firehose
      keeps such records in its ``processing-failed`` output, raw) or was set so by a pipeline;
    - else ``Ok`` when a uow came out with `FIREHOSE_RESULT` ``"Ok"``, with its `FIREHOSE_DATA`
      (the record's own data when it set none) and `FIREHOSE_METADATA` when set; when two
      pipelines transformed the record, the first uow that came out wins (Firehose takes one
      answer per record);
    - else ``Dropped``: skipped, filtered out, or left alone by every pipeline.

    A record that is not answered ``Ok`` carries its own ``data``: Firehose requires the member.
    Entries without a ``recordId`` string cannot be answered and are left out.

    Args:
        event: the invocation's Lambda event.
        invocation: what the pipelines made of it (`Pipelines.invoke`; when that raised
            `RetryableFailure`, the error's ``invocation``).
    """
    failed: set[str] = set()
    for fault in invocation.faults:
        failed.update(rid for uow in fault.uows if (rid := _record_id(uow)) is not None)
    transformed: dict[str, UnitOfWork] = {}
    for uow in _members(invocation.uows):
        rid = _record_id(uow)
        if rid is None:
            continue
        result = uow.get(FIREHOSE_RESULT)
        if result == "ProcessingFailed":
            failed.add(rid)
        elif result == "Ok":
            transformed.setdefault(rid, uow)
    answers: dict[str, FirehoseRecordResult] = {}
    for record in _records(event):
        record_id = record.get("recordId")
        if not isinstance(record_id, str) or record_id in answers:
            continue
        data = record.get("data")
        original = data if isinstance(data, str) else ""
        done = transformed.get(record_id)
        if record_id in failed:
            answer: FirehoseRecordResult = {
                "recordId": record_id,
                "result": "ProcessingFailed",
                "data": original,
            }
        elif done is not None:
            answer = _ok(record_id, done, original)
        else:
            answer = {"recordId": record_id, "result": "Dropped", "data": original}
        answers[record_id] = answer
    return {"records": list(answers.values())}


def _ok(rid: str, uow: UnitOfWork, original: str) -> FirehoseRecordResult:
    data = uow.get(FIREHOSE_DATA)
    answer: FirehoseRecordResult = {
        "recordId": rid,
        "result": "Ok",
        "data": original if data is None else data,
    }
    metadata = uow.get(FIREHOSE_METADATA)
    if metadata is not None:
        answer["metadata"] = metadata.thaw()
    return answer


def _record_id(uow: UnitOfWork) -> str | None:
    """The ``recordId`` of the record `uow` came from (a source fault carries only the record)."""
    rid = uow.get(FIREHOSE_RECORD_ID)
    if rid is None and isinstance(uow.record, JsonObject):
        rid = uow.record.get_str("recordId")
    return rid


def _members(uows: Sequence[UnitOfWork]) -> Iterator[UnitOfWork]:
    for uow in uows:
        yield from uow.members()


def _records(event: object) -> Iterator[Mapping[str, object]]:
    """The records of `event` that are objects (an untyped caller may pass anything)."""
    records = event.get("records") if isinstance(event, Mapping) else None
    if isinstance(records, Sequence) and not isinstance(records, str | bytes):
        for record in records:
            if isinstance(record, Mapping):
                yield record
