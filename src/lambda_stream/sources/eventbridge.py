"""EventBridge: a rule targeting the function directly; one invocation carries one event."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.queries.claimcheck import with_claim_checks_redeemed
from lambda_stream.sources._records import RecordError, adopt, adopt_raw
from lambda_stream.stream import Stream
from lambda_stream.utils.compression import decompress

__all__ = ["from_eventbridge"]


def from_eventbridge(
    event: Mapping[str, object], *, s3: S3Port | None = None
) -> Stream[UnitOfWork]:
    """The uow of an EventBridge invocation, carrying the event of its ``detail``.

    The event is ``{id: detail.id or event.id, **detail}``, as the JS library builds it; an
    AWS service event, whose detail has no ``type``, takes its ``detail-type`` as type. Unlike
    the JS library, which skips these three steps, compressed members are revived, an event
    tagged ``skip`` is dropped and a claim-check stub is redeemed through `s3`.

    >>> from lambda_stream.testing import collect
    >>> event = {"id": "0", "detail-type": "t", "detail": {"type": "t", "thing": {"n": 1}}}
    >>> [uow] = collect(from_eventbridge(event))
    >>> uow.event.to_dict()
    {'id': '0', 'type': 't', 'thing': {'n': 1}}

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``detail`` object holding an event becomes a single fault carrying
            the whole event.
        s3: where claim-check stubs are read from; without it a stub becomes a fault.
    """
    item = _decode(event)
    items: list[UnitOfWork | Fault] = [] if item is None else [item]
    return with_claim_checks_redeemed(Stream[UnitOfWork].of(items), s3)


def _decode(event: object) -> UnitOfWork | Fault | None:
    """The uow of the invocation, a Fault carrying it, or None for an event tagged skip."""
    try:
        if not isinstance(event, Mapping):
            raise RecordError(
                f"an EventBridge event must be a JSON object, got {type(event).__name__}"
            )
        # A private copy: one event is cheap to copy, and input that is not JSON fails here.
        record: dict[str, object] = thaw(event)  # type: ignore[assignment]  # a Mapping thaws to a dict
        detail = record.get("detail")
        if detail.__class__ is not dict:
            raise RecordError("an EventBridge event needs a 'detail' object")
        data: dict[str, object] = decompress(detail)  # type: ignore[assignment]  # a dict stays one
        if data.get("id") is None:  # the envelope's id is only the fallback: detail.id wins
            data.pop("id", None)
            envelope_id = record.get("id")
            data = {"id": envelope_id, **data} if envelope_id.__class__ is str else data
        if data.get("type") is None:  # an AWS service event: its detail-type names it
            data.pop("type", None)
            detail_type = record.get("detail-type")
            if detail_type.__class__ is str:
                data["type"] = detail_type
        decoded = Event._adopt(data)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(event)))
    if decoded.skip:
        return None
    return _build(adopt(record), decoded)
