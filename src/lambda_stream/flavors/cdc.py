"""The ``cdc`` flavor: a trigger publishing domain events as the rows of its table change.

Changes to latched rows (written by a listener from another service's event) are dropped, so
services syncing the same data do not echo each other; the rule's event types and filters
select the rest; with ``compact`` only each entity's latest change of the batch goes on. A
rule may read related rows first: ``to_query_request`` (or ``query_related``: every row of the
entity's partition key) into ``queryResponse``, ``to_get_request`` into ``batchGetResponse``.
Then ``to_event`` makes the domain event: its fields are merged into the change event, so
the published event keeps the change's ``id``, ``type``, ``partitionKey``, ``timestamp``,
``tags`` and ``raw`` unless it overrides them; with ``event_field`` its result is the whole
event, kept under that key and published from there (the uow's change event stays as it is).
Without ``to_event`` the change event itself is published. Events go to the bus
(``BUS_NAME``) unless the rule names another ``publish`` step.

>>> import re
>>> from lambda_stream import from_dynamodb, initialize_from, resolve_options
>>> from lambda_stream.connectors.ports import Ports
>>> from lambda_stream.testing import InMemoryEventBridge
>>> from lambda_stream.testing.dynamodb import to_dynamodb_records
>>> rule = CdcRule(id="trigger", event_type=re.compile(r"^thing-"),
...                to_event=lambda uow, rule: {"thing": uow.event.raw["new"]})
>>> bus, options = InMemoryEventBridge(), resolve_options({}, bus_name="bus")
>>> records = to_dynamodb_records([{"timestamp": 1600000000, "keys": {"pk": "t1", "sk": "thing"},
...     "newImage": {"pk": "t1", "sk": "thing", "name": "one"}}])
>>> _ = initialize_from([rule], options, ports=Ports(options, eventbridge=bus)).handle(
...     from_dynamodb(records))
>>> [(event["type"], event["thing"]["name"]) for event in bus.events]
[('thing-created', 'one')]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias, cast

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.filters.latch import out_latched
from lambda_stream.flavors.rule import (
    FlavorRule,
    Mapper,
    Request,
    compacted,
    event_only,
    fetched,
    limited,
    queried,
    resolved,
    selected,
)
from lambda_stream.pipelines.context import Pipeline, PipelineContext
from lambda_stream.queries.dynamodb import to_pk_query_request
from lambda_stream.sinks.eventbridge import publish_to_event_bridge
from lambda_stream.stream import Stream

__all__ = ["CdcRule", "EventFields", "Publish", "cdc"]

EventFields: TypeAlias = Mapping[str, JsonValue] | Event
"""What ``to_event`` returns: event fields (a mapping in the wire form), or an `Event`."""

Publish: TypeAlias = Callable[[PipelineContext, Key[Event] | None], Pipeline]
"""Builds the step publishing each uow's event: ``uow.event``, or the one under the key."""

_not_latched = event_only(out_latched)


@dataclass(frozen=True, slots=True, kw_only=True)
class CdcRule(FlavorRule):
    """A ``cdc`` rule (see the module); the shared fields are `FlavorRule`'s.

    Attributes:
        to_event: the domain event's fields for a uow, merged into its change event (or the
            whole event, with `event_field`); None publishes the uow's event as it is.
        event_field: where the event `to_event` makes is kept and published from.
        to_query_request: a query whose items the uow gets as ``queryResponse``.
        query_related: without `to_query_request`, query every row of the event's partition
            key (JS ``queryRelated``).
        pk_fn: the partition key attribute `query_related` queries by.
        to_get_request: a batch get whose answer the uow gets as ``batchGetResponse``.
        table_name: the table queried; ``EVENT_TABLE_NAME``, then ``ENTITY_TABLE_NAME``.
        bus_name: the bus events are published to; ``BUS_NAME`` when None.
        publish: the publishing step, instead of the bus.
    """

    to_event: Mapper[CdcRule, EventFields | None] | None = None
    event_field: Key[Event] | None = None
    to_query_request: Mapper[CdcRule, Request | None] | None = None
    query_related: bool = False
    pk_fn: str = "pk"
    to_get_request: Mapper[CdcRule, Request | None] | None = None
    table_name: str | None = None
    bus_name: str | None = None
    publish: Publish | None = None

    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The ``cdc`` pipeline of this rule."""
        return cdc(self, context)


def cdc(rule: CdcRule, context: PipelineContext) -> Pipeline:
    """The pipeline of a ``cdc`` rule (the JS library's ``cdc`` flavor)."""
    related = rule.to_query_request or (_related if rule.query_related else None)
    query = queried(rule, context, related, table_name=rule.table_name)
    get = fetched(rule, context, rule.to_get_request)
    publish = (rule.publish or _to_bus(rule))(context, rule.event_field)
    rate = limited(rule.rate)
    to_event = None if rule.to_event is None else _to_event(rule)
    parallel = rule.parallel_in(context)

    def pipeline(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        changes = (
            stream.filter(_not_latched)
            .through(selected(rule))
            .through(compacted(rule.compact))
            .through(query)
            .through(get)
        )
        if to_event is not None:
            changes = changes.map_async(to_event, parallel=parallel)
        return changes.through(rate).through(publish)

    return pipeline


def _related(uow: UnitOfWork, rule: CdcRule) -> JsonObject:
    return to_pk_query_request(uow, pk_fn=rule.pk_fn)


def _to_bus(rule: CdcRule) -> Publish:
    def publish(context: PipelineContext, event: Key[Event] | None) -> Pipeline:
        return publish_to_event_bridge(
            context.options,
            context.ports.eventbridge,
            bus_name=rule.bus_name,
            event=event,
            parallel=rule.parallel,
        )

    return publish


def _to_event(rule: CdcRule) -> Callable[[UnitOfWork], Awaitable[UnitOfWork]]:
    assert rule.to_event is not None
    to_event = rule.to_event
    field = rule.event_field

    async def step(uow: UnitOfWork) -> UnitOfWork:
        fields = await resolved(to_event(uow, rule))
        if fields is None:
            return uow
        if field is not None:
            return uow.set(field, fields if isinstance(fields, Event) else Event.from_dict(fields))
        return uow.with_event(_merged(uow.event, fields))

    return step


def _merged(event: Event | None, fields: EventFields) -> Event:
    """``{...event, ...fields}``: a shallow merge, the fields winning, as in the JS library."""
    added = fields.to_dict() if isinstance(fields, Event) else fields
    base = event.to_dict() if event is not None else {}
    return Event.from_dict(cast(Mapping[str, JsonValue], {**base, **added}))  # wire-form JSON
