"""Flavor rules as mypy sees them (assert_type), and as they run (pytest)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import assert_type

from lambda_stream import (
    Event,
    JsonObject,
    JsonValue,
    Key,
    Pipeline,
    PipelineContext,
    Pipelines,
    Rule,
    Stream,
    UnitOfWork,
    from_kinesis,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors.ports import Ports
from lambda_stream.filters import EventTypeMatcher
from lambda_stream.flavors import (
    CdcRule,
    Compact,
    EventFields,
    FlavorRule,
    Mapper,
    MaterializeRule,
    Request,
    UpdateRule,
)
from lambda_stream.testing import InMemoryDynamoDB, InMemoryEventBridge, to_kinesis_records
from lambda_stream.utils import update_expression

EMIT = Key[Event]("emit")
OPTIONS = resolve_options({}, bus_name="bus", entity_table_name="things")


def to_update(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    assert uow.event is not None
    return {"Key": {"pk": uow.event.id, "sk": "thing"}, **update_expression({"n": 1})}


async def to_update_later(uow: UnitOfWork, rule: object) -> JsonObject:
    return JsonObject({"Key": {"pk": "p", "sk": "s"}, **update_expression({"n": 2})})


def test_a_rule_types_its_fields() -> None:
    rule = MaterializeRule(id="m1", event_type=["thing-created"], to_update_request=to_update)
    assert_type(rule.id, str)
    assert_type(rule.event_type, EventTypeMatcher)
    assert_type(rule.filters, Sequence[Callable[[UnitOfWork], object]])
    assert_type(rule.parallel, int | None)
    assert_type(rule.compact, bool | Compact)
    assert_type(
        rule.to_update_request,
        Callable[[UnitOfWork, MaterializeRule], Request | Awaitable[Request | None] | None],
    )
    assert rule.event_type == ("thing-created",)  # the list was copied into a tuple


def test_the_mapper_alias_spells_a_rules_mapper() -> None:
    rule = UpdateRule(id="u1", event_type="x", to_update_request=to_update_later)
    assert_type(rule.to_update_request, Mapper[UpdateRule, Request | None])
    assert_type(rule.to_query_request, Mapper[UpdateRule, Request | None] | None)


def test_cdc_to_event_gives_event_fields_and_event_field_is_an_event_key() -> None:
    rule = CdcRule(id="c1", event_type=re.compile("^thing-"), event_field=EMIT)
    assert_type(rule.to_event, Mapper[CdcRule, EventFields | None] | None)
    assert_type(rule.event_field, Key[Event] | None)


def test_sync_and_async_mappers_and_lambdas_are_accepted() -> None:
    rules: list[FlavorRule] = [
        MaterializeRule(id="sync", event_type="a", to_update_request=to_update),
        MaterializeRule(id="async", event_type="a", to_update_request=to_update_later),
        MaterializeRule(id="lambda", event_type="a", to_update_request=lambda uow, rule: None),
        CdcRule(id="cdc", event_type=lambda t: t.startswith("a"), to_event=lambda u, r: {}),
    ]
    assert [rule.id for rule in rules] == ["sync", "async", "lambda", "cdc"]


def test_every_flavor_rule_is_a_rule_for_initialize_from() -> None:
    rules = [
        MaterializeRule(id="m1", event_type="thing-created", to_update_request=to_update),
        CdcRule(id="c1", event_type="thing-created"),
        UpdateRule(id="u1", event_type="thing-created", to_update_request=to_update_later),
    ]
    as_rules: list[Rule] = list(rules)
    ports = Ports(OPTIONS, dynamodb=InMemoryDynamoDB(), eventbridge=InMemoryEventBridge())
    pipelines = initialize_from(as_rules, OPTIONS, ports=ports)
    assert_type(pipelines, Pipelines)
    assert pipelines.enabled == ("m1", "c1", "u1")


def test_a_rules_pipeline_is_a_pipeline() -> None:
    rule = CdcRule(id="c1", event_type="thing-created")
    context = PipelineContext(id="c1", options=OPTIONS, logger=_logger(), ports=_ports())
    pipeline = rule.pipeline(context)
    assert_type(pipeline, Pipeline)
    assert_type(pipeline(from_kinesis(to_kinesis_records([]))), Stream[UnitOfWork])


def _ports() -> Ports:
    return Ports(OPTIONS, eventbridge=InMemoryEventBridge())


def _logger() -> logging.Logger:
    return logging.getLogger("typesafety")
