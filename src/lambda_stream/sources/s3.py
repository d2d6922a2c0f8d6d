"""S3: raw notifications, notifications relayed by SNS and SQS, and the events they point at."""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import unquote_plus

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject, _adopt_object, thaw
from lambda_stream.core.uow import Key, UnitOfWork, _build
from lambda_stream.filters.skip import out_skip
from lambda_stream.sources._records import (
    RawRecords,
    RecordError,
    adopt,
    adopt_raw,
    member,
    parse_event,
)
from lambda_stream.sources.sqs import _body
from lambda_stream.stream import Stream

__all__ = [
    "GET_REQUEST",
    "GET_RESPONSE",
    "S3EventError",
    "from_s3",
    "from_s3_event",
    "from_sqs_sns_s3",
]

GET_REQUEST: Key[JsonObject] = Key("getRequest")
"""The ``{Bucket, Key}`` `from_s3_event` read the event from."""
GET_RESPONSE: Key[JsonObject] = Key("getResponse")
"""The S3 response `from_s3_event` got, ``Body`` as text."""

# What S3 sends once when a notification is configured: no Records, nothing to process.
_TEST_EVENT = "s3:TestEvent"


class S3EventError(RuntimeError):
    """The object an S3 notification names cannot be read: no S3 port was given."""


def from_s3(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """The uows of an S3 notification event, one per record, each carrying only its record.

    A record that is not an object with an ``s3`` object becomes a Fault carrying the record.

    >>> from lambda_stream.testing import collect
    >>> from lambda_stream.testing.s3 import to_s3_records
    >>> notification = {"bucket": {"name": "b"}, "object": {"key": "k"}}
    >>> [uow] = collect(from_s3(to_s3_records([notification])))
    >>> uow.record["s3"]["object"]["key"], uow.event
    ('k', None)

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
    """
    return Stream[UnitOfWork].of(RawRecords(event, "S3", _decode_s3))


def from_sqs_sns_s3(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """The uows of S3 notifications published to SNS and queued in SQS, one per S3 record.

    Each uow's record is ``{"sqs": <SQS record>, "sns": <SNS notification from the body>,
    "s3": <one S3 record of its Message>}``, the JS library's shape. A message whose body is
    not an SNS notification or whose ``Message`` is not an S3 notification becomes a Fault
    carrying the raw SQS record; the test event S3 sends when a notification is configured
    (``s3:TestEvent``, no ``Records``) yields nothing.

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
    """
    # A message stands for the batch of its S3 records (the SQS message is what Lambda retries)
    messages = Stream[UnitOfWork].of(RawRecords(event, "SQS", _decode_sqs_sns_s3))
    return messages.flat_map(_s3_records)


def from_s3_event(
    event: Mapping[str, object], *, s3: S3Port | None = None, parallel: int = 8
) -> Stream[UnitOfWork]:
    """`from_sqs_sns_s3`, then the Event stored in each object the notifications name.

    Each uow gets ``getRequest`` (``{Bucket, Key}``, the key URL-decoded as S3 notifications
    encode it), ``getResponse`` (the S3 response, ``Body`` as text) and the event parsed from
    the body (compressed members revived, an SNS or EventBridge envelope unwrapped). Events
    tagged ``skip`` are dropped. An object that cannot be read or is not an event is a fault of
    its uow; a read that failed retryably (throttling, 5xx, a timeout) stays retryable.

    Without an S3 port nothing can be read: every S3 record becomes a fault (`S3EventError`),
    to be resubmitted once a port is configured.

    Args:
        event: the Lambda event; treated as read-only from here on.
        s3: where the objects are read from.
        parallel: how many objects are read at a time.
    """
    located = from_sqs_sns_s3(event).map(_with_get_request)
    if s3 is None:
        return located.map(_unreadable)
    port = s3

    async def read(uow: UnitOfWork) -> UnitOfWork:
        request = uow[GET_REQUEST]
        bucket, key = request.get_str("Bucket") or "", request.get_str("Key") or ""
        stored = await port.get_object(Bucket=bucket, Key=key)
        text = stored.text()
        response = stored.response.set("Body", text)
        return uow.set(GET_RESPONSE, response).with_event(parse_event(text, None))

    return located.map_async(read, parallel=parallel).filter(out_skip)


def _decode_s3(record: object) -> UnitOfWork | Fault:
    """The uow of one S3 record, or a Fault carrying it."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: check a plain copy
                return _decode_s3(thaw(record))
            raise RecordError("an S3 record must be a JSON object")
        if record.get("s3").__class__ is not dict:
            raise RecordError("record has no s3 object")
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    return _build(adopt(record), None)


def _decode_sqs_sns_s3(record: object) -> UnitOfWork | Fault | None:
    """A uow for the SQS record standing for the batch of its S3 records; a Fault; or None."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: decode a plain copy
                return _decode_sqs_sns_s3(thaw(record))
            raise RecordError("an SQS record must be a JSON object")
        envelope = _object(_body(record), "body")
        message = envelope.get("Message")
        if message.__class__ is not str:
            raise RecordError("record body is not an SNS notification: it has no Message text")
        notification = _object(message, "SNS Message")
        entries = notification.get("Records")
        if entries.__class__ is not list:
            if notification.get("Event") == _TEST_EVENT:
                return None
            raise RecordError("the SNS Message is not an S3 notification: it has no Records list")
        for index, entry in enumerate(entries):
            if entry.__class__ is not dict:
                raise RecordError(f"S3 notification record {index} is not a JSON object")
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    if not entries:
        return None
    # The S3 uows share the SQS record and the envelope: read-only views, nothing is copied
    members = tuple(
        _build(_adopt_object({"sqs": record, "sns": envelope, "s3": entry}), None)
        for entry in entries
    )
    return _build(adopt(record), None, None, members)


def _object(text: str, what: str) -> dict[str, object]:
    """The JSON object in `text`; RecordError when it is not JSON or not an object."""
    try:
        value = json.loads(text)  # no reviver: notifications are not compressed
    except json.JSONDecodeError as error:
        raise RecordError(f"record {what} is not JSON: {error}") from None
    if value.__class__ is not dict:
        raise RecordError(f"record {what} is not a JSON object")
    return value


def _s3_records(message: UnitOfWork) -> tuple[UnitOfWork, ...]:
    return message.batch


def _with_get_request(uow: UnitOfWork) -> UnitOfWork:
    """`uow` with ``getRequest``: the bucket and the (URL-decoded) key its S3 record names."""
    bucket = member(uow.record, "s3", "s3", "bucket", "name")
    key = member(uow.record, "s3", "s3", "object", "key")
    if bucket.__class__ is not str or key.__class__ is not str:
        raise RecordError("record s3.s3.bucket.name and s3.s3.object.key must be strings")
    # S3 notifications URL-encode the key ("a b.json" arrives as "a+b.json")
    request = _adopt_object({"Bucket": bucket, "Key": unquote_plus(key)})
    return uow.set(GET_REQUEST, request)


def _unreadable(uow: UnitOfWork) -> UnitOfWork:
    request = uow[GET_REQUEST]
    location = f"s3://{request.get_str('Bucket')}/{request.get_str('Key')}"
    raise S3EventError(f"{location} cannot be read: no S3 port was given")
