"""Kinesis: each record's ``kinesis.data`` is base64 JSON of an Event."""

from __future__ import annotations

import binascii
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

__all__ = ["from_kinesis"]


def from_kinesis(event: Mapping[str, object], *, s3: S3Port | None = None) -> Stream[UnitOfWork]:
    """The uows of a Kinesis event, one per record, each carrying its decoded Event.

    The event's own ``id`` wins over the record's ``eventID``; compressed members are revived;
    events tagged ``skip`` are dropped; claim-check stubs are redeemed through `s3`. A record
    that cannot be decoded (bad base64, invalid UTF-8, not a JSON object, not an event) becomes
    a Fault carrying the raw record.

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
        s3: where claim-check stubs are read from; without it a stub becomes a fault.
    """
    decoded = Stream[UnitOfWork].of(RawRecords(event, "Kinesis", _decode))
    return with_claim_checks_redeemed(decoded, s3)


def _decode(record: object) -> UnitOfWork | Fault | None:
    """The uow of one record, a Fault carrying it, or None for an event tagged skip."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: decode a plain copy
                return _decode(thaw(record))
            raise RecordError("a Kinesis record must be a JSON object")
        try:
            data = record["kinesis"]["data"]
        except (KeyError, TypeError):
            raise RecordError("record has no kinesis.data") from None
        if data.__class__ is not str:
            raise RecordError("record kinesis.data is not a string")
        try:
            payload = binascii.a2b_base64(data, strict_mode=True)
        except binascii.Error as error:
            raise RecordError(f"record kinesis.data is not base64: {error}") from None
        event_id = record.get("eventID")
        event = parse_event(
            payload.decode("utf-8"), event_id if event_id.__class__ is str else None
        )
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    if event.skip:
        return None
    return _build(adopt(record), event)
