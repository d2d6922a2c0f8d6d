"""Cron: a scheduled invocation (an EventBridge schedule rule, or EventBridge Scheduler)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final

from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.sources._records import RecordError, adopt, adopt_raw
from lambda_stream.stream import Stream

__all__ = ["SCHEDULED_EVENT_TYPE", "from_cron"]

SCHEDULED_EVENT_TYPE: Final = "Scheduled Event"
"""The ``detail-type`` of EventBridge's scheduled events; the type of a payload without one."""


def from_cron(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """A single uow whose record is the invocation's payload and whose event is the payload.

    The JS library passes the payload through as the event; an Event here needs an ``id`` and
    a ``type``, so a payload without them gets them: the ``id`` of a scheduled event (a fresh
    uuid4 for a constant input without one), its own ``type``, else its ``detail-type``, else
    `SCHEDULED_EVENT_TYPE`. Every other member stays as it is.

    >>> from lambda_stream.testing import collect
    >>> [uow] = collect(from_cron({"id": "89d1", "detail-type": "Scheduled Event", "detail": {}}))
    >>> uow.event.to_dict()
    {'id': '89d1', 'type': 'Scheduled Event', 'detail-type': 'Scheduled Event', 'detail': {}}

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping (or whose ``id`` or ``type`` is not a string) becomes a single fault.
    """
    return Stream[UnitOfWork].of([_whole_event_uow(event, "cron", SCHEDULED_EVENT_TYPE)])


def _whole_event_uow(event: object, source: str, default_type: str) -> UnitOfWork | Fault:
    """The uow ``{record: event, event}`` of a payload that is its own event, or a Fault.

    A missing (or null) ``id`` becomes a uuid4; a missing ``type`` the ``detail-type``, else
    `default_type`.
    """
    try:
        if not isinstance(event, Mapping):
            raise RecordError(f"a {source} event must be a JSON object, got {type(event).__name__}")
        # A private copy: one event is cheap to copy, and input that is not JSON fails here.
        record: dict[str, object] = thaw(event)  # type: ignore[assignment]  # a Mapping thaws to a dict
        data = dict(record)  # the event's own top level; the members are shared, read-only
        if data.get("id") is None:
            data["id"] = str(uuid.uuid4())
        if data.get("type") is None:
            detail_type = record.get("detail-type")
            data["type"] = detail_type if detail_type.__class__ is str else default_type
        decoded = Event._adopt(data)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(event)))
    return _build(adopt(record), decoded)
