"""An SQS consumer with partial batch failures: ``thing`` events materialized into a view table.

Each message body is a domain event (as a bus rule or another service's ``send_to_sqs`` puts
it on the queue). The ``view`` pipeline keeps the ``thing`` events, maps each to an UpdateItem
request on the view row of its thing and writes it with `update_dynamodb`. The request is
conditional on the stored ``timestamp`` being older, so messages that arrive out of order, or
twice, never put an older state back.

Failures are values, and each kind goes its own way:

- an update DynamoDB throttles (or any other retryable failure) fails its message only: the
  response lists it in ``batchItemFailures`` and SQS delivers it again, while the rest of the
  batch is deleted from the queue;
- a poison message (here, a thing without an id: retrying cannot fix it) becomes a fault event
  on the bus, where it can be inspected and resubmitted, and the batch moves on.

The handler runs on Lambda as it is: the options come from the environment (``BUS_NAME`` for
the fault events, ``ENTITY_TABLE_NAME`` for the view, ...) and the connectors are built from
them on first use. `__main__` and the tests call `build` with in-memory fakes instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lambda_stream import (
    JsonObject,
    JsonValue,
    LambdaContext,
    LambdaResponse,
    Options,
    Pipeline,
    PipelineContext,
    Pipelines,
    UnitOfWork,
    from_sqs_event,
    initialize,
    on_event_type,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.sinks import update_dynamodb
from lambda_stream.sinks.dynamodb import UPDATE_REQUEST
from lambda_stream.utils import timestamp_condition, update_expression

THING_EVENTS: Final = ("thing-created", "thing-updated", "thing-deleted", "thing-undeleted")


def to_update_request(uow: UnitOfWork) -> UnitOfWork:
    """The UpdateItem request writing the thing of the event over its view row.

    The row is keyed ``pk`` = the thing's id, ``sk`` = ``thing``; ``deleted`` is set by a
    ``thing-deleted`` event and removed by any other (``None`` is a REMOVE).

    Raises:
        ValueError: the event has no timestamp, no thing, or a thing without a string id (a
            poison message: no retry can fix it).
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
        **thing.remove("id"),
        "discriminator": "thing",
        "deleted": True if event.type == "thing-deleted" else None,
        "latched": True,  # a listener's write: a trigger on this table does not publish it
        "timestamp": event.timestamp,
    }
    request = JsonObject(
        {"Key": {"pk": thing_id, "sk": "thing"}, **update_expression(row), **timestamp_condition()}
    )
    return uow.set(UPDATE_REQUEST, request)


def view(context: PipelineContext) -> Pipeline:
    update = update_dynamodb(context.options, context.ports.dynamodb)
    return lambda s: s.filter(on_event_type(THING_EVENTS)).map(to_update_request).through(update)


def build(options: Options, *, ports: Ports | None = None) -> Pipelines:
    """The consumer's pipelines; `ports` defaults to real connectors built from `options`."""
    return initialize({"view": view}, options, ports=ports)


# Built once per container. Partial batch responses need ReportBatchItemFailures on the event
# source mapping too: without it Lambda ignores the answer and deletes the failed messages.
PIPELINES = build(resolve_options(partial_batch_response=True))


def handler(
    event: Mapping[str, object],
    context: LambdaContext | None = None,
    *,
    pipelines: Pipelines | None = None,
) -> LambdaResponse:
    """The Lambda entry point; `pipelines` replaces `PIPELINES` (fakes, in tests)."""
    return (pipelines or PIPELINES).handle(from_sqs_event(event), context)
