"""SQS: raw messages, or messages whose body is an Event."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.queries.claimcheck import with_claim_checks_redeemed
from lambda_stream.sources._records import (
    RawRecords,
    RecordError,
    adopt,
    adopt_raw,
    parse_event,
)
from lambda_stream.stream import Stream

__all__ = ["from_sqs", "from_sqs_event"]


def from_sqs(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """The uows of an SQS event, one per message, each carrying only its record.

    The body is not parsed: the pipeline reads ``uow.record["body"]`` itself. A record that is
    not an object with a string ``body`` becomes a Fault carrying the raw record.

    >>> from lambda_stream.testing import collect
    >>> from lambda_stream.testing.sqs import to_sqs_records
    >>> [uow] = collect(from_sqs(to_sqs_records([{"body": "hello"}], aws_region="eu-west-1")))
    >>> uow.record["body"], uow.event
    ('hello', None)

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
    """
    return Stream[UnitOfWork].of(RawRecords(event, "SQS", _decode_raw))


def from_sqs_event(event: Mapping[str, object], *, s3: S3Port | None = None) -> Stream[UnitOfWork]:
    """The uows of an SQS event whose message bodies are Events, one per message.

    The event's own ``id`` wins over the ``messageId``; compressed members are revived; a body
    holding an SNS notification or an EventBridge event (a queue subscribed to a topic without
    raw delivery, or the target of a rule) is unwrapped to the event it carries; events tagged
    ``skip`` are dropped; claim-check stubs are redeemed through `s3`. A message that cannot be
    decoded (not JSON, not an object, not an event) becomes a Fault carrying the raw record.

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
        s3: where claim-check stubs are read from; without it a stub becomes a fault.
    """
    decoded = Stream[UnitOfWork].of(RawRecords(event, "SQS", _decode_event))
    return with_claim_checks_redeemed(decoded, s3)


def _body(record: dict[str, object]) -> str:
    """The ``body`` of an SQS record, or RecordError naming what is wrong with it."""
    body = record.get("body")
    if body.__class__ is str:
        return body
    if body is None and "body" not in record:
        raise RecordError("record has no body")
    raise RecordError(f"record body is not a string but {type(body).__name__}")


def _decode_raw(record: object) -> UnitOfWork | Fault:
    """The uow of one record, or a Fault carrying it."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: check a plain copy
                return _decode_raw(thaw(record))
            raise RecordError("an SQS record must be a JSON object")
        _body(record)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    return _build(adopt(record), None)


def _decode_event(record: object) -> UnitOfWork | Fault | None:
    """The uow of one record, a Fault carrying it, or None for an event tagged skip."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: decode a plain copy
                return _decode_event(thaw(record))
            raise RecordError("an SQS record must be a JSON object")
        body = _body(record)
        message_id = record.get("messageId")
        event = parse_event(body, message_id if message_id.__class__ is str else None)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    if event.skip:
        return None
    return _build(adopt(record), event)
