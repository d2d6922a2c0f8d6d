"""SNS: raw notifications delivered to a subscribed function."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.sources._records import RawRecords, RecordError, adopt, adopt_raw
from lambda_stream.stream import Stream

__all__ = ["from_sns"]


def from_sns(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """The uows of an SNS event, one per notification, each carrying only its record.

    The message is not parsed: the pipeline reads ``uow.record["Sns"]["Message"]`` itself. A
    record that is not an object whose ``Sns`` object has a string ``Message`` becomes a Fault
    carrying the raw record.

    >>> from lambda_stream.testing import collect
    >>> from lambda_stream.testing.sns import to_sns_records
    >>> [uow] = collect(from_sns(to_sns_records([{"msg": "hello"}])))
    >>> uow.record["Sns"]["Message"], uow.event
    ('hello', None)

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``Records`` list (untyped callers) becomes a single fault.
    """
    return Stream[UnitOfWork].of(RawRecords(event, "SNS", _decode))


def _decode(record: object) -> UnitOfWork | Fault:
    """The uow of one record, or a Fault carrying it."""
    try:
        if record.__class__ is not dict:
            if isinstance(record, Mapping):  # a frozen (or other) mapping: check a plain copy
                return _decode(thaw(record))
            raise RecordError("an SNS record must be a JSON object")
        sns = record.get("Sns")
        if sns.__class__ is not dict:
            raise RecordError("record has no Sns object")
        message = sns.get("Message")
        if message.__class__ is not str:
            problem = "no Sns.Message" if message is None else "an Sns.Message that is not text"
            raise RecordError(f"record has {problem}")
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
    return _build(adopt(record), None)
