"""Kinesis: each record's ``kinesis.data`` is base64 JSON of an Event."""

from __future__ import annotations

import base64
import binascii

from lambda_stream.core.json import JsonObject
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.sources._records import RecordError, member, parse_event, records
from lambda_stream.stream import Stream

__all__ = ["from_kinesis"]


def from_kinesis(event: object) -> Stream[UnitOfWork]:
    """The uows of a Kinesis event, one per record, each carrying its decoded Event.

    The event's own ``id`` wins over the record's ``eventID``; compressed members are revived;
    events tagged ``skip`` are dropped. A record that cannot be decoded (bad base64, invalid
    UTF-8, not a JSON object, not an event) becomes a Fault carrying the raw record.

    Args:
        event: the Lambda event; treated as read-only from here on.
    """
    return Stream[UnitOfWork].of(records(event, "Kinesis")).map(_decode).filter(_not_skipped)


def _decode(uow: UnitOfWork) -> UnitOfWork:
    record = uow.record
    if not isinstance(record, JsonObject):
        raise RecordError("a Kinesis record must be a JSON object")
    data = member(record, "kinesis", "data")
    if not isinstance(data, str):
        raise RecordError("record kinesis.data is not a string")
    try:
        payload = base64.b64decode(data, validate=True)
    except binascii.Error as error:
        raise RecordError(f"record kinesis.data is not base64: {error}") from None
    return uow.with_event(parse_event(payload.decode("utf-8"), record.get_str("eventID")))


def _not_skipped(uow: UnitOfWork) -> bool:
    return uow.event is None or not uow.event.skip
