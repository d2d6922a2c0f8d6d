"""A DynamoDB stream trigger: ``thing`` rows of a single table become domain events on the bus.

The entities table holds every kind of row under ``pk``/``sk``, its kind in ``discriminator``.
`from_dynamodb` turns each change of a row into a change event holding the row's images in
``raw``: ``thing-created``, ``thing-updated``, ``thing-deleted`` (a hard delete, or a soft one:
``deleted: true``) or ``thing-undeleted``. The ``thing-events`` pipeline drops the rows a
listener wrote (``latched``), keeps the ``thing`` changes, maps each to a domain event carrying
the entity and publishes it to the bus. TTL expiries are dropped by the source: they are
housekeeping, not a change anyone made.

The handler runs on Lambda as it is: the options come from the environment (``BUS_NAME``,
``SERVICE``, ``STAGE``, ...) and the connectors are built from them on first use.
`__main__` and the tests call `build` with in-memory fakes instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from lambda_stream import (
    JsonObject,
    LambdaContext,
    LambdaResponse,
    Options,
    Pipeline,
    PipelineContext,
    Pipelines,
    UnitOfWork,
    from_dynamodb,
    initialize,
    on_event_type,
    out_latched,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.sinks import publish_to_event_bridge

THING_EVENTS: Final = ("thing-created", "thing-updated", "thing-deleted", "thing-undeleted")
STORAGE: Final = ("pk", "sk", "discriminator", "latched", "ttl", "awsregion", "timestamp")
"""Attributes of the row that are the table's business, not the entity's."""


def to_thing(row: JsonObject) -> JsonObject:
    """The entity of a ``thing`` row: its id and its own attributes, without the storage ones."""
    return JsonObject({"id": row["pk"], **row.remove(*STORAGE)})


def to_domain_event(uow: UnitOfWork) -> UnitOfWork:
    """The change event turned into the domain event, the entity in place of the rows.

    It keeps the change event's id, type, partition key, time and tags; ``thing`` is the entity
    of the new row (of the old one for a hard delete), and ``raw`` goes: the layout of the
    table stays private to this service, the entity is the contract.
    """
    assert uow.event is not None  # from_dynamodb decodes every record it lets through
    raw = uow.event.raw
    assert isinstance(raw, JsonObject)
    row = raw.get_object("new") or raw.get_object("old")
    return uow.with_event(replace(uow.event, extra=JsonObject({"thing": to_thing(row)})))


def thing_events(context: PipelineContext) -> Pipeline:
    publish = publish_to_event_bridge(context.options, context.ports.eventbridge)
    return lambda s: (
        s.filter(on_event_type(THING_EVENTS))  # first: it reads only the event, the cheapest
        .filter(out_latched)
        .map(to_domain_event)
        .through(publish)
    )


def build(options: Options, *, ports: Ports | None = None) -> Pipelines:
    """The trigger's pipelines; `ports` defaults to real connectors built from `options`."""
    return initialize({"thing-events": thing_events}, options, ports=ports)


# Built once per container. Partial batch responses need ReportBatchItemFailures on the event
# source mapping too: without it Lambda ignores the answer and moves past the failed records.
PIPELINES = build(resolve_options(partial_batch_response=True))


def handler(
    event: Mapping[str, object],
    context: LambdaContext | None = None,
    *,
    pipelines: Pipelines | None = None,
) -> LambdaResponse:
    """The Lambda entry point; `pipelines` replaces `PIPELINES` (fakes, in tests)."""
    head = from_dynamodb(event, ignore_ttl_expired_events=True)
    return (pipelines or PIPELINES).handle(head, context)
