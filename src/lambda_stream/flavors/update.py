"""The ``update`` flavor: derived updates, from change events or from collected events.

Changes to latched rows are dropped unless ``skip_latched`` (an event that did not come from a
table stream, with no ``raw``, is kept: the JS filter crashes the batch on it). A collected
event (a row of a micro event store, see `flavors.collected`) is first turned back into the
event it stores. The rule's event types and filters select; ``compact`` keeps each entity's
latest uow of the batch; ``to_query_request`` reads related items into ``queryResponse``,
which ``split_on`` may split into a uow per item; ``to_get_request`` reads items by key into
``batchGetResponse``; then ``to_update_request`` (and ``to_fallback_update_request``) build
the update, written to the rule's table, or ``ENTITY_TABLE_NAME``.

Unlike the JS flavor, a split puts each element under ``split`` (`split_target`), not over
``queryResponse``: the items of a query and one of them are not the same type of value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lambda_stream.core.json import FrozenJson
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.filters.latch import out_latched
from lambda_stream.flavors.collected import is_collected_event, normalize
from lambda_stream.flavors.rule import (
    FlavorRule,
    Mapper,
    Request,
    adorn,
    compacted,
    event_only,
    fetched,
    limited,
    queried,
    selected,
)
from lambda_stream.pipelines.context import Pipeline, PipelineContext
from lambda_stream.sinks.dynamodb import FALLBACK_UPDATE_REQUEST, UPDATE_REQUEST, update_dynamodb
from lambda_stream.stream import Stream
from lambda_stream.utils.split import SPLIT, SplitOn, split_object

__all__ = ["UpdateRule", "update"]

_not_latched = event_only(out_latched)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateRule(FlavorRule):
    """An ``update`` rule (see the module); the shared fields are `FlavorRule`'s.

    Attributes:
        to_update_request: the ``UpdateItem`` request for a uow; None writes nothing for it.
        to_fallback_update_request: the update to run once instead when the condition of the
            first does not hold.
        to_query_request: a query whose items the uow gets as ``queryResponse``.
        to_get_request: a batch get whose answer the uow gets as ``batchGetResponse``.
        split_on: the list to make a uow per element of, e.g. ``QUERY_RESPONSE``.
        split_target: where each split uow carries its element.
        split_omit: names of values the split uows leave out.
        skip_latched: keep changes to latched rows too (JS ``skipLatched``).
        table_name: the table queried and written; ``ENTITY_TABLE_NAME`` when None (queries:
            ``EVENT_TABLE_NAME`` first).
        throw_condition_failure: a failed condition is a fault of the uow, not a stale write
            to ignore.
    """

    to_update_request: Mapper[UpdateRule, Request | None]
    to_fallback_update_request: Mapper[UpdateRule, Request | None] | None = None
    to_query_request: Mapper[UpdateRule, Request | None] | None = None
    to_get_request: Mapper[UpdateRule, Request | None] | None = None
    split_on: SplitOn = None
    split_target: Key[FrozenJson] = SPLIT
    split_omit: Sequence[str] = ()
    skip_latched: bool = False
    table_name: str | None = None
    throw_condition_failure: bool = False

    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The ``update`` pipeline of this rule."""
        return update(self, context)


def update(rule: UpdateRule, context: PipelineContext) -> Pipeline:
    """The pipeline of an ``update`` rule (the JS library's ``update`` flavor)."""
    query = queried(rule, context, rule.to_query_request, table_name=rule.table_name)
    split = split_object(rule.split_on, target=rule.split_target, omit=rule.split_omit)
    get = fetched(rule, context, rule.to_get_request)
    build_requests = adorn(
        rule,
        rule.parallel_in(context),
        (UPDATE_REQUEST, rule.to_update_request),
        (FALLBACK_UPDATE_REQUEST, rule.to_fallback_update_request),
    )
    rate = limited(rule.rate)
    write = update_dynamodb(
        context.options,
        context.ports.dynamodb,
        table_name=rule.table_name,
        throw_condition_failure=rule.throw_condition_failure,
        parallel=rule.parallel,
    )

    def pipeline(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        changes = stream if rule.skip_latched else stream.filter(_not_latched)
        return (
            changes.map(_normalized)
            .through(selected(rule))
            .through(compacted(rule.compact))
            .through(query)
            .through(split)
            .through(get)
            .through(build_requests)
            .through(rate)
            .through(write)
        )

    return pipeline


def _normalized(uow: UnitOfWork) -> UnitOfWork:
    """A collected event as the event it stores; any other uow as it is."""
    return normalize(uow) if is_collected_event(uow) else uow
