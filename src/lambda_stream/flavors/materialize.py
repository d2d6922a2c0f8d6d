"""The ``materialize`` flavor: a listener writing the events it receives into its own table.

Events this service published itself are dropped; the rule's event types and filters select
the rest; with ``compact`` only each entity's latest event of the batch is written, standing
for all of them; ``split_on`` makes a uow per element of a list; then ``to_update_request``
builds each ``UpdateItem`` request (``to_fallback_update_request`` the one to try when its
condition fails) and the update goes to the rule's table, or ``ENTITY_TABLE_NAME``.

>>> from lambda_stream import from_kinesis, initialize_from, resolve_options
>>> from lambda_stream.connectors.ports import Ports
>>> from lambda_stream.testing import InMemoryDynamoDB, to_kinesis_records
>>> from lambda_stream.utils import update_expression
>>> rule = MaterializeRule(
...     id="things", event_type="thing-created", table_name="things",
...     to_update_request=lambda uow, rule: {
...         "Key": {"pk": uow.event.partition_key, "sk": "thing"},
...         **update_expression(uow.event["thing"])})
>>> db, options = InMemoryDynamoDB(), resolve_options({})
>>> events = [{"id": "e1", "type": "thing-created", "partitionKey": "t1", "thing": {"n": 1}}]
>>> _ = initialize_from([rule], options, ports=Ports(options, dynamodb=db)).handle(
...     from_kinesis(to_kinesis_records(events)))
>>> db.items("things")
[JsonObject({'pk': 't1', 'sk': 'thing', 'n': 1})]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lambda_stream.core.json import FrozenJson
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.filters.source import out_source_is_self
from lambda_stream.flavors.rule import (
    FlavorRule,
    Mapper,
    Request,
    adorn,
    compacted,
    limited,
    selected,
)
from lambda_stream.pipelines.context import Pipeline, PipelineContext
from lambda_stream.sinks.dynamodb import FALLBACK_UPDATE_REQUEST, UPDATE_REQUEST, update_dynamodb
from lambda_stream.stream import Stream
from lambda_stream.utils.split import SPLIT, SplitOn, split_object

__all__ = ["MaterializeRule", "materialize"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MaterializeRule(FlavorRule):
    """A ``materialize`` rule (see the module); the shared fields are `FlavorRule`'s.

    Attributes:
        to_update_request: the ``UpdateItem`` request for a uow (``Key``, the expression and
            its names and values, a condition); None writes nothing for it.
        to_fallback_update_request: the update to run once instead when the condition of the
            first does not hold.
        table_name: the table; ``ENTITY_TABLE_NAME`` when None.
        split_on: the list to make a uow per element of (see `utils.split.split_object`).
        split_target: where each split uow carries its element.
        split_omit: names of values the split uows leave out.
        throw_condition_failure: a failed condition is a fault of the uow, not a stale write
            to ignore.
    """

    to_update_request: Mapper[MaterializeRule, Request | None]
    to_fallback_update_request: Mapper[MaterializeRule, Request | None] | None = None
    table_name: str | None = None
    split_on: SplitOn = None
    split_target: Key[FrozenJson] = SPLIT
    split_omit: Sequence[str] = ()
    throw_condition_failure: bool = False

    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The ``materialize`` pipeline of this rule."""
        return materialize(self, context)


def materialize(rule: MaterializeRule, context: PipelineContext) -> Pipeline:
    """The pipeline of a ``materialize`` rule (the JS library's ``materialize`` flavor)."""
    options = context.options
    build_requests = adorn(
        rule,
        rule.parallel_in(context),
        (UPDATE_REQUEST, rule.to_update_request),
        (FALLBACK_UPDATE_REQUEST, rule.to_fallback_update_request),
    )
    write = update_dynamodb(
        options,
        context.ports.dynamodb,
        table_name=rule.table_name,
        throw_condition_failure=rule.throw_condition_failure,
        parallel=rule.parallel,
    )
    split = split_object(rule.split_on, target=rule.split_target, omit=rule.split_omit)
    rate = limited(rule.rate)

    def pipeline(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return (
            stream.filter(out_source_is_self(options))
            .through(selected(rule))
            .through(compacted(rule.compact))
            .through(split)
            .through(build_requests)
            .through(rate)
            .through(write)
        )

    return pipeline
