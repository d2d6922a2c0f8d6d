"""Alarm: a CloudWatch alarm's state change, from an alarm action or an EventBridge rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lambda_stream.core.uow import UnitOfWork
from lambda_stream.sources.cron import _whole_event_uow
from lambda_stream.stream import Stream

__all__ = ["ALARM_EVENT_TYPE", "from_alarm"]

ALARM_EVENT_TYPE: Final = "CloudWatch Alarm State Change"
"""The ``detail-type`` EventBridge gives an alarm's state change; the type of an alarm action's
payload too, so a pipeline routes both the same way."""


def from_alarm(event: Mapping[str, object]) -> Stream[UnitOfWork]:
    """A single uow whose record is the alarm's payload and whose event is the payload.

    Two payloads reach a function: an alarm action invoking it directly (``alarmArn``,
    ``alarmData.state``, no id) and an EventBridge rule on the alarm's state changes (``id``,
    ``detail-type``, ``detail.state``). The JS library passes either through as the event; an
    Event here needs an ``id`` and a ``type``, so the payload keeps its own when it has them,
    else gets a fresh uuid4 and its ``detail-type``, else `ALARM_EVENT_TYPE`. Every other
    member stays as it is, so ``event["alarmData"]`` or ``event["detail"]`` reads the state.

    >>> from lambda_stream.testing import collect
    >>> [uow] = collect(from_alarm({"alarmArn": "arn", "alarmData": {"state": {"value": "OK"}}}))
    >>> uow.event.type, uow.event["alarmData"]["state"]["value"]
    ('CloudWatch Alarm State Change', 'OK')

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping (or whose ``id`` or ``type`` is not a string) becomes a single fault.
    """
    return Stream[UnitOfWork].of([_whole_event_uow(event, "CloudWatch alarm", ALARM_EVENT_TYPE)])
