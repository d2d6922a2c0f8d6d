"""The thing view's listener: the thing service's events, materialized into the ``Views`` table.

It belongs to another service (``SERVICE`` is not the trigger's): a bus rule routes the thing
events to its queue, and one ``materialize`` rule writes each event's thing over its view row.
The write is conditional on the stored ``timestamp`` being older, so events that arrive out of
order, or twice (a queue delivers at least once), never put an older state back: a stale write
is dropped, not a failure. A soft delete sets ``deleted``; any other event removes it.

A retryable failure (a throttled update) fails its message alone: the response lists it in
``batchItemFailures`` and the queue delivers it again, while the rest of the batch is deleted.

On Lambda the options come from the environment (``ENTITY_TABLE_NAME``, ``BUS_NAME`` for the
fault events, ...), see ``template.yaml``; ``demo`` calls `build` with its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lambda_stream import (
    JsonObject,
    JsonValue,
    LambdaContext,
    LambdaResponse,
    MaterializeRule,
    Options,
    Pipelines,
    UnitOfWork,
    from_sqs_event,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.flavors import Request
from lambda_stream.utils import timestamp_condition, update_expression

__all__ = ["RULES", "build", "handler", "to_view_update"]


def to_view_update(uow: UnitOfWork, rule: MaterializeRule) -> Request:
    """The ``UpdateItem`` request writing the event's thing over its view row, if newer.

    Raises:
        ValueError: the event carries no thing with a string id, or no timestamp (a poison
            message: no retry can fix it).
    """
    event = uow.event
    assert event is not None  # from_sqs_event decodes every message it lets through
    thing = event.get("thing")
    thing_id = thing.get("id") if isinstance(thing, JsonObject) else None
    if not isinstance(thing, JsonObject) or not isinstance(thing_id, str):
        raise ValueError(f"event {event.id} ({event.type}) has no thing with an id")
    if event.timestamp is None:
        raise ValueError(f"event {event.id} ({event.type}) has no timestamp")
    row: dict[str, JsonValue] = {
        **thing.remove("id", "deleted"),
        "discriminator": "thing",
        "deleted": True if event.type == "thing-deleted" else None,  # None removes it
        "timestamp": event.timestamp,
    }
    return {
        "Key": {"pk": thing_id, "sk": "thing"},
        **update_expression(row),
        **timestamp_condition(),
    }


RULES: Final = (
    MaterializeRule(
        id="thing-view",
        event_type=("thing-created", "thing-updated", "thing-deleted", "thing-undeleted"),
        to_update_request=to_view_update,
    ),
)


def build(options: Options, *, ports: Ports | None = None) -> Pipelines:
    """The listener's pipelines; `ports` defaults to connectors built from `options`."""
    return initialize_from(RULES, options, ports=ports)


# Built once per container; template.yaml sets ReportBatchItemFailures on the queue's mapping.
PIPELINES: Final = build(resolve_options(partial_batch_response=True))


def handler(
    event: Mapping[str, object],
    context: LambdaContext | None = None,
    *,
    pipelines: Pipelines | None = None,
) -> LambdaResponse:
    """The Lambda entry point; `pipelines` replaces `PIPELINES` (the demo's, the tests')."""
    return (pipelines or PIPELINES).handle(from_sqs_event(event), context)
