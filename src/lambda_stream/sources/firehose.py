"""Firehose: a data-transformation invocation; each record's ``data`` is base64 JSON of an Event.

Every uow carries its record's ``recordId`` and the ``result`` Firehose is to be told,
``"Dropped"`` until a transforming pipeline sets ``"Ok"``; `firehose_response` (in
``lambda_stream.runtime.firehose``) turns the invocation into the answer Firehose expects.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from typing import Literal, TypeAlias

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import Key, UnitOfWork, _build
from lambda_stream.queries.claimcheck import with_claim_checks_redeemed
from lambda_stream.sources._records import RawRecords, RecordError, adopt, adopt_raw, parse_event
from lambda_stream.stream import Stream

__all__ = ["FIREHOSE_RECORD_ID", "FIREHOSE_RESULT", "FirehoseResult", "from_firehose"]

FirehoseResult: TypeAlias = Literal["Ok", "Dropped", "ProcessingFailed"]
"""What Firehose is told of a record: transformed, dropped on purpose, or failed."""

FIREHOSE_RECORD_ID: Key[str] = Key("recordId")
"""The ``recordId`` of the record a uow came from."""
FIREHOSE_RESULT: Key[FirehoseResult] = Key("result")
"""The result of the record so far: ``"Dropped"`` from the source, ``"Ok"`` once transformed."""


def from_firehose(event: Mapping[str, object], *, s3: S3Port | None = None) -> Stream[UnitOfWork]:
    """The uows of a Firehose transformation invocation, one per record.

    Each uow carries the decoded Event (its own ``id`` wins over the ``recordId``, the
    fallback), `FIREHOSE_RECORD_ID` and `FIREHOSE_RESULT` (``"Dropped"``). Compressed members
    are revived; events tagged ``skip`` are dropped (Firehose is still answered for them, see
    `firehose_response`); claim-check stubs are redeemed through `s3`. A record that cannot
    be decoded (no ``data``, bad base64, invalid UTF-8, not a JSON object, not an event)
    becomes a Fault carrying the raw record.

    >>> from lambda_stream.testing import collect
    >>> from lambda_stream.testing.firehose import to_firehose_records
    >>> [uow] = collect(from_firehose(to_firehose_records([{"id": "1", "type": "t"}])))
    >>> uow.event.id, uow[FIREHOSE_RECORD_ID], uow[FIREHOSE_RESULT]
    ('1', '0', 'Dropped')

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``records`` list becomes a single fault.
        s3: where claim-check stubs are read from; without it a stub becomes a fault.
    """
    decoded = Stream[UnitOfWork].of(RawRecords(event, "Firehose", _decode, key="records"))
    return with_claim_checks_redeemed(decoded, s3)


def _decode(record: object) -> UnitOfWork | Fault | None:
    """The uow of one record, a Fault carrying it, or None for an event tagged skip."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: decode a plain copy
                return _decode(thaw(record))
            raise RecordError("a Firehose record must be a JSON object")
        record_id = record.get("recordId")
        if record_id.__class__ is not str:
            raise RecordError("record has no recordId string")
        data = record.get("data")
        if data is None:
            raise RecordError("record has no data")
        if data.__class__ is not str:
            raise RecordError("record data is not a string")
        try:
            payload = binascii.a2b_base64(data, strict_mode=True)
        except binascii.Error as error:
            raise RecordError(f"record data is not base64: {error}") from None
        event = parse_event(payload.decode("utf-8"), record_id)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    if event.skip:
        return None
    attrs = {FIREHOSE_RECORD_ID.name: record_id, FIREHOSE_RESULT.name: "Dropped"}
    return _build(adopt(record), event, attrs=attrs)
