"""The materialize flavor: events into a table, with compact, split and the fallback update."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace

import pytest

from lambda_stream import Event, JsonArray, JsonObject, JsonValue, Key, UnitOfWork
from lambda_stream.flavors import Compact, MaterializeRule, Rate
from lambda_stream.sinks.dynamodb import UPDATE_RESPONSE
from lambda_stream.testing import InMemoryDynamoDB
from lambda_stream.utils import timestamp_condition, update_expression
from tests.unit.flavors.running import Ran, events
from tests.unit.stream.clock import Clock

LINE = Key[JsonObject]("line")


def _event(uow: UnitOfWork) -> Event:
    assert uow.event is not None
    return uow.event


def _thing(n: int, event_type: str = "thing-created", **fields: JsonValue) -> dict[str, JsonValue]:
    return {
        "id": f"e{n}",
        "type": event_type,
        "partitionKey": f"t{n}",
        "timestamp": 1000 + n,
        "thing": {"id": f"t{n}", **fields},
    }


def to_update_request(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    event = _event(uow)
    thing = event["thing"]
    assert isinstance(thing, JsonObject)
    item = {**thing, "timestamp": event.timestamp}
    return {"Key": {"pk": thing["id"], "sk": "thing"}, **update_expression(item)}


RULE = MaterializeRule(
    id="m1", event_type=["thing-created", "thing-updated"], to_update_request=to_update_request
)


def _items(ran: Ran, table: str = "entities") -> list[tuple[object, ...]]:
    return [(item["pk"], item.get("name")) for item in ran.dynamodb.items(table)]


def test_each_event_of_the_rules_types_updates_its_item() -> None:
    ran = Ran(
        [replace(RULE, table_name="things")], events(_thing(1, name="a"), _thing(2, name="b"))
    )
    assert _items(ran, "things") == [("t1", "a"), ("t2", "b")]
    assert [uow[UPDATE_RESPONSE]["Attributes"] for uow in ran.uows] == [
        {"pk": "t1", "sk": "thing", "id": "t1", "name": "a", "timestamp": 1001},
        {"pk": "t2", "sk": "thing", "id": "t2", "name": "b", "timestamp": 1002},
    ]


def test_without_a_table_the_rule_writes_to_entity_table_name() -> None:
    ran = Ran([RULE], events(_thing(1, name="a")))
    assert _items(ran) == [("t1", "a")]


def test_events_of_other_types_are_left_alone() -> None:
    ran = Ran([RULE], events(_thing(1), _thing(2, "thing-deleted")))
    assert [_event(uow).id for uow in ran.uows] == ["e1"]


def test_events_this_service_published_are_left_alone() -> None:
    mine = {**_thing(1), "tags": {"source": "me"}}
    theirs = {**_thing(2), "tags": {"source": "them"}}
    ran = Ran([RULE], events(mine, theirs), env={"SERVICE": "me"})
    assert _items(ran) == [("t2", None)]


def test_content_filters_select_among_the_events() -> None:
    named = replace(RULE, filters=[lambda uow: _event(uow)["thing"] != {"id": "t1"}])
    ran = Ran([named], events(_thing(1), _thing(2, name="b")))
    assert _items(ran) == [("t2", "b")]


def test_an_async_mapper_is_awaited() -> None:
    async def later(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
        await asyncio.sleep(0)
        return to_update_request(uow, rule)

    ran = Ran([replace(RULE, to_update_request=later)], events(_thing(1, name="a")))
    assert _items(ran) == [("t1", "a")]


def test_a_mapper_that_raises_faults_its_uow_and_the_rest_is_written() -> None:
    def picky(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
        if _event(uow).id == "e2":
            raise ValueError("no such thing")
        return to_update_request(uow, rule)

    ran = Ran([replace(RULE, to_update_request=picky)], events(_thing(1), _thing(2), _thing(3)))
    assert (_items(ran), ran.faulted()) == ([("t1", None), ("t3", None)], ["e2"])


def test_a_mapper_returning_none_writes_nothing() -> None:
    ran = Ran([replace(RULE, to_update_request=lambda uow, rule: None)], events(_thing(1)))
    assert (ran.updates(), [_event(uow).id for uow in ran.uows]) == ([], ["e1"])


def test_compact_writes_each_entity_once_from_its_latest_event() -> None:
    first = {**_thing(1, name="old"), "timestamp": 5}
    second = {**_thing(1, "thing-updated", name="new"), "id": "e9", "timestamp": 9}
    ran = Ran([replace(RULE, compact=True)], events(second, first))
    assert (len(ran.updates()), _items(ran)) == (1, [("t1", "new")])
    assert [len(uow.batch) for uow in ran.uows] == [2]


def test_compact_may_group_by_a_custom_key() -> None:
    one_item = Compact(key=lambda uow: "all")
    ran = Ran([replace(RULE, compact=one_item)], events(_thing(1), _thing(2)))
    assert _items(ran) == [("t2", None)]


def _lines(uow: UnitOfWork) -> Iterable[UnitOfWork]:
    thing = _event(uow)["thing"]
    assert isinstance(thing, JsonObject)
    lines = thing["lines"]
    assert isinstance(lines, JsonArray)
    for line in lines:
        assert isinstance(line, JsonObject)
        yield uow.set(LINE, line)


def _line_update(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    line = uow[LINE]
    return {"Key": {"pk": line["id"], "sk": "line"}, **update_expression({"name": line["id"]})}


def test_split_writes_an_item_per_element() -> None:
    order = _thing(1, lines=[{"id": "l1"}, {"id": "l2"}])
    ran = Ran([replace(RULE, split_on=_lines, to_update_request=_line_update)], events(order))
    assert _items(ran) == [("l1", "l1"), ("l2", "l2")]


def _stale_then_fallback(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    return {"Key": {"pk": "t1", "sk": "thing"}, **update_expression({"note": "fallback"})}


def _with_condition(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    return {**to_update_request(uow, rule), **timestamp_condition()}


def test_the_fallback_update_runs_when_the_condition_fails() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {"pk": "t1", "sk": "thing", "timestamp": 5000})
    rule = replace(
        RULE, to_update_request=_with_condition, to_fallback_update_request=_stale_then_fallback
    )
    ran = Ran([rule], events(_thing(1, name="late")), dynamodb=db)
    assert [item.get("note") for item in db.items("entities")] == ["fallback"]
    assert [operation for operation, _ in ran.dynamodb.calls] == ["update", "update"]


def test_a_failed_condition_is_ignored_unless_the_rule_throws() -> None:
    db = InMemoryDynamoDB()
    db.seed("entities", {"pk": "t1", "sk": "thing", "timestamp": 5000})
    ignored = Ran(
        [replace(RULE, to_update_request=_with_condition)], events(_thing(1)), dynamodb=db
    )
    thrown = Ran(
        [replace(RULE, to_update_request=_with_condition, throw_condition_failure=True)],
        events(_thing(1)),
        dynamodb=db,
    )
    assert [uow[UPDATE_RESPONSE] for uow in ignored.uows] == [JsonObject()]
    assert ignored.faulted() == []
    assert (thrown.uows, thrown.faulted()) == ((), ["e1"])


@pytest.mark.parametrize(("rate", "times"), [(None, [0.0] * 5), (Rate(2, 1.0), [0, 0, 1, 1, 2])])
def test_rate_spaces_the_updates_out(
    monkeypatch: pytest.MonkeyPatch, rate: Rate | None, times: list[float]
) -> None:
    clock = Clock(monkeypatch)
    called: list[float] = []

    def timed(operation: str, request: JsonObject) -> None:
        called.append(clock.now)

    rule = replace(RULE, rate=rate)
    Ran([rule], events(*(_thing(n) for n in range(5))), dynamodb=InMemoryDynamoDB(fail=timed))
    assert called == times
