"""EventBridge events as a rule delivers them to a function, built from Events."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue, thaw
from lambda_stream.testing._common import region

__all__ = ["to_eventbridge_record"]


def to_eventbridge_record(
    event: Event | Mapping[str, JsonValue], *, aws_region: str | None = None
) -> dict[str, object]:
    """The EventBridge event carrying `event` in its ``detail``, shaped as the JS helper does.

    The region is `aws_region`, else ``AWS_REGION``, else ``us-west-2`` (the JS helper of 1.2.0
    reads ``AWS_REGION`` too; 1.0.0 wrote ``us-west-1`` whatever the environment).

    >>> record = to_eventbridge_record({"id": "1", "type": "thing-created"}, aws_region="eu-west-1")
    >>> record["detail-type"], record["region"], record["detail"]
    ('thing-created', 'eu-west-1', {'id': '1', 'type': 'thing-created'})
    """
    detail = event.to_dict() if isinstance(event, Event) else thaw(event)
    return {
        "version": "0",
        "id": "0",
        "source": "test",
        "region": region(aws_region),
        "detail-type": event.type if isinstance(event, Event) else event.get("type"),
        "detail": detail,
    }
