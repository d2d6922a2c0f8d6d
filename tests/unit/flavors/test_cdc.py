"""The cdc flavor: table changes into domain events on the bus."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

import pytest

from lambda_stream import (
    Event,
    JsonObject,
    JsonValue,
    Key,
    Pipeline,
    PipelineContext,
    UnitOfWork,
    from_dynamodb,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors.ports import Ports
from lambda_stream.flavors import CdcRule, Rate
from lambda_stream.queries.dynamodb import BATCH_GET_RESPONSE, QUERY_RESPONSE, to_get_request
from lambda_stream.testing import InMemoryDynamoDB, InMemoryEventBridge
from tests.unit.flavors.running import Ran, changes
from tests.unit.stream.clock import Clock, at_most

EMIT = Key[Event]("emit")
PUBLISHED = Key[str]("published")

RULE = CdcRule(id="trigger", event_type=re.compile(r"^thing-"))


def _change(n: int, **fields: JsonValue) -> dict[str, JsonValue]:
    keys: dict[str, JsonValue] = {"pk": f"t{n}", "sk": "thing"}
    return {"timestamp": 1600000000 + n, "keys": keys, "newImage": {**keys, "n": n, **fields}}


def _new(uow: UnitOfWork) -> JsonObject:
    assert uow.event is not None
    raw = uow.event.raw
    assert isinstance(raw, JsonObject)
    return raw.get_object("new")


def _thing(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
    return {"thing": _new(uow)}


def test_without_to_event_the_change_event_is_published() -> None:
    ran = Ran([RULE], changes(_change(1)), table_stream=True)
    [event] = ran.eventbridge.events
    assert event == {
        "id": "0",
        "type": "thing-created",
        "timestamp": 1600000001000,
        "partitionKey": "t1",
        "tags": {
            "account": "undefined",
            "region": "us-west-2",
            "stage": "undefined",
            "source": "undefined",
            "functionname": "undefined",
            "pipeline": "trigger",
        },
        "raw": {"new": {"pk": "t1", "sk": "thing", "n": 1}},
    }


def test_to_event_is_merged_into_the_change_event() -> None:
    ran = Ran([replace(RULE, to_event=_thing)], changes(_change(1)), table_stream=True)
    [event] = ran.eventbridge.events
    assert {key: event[key] for key in ("id", "type", "partitionKey", "raw", "thing")} == {
        "id": "0",
        "type": "thing-created",
        "partitionKey": "t1",
        "raw": {"new": {"pk": "t1", "sk": "thing", "n": 1}},
        "thing": {"pk": "t1", "sk": "thing", "n": 1},
    }


def test_the_fields_of_to_event_win_over_the_change_events() -> None:
    renamed = replace(RULE, to_event=lambda uow, rule: {"type": "thing-made", "raw": None})
    ran = Ran([renamed], changes(_change(1)), table_stream=True)
    assert [(e["type"], e["raw"]) for e in ran.eventbridge.events] == [("thing-made", None)]


def test_to_event_may_return_an_event() -> None:
    as_event = replace(RULE, to_event=lambda uow, rule: Event(id="x", type="thing-made"))
    ran = Ran([as_event], changes(_change(1)), table_stream=True)
    assert [(e["id"], e["type"], e["partitionKey"]) for e in ran.eventbridge.events] == [
        ("x", "thing-made", "t1")
    ]


def test_to_event_returning_none_publishes_the_change_event() -> None:
    ran = Ran([replace(RULE, to_event=lambda u, r: None)], changes(_change(1)), table_stream=True)
    assert [e["type"] for e in ran.eventbridge.events] == ["thing-created"]


def test_with_event_field_the_event_made_is_kept_and_published_from_there() -> None:
    def emit(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
        return {"id": "emitted", "type": "thing-noticed", "thing": _new(uow)}

    rule = replace(RULE, to_event=emit, event_field=EMIT)
    ran = Ran([rule], changes(_change(1)), table_stream=True)
    [uow] = ran.uows
    assert (uow[EMIT].id, uow.event.type if uow.event else None) == ("emitted", "thing-created")
    assert [(e["id"], e["type"]) for e in ran.eventbridge.events] == [("emitted", "thing-noticed")]


def test_changes_to_latched_rows_are_not_published() -> None:
    latched = _change(2, latched=True)
    ran = Ran([RULE], changes(_change(1), latched), table_stream=True)
    assert [e["partitionKey"] for e in ran.eventbridge.events] == ["t1"]


def test_changes_of_other_types_are_not_published() -> None:
    widget = {**_change(2), "newImage": {"pk": "w2", "sk": "widget"}}
    ran = Ran([RULE], changes(_change(1), widget), table_stream=True)
    assert [e["type"] for e in ran.eventbridge.events] == ["thing-created"]


def test_an_async_to_event_is_awaited() -> None:
    async def later(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
        await asyncio.sleep(0)
        return {"later": True}

    ran = Ran([replace(RULE, to_event=later)], changes(_change(1)), table_stream=True)
    assert [e["later"] for e in ran.eventbridge.events] == [True]


def test_a_to_event_that_raises_faults_its_uow_and_the_rest_is_published() -> None:
    def picky(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
        if _new(uow)["n"] == 2:
            raise ValueError("cannot say")
        return {}

    batch = changes(_change(1), _change(2), _change(3))
    ran = Ran([replace(RULE, to_event=picky)], batch, table_stream=True)
    assert [e["partitionKey"] for e in ran.eventbridge.events] == ["t1", "t3"]
    assert ran.faulted() == ["1"]


def test_compact_publishes_each_entitys_latest_change() -> None:
    older = _change(1, name="old")
    newer = {**_change(1, name="new"), "timestamp": 1600000009}
    ran = Ran([replace(RULE, compact=True)], changes(newer, older), table_stream=True)
    assert [e["raw"] for e in ran.eventbridge.events] == [{"new": newer["newImage"]}]


def _db_with_related() -> InMemoryDynamoDB:
    db = InMemoryDynamoDB()
    db.seed("things", {"pk": "t1", "sk": "thing"}, {"pk": "t1", "sk": "part|1"})
    db.seed("users", {"pk": "u1", "sk": "user", "name": "Ann"})
    return db


def test_query_related_reads_every_row_of_the_partition_key() -> None:
    def related(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
        return {"related": [item["sk"] for item in uow[QUERY_RESPONSE]]}

    rule = replace(RULE, query_related=True, table_name="things", to_event=related)
    ran = Ran([rule], changes(_change(1)), dynamodb=_db_with_related(), table_stream=True)
    assert [e["related"] for e in ran.eventbridge.events] == [["part|1", "thing"]]


def test_a_rules_own_query_is_run() -> None:
    def query(uow: UnitOfWork, rule: CdcRule) -> dict[str, JsonValue]:
        return {
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": {":pk": "t1"},
        }

    rule = replace(RULE, to_query_request=query, table_name="things")
    ran = Ran([rule], changes(_change(1)), dynamodb=_db_with_related(), table_stream=True)
    assert [len(uow[QUERY_RESPONSE]) for uow in ran.uows] == [2]


def test_a_batch_get_reads_the_items_the_foreign_keys_name() -> None:
    def owners(uow: UnitOfWork, rule: CdcRule) -> JsonObject:
        return to_get_request(uow, fks=["owner"], table_name="users")

    rule = replace(RULE, to_get_request=owners)
    change = _change(1, owner="user|u1")
    ran = Ran([rule], changes(change), dynamodb=_db_with_related(), table_stream=True)
    assert [uow[BATCH_GET_RESPONSE]["Responses"] for uow in ran.uows] == [
        {"users": [{"pk": "u1", "sk": "user", "name": "Ann"}]}
    ]


def test_the_rules_bus_is_used() -> None:
    ran = Ran([replace(RULE, bus_name="other")], changes(_change(1)), table_stream=True)
    assert [entry["EventBusName"] for entry in ran.eventbridge.entries] == ["other"]


def test_a_rule_may_name_its_own_publish_step() -> None:
    seen: list[tuple[str, Key[Event] | None]] = []

    def publish(context: PipelineContext, event: Key[Event] | None) -> Pipeline:
        seen.append((context.id, event))
        return lambda stream: stream.map(lambda uow: uow.set(PUBLISHED, "elsewhere"))

    ran = Ran([replace(RULE, publish=publish)], changes(_change(1)), table_stream=True)
    assert [uow[PUBLISHED] for uow in ran.uows] == ["elsewhere"]
    assert (seen, ran.eventbridge.entries) == ([("trigger", None)], [])


def test_without_a_bus_the_pipeline_cannot_be_built() -> None:
    options = resolve_options({})
    context = PipelineContext(
        id="trigger",
        options=options,
        logger=logging.getLogger("test"),
        ports=Ports(options, eventbridge=InMemoryEventBridge()),
    )
    with pytest.raises(ValueError, match="needs a bus"):
        RULE.pipeline(context)


@pytest.mark.parametrize("rate", [None, Rate(2, 1.0)])
def test_rate_spaces_the_publishing_out(monkeypatch: pytest.MonkeyPatch, rate: Rate | None) -> None:
    clock = Clock(monkeypatch)
    published: list[float] = []

    def timed(entry: JsonObject, attempt: int) -> None:
        published.append(clock.now)

    bus = InMemoryEventBridge(refuse=timed)
    options = resolve_options({"BUS_NAME": "bus", "PUBLISH_BATCH_SIZE": "1"})
    ports = Ports(options, eventbridge=bus)
    initialize_from([replace(RULE, rate=rate)], options, ports=ports).handle(
        from_dynamodb(changes(*(_change(n) for n in range(5))))
    )
    if rate is None:
        assert published == [0.0] * 5
    else:
        assert len(published) == 5, published
        assert at_most(2, 1.0, published), published


def test_rate_spaces_the_related_queries_out(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    queried: list[float] = []

    def timed(operation: str, request: JsonObject) -> None:
        queried.append(clock.now)

    rule = replace(RULE, rate=Rate(2, 1.0), query_related=True)
    db = InMemoryDynamoDB(fail=timed)
    Ran([rule], changes(*(_change(n) for n in range(5))), dynamodb=db, table_stream=True)
    assert queried == [0, 0, 1, 1, 2]
