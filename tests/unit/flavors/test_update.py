"""The update flavor: derived updates from change events and from collected events."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from lambda_stream import Event, JsonArray, JsonObject, JsonValue, UnitOfWork
from lambda_stream.flavors import META, Rate, UpdateRule
from lambda_stream.queries.dynamodb import BATCH_GET_RESPONSE, QUERY_RESPONSE, to_get_request
from lambda_stream.testing import InMemoryDynamoDB
from lambda_stream.utils import update_expression
from lambda_stream.utils.split import SPLIT
from tests.unit.flavors.running import Ran, changes, events
from tests.unit.stream.clock import Clock, at_most


def _event(uow: UnitOfWork) -> Event:
    assert uow.event is not None
    return uow.event


def _new(uow: UnitOfWork) -> JsonObject:
    raw = _event(uow).raw
    assert isinstance(raw, JsonObject)
    return raw.get_object("new")


def to_summary(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
    """The summary row of an order: its total, keyed by the order's pk."""
    new = _new(uow)
    return {"Key": {"pk": "summary", "sk": new["pk"]}, **update_expression({"total": new["n"]})}


RULE = UpdateRule(id="u1", event_type="order-created", to_update_request=to_summary)


def _order(n: int, **fields: JsonValue) -> dict[str, JsonValue]:
    keys: dict[str, JsonValue] = {"pk": f"o{n}", "sk": "order"}
    return {"timestamp": 1600000000 + n, "keys": keys, "newImage": {**keys, "n": n, **fields}}


def _summaries(ran: Ran) -> list[tuple[object, object]]:
    return [(item["sk"], item.get("total")) for item in ran.dynamodb.items("entities")]


def test_each_change_of_the_rules_types_updates_the_derived_item() -> None:
    ran = Ran([RULE], changes(_order(1), _order(2)), table_stream=True)
    assert _summaries(ran) == [("o1", 1), ("o2", 2)]


def test_the_rules_table_is_written() -> None:
    ran = Ran([replace(RULE, table_name="summaries")], changes(_order(1)), table_stream=True)
    assert [item["sk"] for item in ran.dynamodb.items("summaries")] == ["o1"]


def test_changes_to_latched_rows_are_skipped() -> None:
    ran = Ran([RULE], changes(_order(1), _order(2, latched=True)), table_stream=True)
    assert _summaries(ran) == [("o1", 1)]


def test_skip_latched_keeps_changes_to_latched_rows() -> None:
    rule = replace(RULE, skip_latched=True)
    ran = Ran([rule], changes(_order(1), _order(2, latched=True)), table_stream=True)
    assert _summaries(ran) == [("o1", 1), ("o2", 2)]


def test_events_without_raw_are_updated_from_not_crashed_on() -> None:
    """Anchor §4.1: the JS latch filter throws an unhandled TypeError on events without
    ``raw`` (from Kinesis, say), failing the whole batch; here they are not latched rows."""

    def from_event(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        return {"Key": {"pk": "summary", "sk": _event(uow).id}, **update_expression({"n": 1})}

    rule = replace(RULE, to_update_request=from_event)
    ran = Ran([rule], events({"id": "k1", "type": "order-created"}))
    assert (_summaries(ran), ran.faults()) == ([("k1", None)], ())


def _collected(n: int, event_type: str) -> dict[str, JsonValue]:
    keys: dict[str, JsonValue] = {"pk": f"e{n}", "sk": "EVENT"}
    stored: dict[str, JsonValue] = {"id": f"e{n}", "type": event_type, "timestamp": 1600 + n}
    row: dict[str, JsonValue] = {**keys, "event": stored, "ttl": 99, "data": "k"}
    return {"timestamp": 1600000000 + n, "keys": keys, "newImage": row}


def test_collected_events_are_updated_from_as_the_events_they_store() -> None:
    def from_stored(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        item = {"type": _event(uow).type, "ttl": uow[META]["ttl"]}
        return {"Key": {"pk": "summary", "sk": _event(uow).id}, **update_expression(item)}

    rule = replace(RULE, to_update_request=from_stored)
    ran = Ran(
        [rule], changes(_collected(1, "order-created"), _collected(2, "x")), table_stream=True
    )
    assert [(i["sk"], i["type"], i["ttl"]) for i in ran.dynamodb.items("entities")] == [
        ("e1", "order-created", 99)
    ]


def _lines_db() -> InMemoryDynamoDB:
    db = InMemoryDynamoDB()
    db.seed("entities", {"pk": "o1", "sk": "line|1"}, {"pk": "o1", "sk": "line|2"})
    db.seed("entities", {"pk": "c1", "sk": "customer", "name": "Ann"})
    return db


def _lines_query(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
    return {
        "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :sk)",
        "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
        "ExpressionAttributeValues": {":pk": _new(uow)["pk"], ":sk": "line|"},
    }


def test_the_query_response_may_be_split_into_an_update_per_item() -> None:
    """The JS flavor puts each item over ``queryResponse``; here it goes under ``split``, and
    ``queryResponse`` keeps every item (a list and one of its items are different types)."""

    def per_line(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        line = uow[SPLIT]
        assert isinstance(line, JsonObject)
        count = len(uow[QUERY_RESPONSE])
        return {"Key": {"pk": "lines", "sk": line["sk"]}, **update_expression({"of": count})}

    rule = replace(
        RULE, to_query_request=_lines_query, split_on=QUERY_RESPONSE, to_update_request=per_line
    )
    ran = Ran([rule], changes(_order(1)), dynamodb=_lines_db(), table_stream=True)
    written = [(item["sk"], item.get("of")) for item in ran.dynamodb.items("entities")]
    assert [pair for pair in written if pair[1] is not None] == [("line|1", 2), ("line|2", 2)]


def test_a_batch_get_reads_the_items_the_foreign_keys_name() -> None:
    def customers(uow: UnitOfWork, rule: UpdateRule) -> JsonObject:
        return to_get_request(uow, fks=["customer"], table_name="entities")

    def with_name(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        found = uow[BATCH_GET_RESPONSE].get_object("Responses")["entities"]
        assert isinstance(found, JsonArray)
        [customer] = found
        assert isinstance(customer, JsonObject)
        item = {"customer": customer["name"]}
        return {"Key": {"pk": "summary", "sk": "o1"}, **update_expression(item)}

    rule = replace(RULE, to_get_request=customers, to_update_request=with_name)
    ran = Ran(
        [rule], changes(_order(1, customer="customer|c1")), dynamodb=_lines_db(), table_stream=True
    )
    assert [i.get("customer") for i in ran.dynamodb.items("entities") if i["pk"] == "summary"] == [
        "Ann"
    ]


def test_an_async_mapper_is_awaited_and_one_that_raises_faults_its_uow_only() -> None:
    async def later(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        await asyncio.sleep(0)
        if _new(uow)["n"] == 2:
            raise ValueError("no total")
        return to_summary(uow, rule)

    batch = changes(_order(1), _order(2), _order(3))
    ran = Ran([replace(RULE, to_update_request=later)], batch, table_stream=True)
    assert (_summaries(ran), ran.faulted()) == ([("o1", 1), ("o3", 3)], ["1"])


def test_compact_updates_once_per_key_from_the_latest_change() -> None:
    newer = {**_order(1, total=7), "timestamp": 1600000009}
    ran = Ran([replace(RULE, compact=True)], changes(newer, _order(1)), table_stream=True)
    assert (_summaries(ran), len(ran.updates())) == ([("o1", 1)], 1)
    assert [_new(uow).get("total") for uow in ran.uows] == [7]


def test_the_fallback_update_runs_when_the_condition_fails() -> None:
    def conditional(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        return {**to_summary(uow, rule), "ConditionExpression": "attribute_not_exists(pk)"}

    def fallback(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        return {"Key": {"pk": "summary", "sk": "o1"}, **update_expression({"again": True})}

    db = InMemoryDynamoDB()
    db.seed("entities", {"pk": "summary", "sk": "o1"})
    rule = replace(RULE, to_update_request=conditional, to_fallback_update_request=fallback)
    ran = Ran([rule], changes(_order(1)), dynamodb=db, table_stream=True)
    assert [item.get("again") for item in ran.dynamodb.items("entities")] == [True]


def test_rate_spaces_the_queries_and_the_updates_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each IO step has its own limiter: the split makes two updates per query."""
    clock = Clock(monkeypatch)
    calls: list[tuple[str, float]] = []

    def timed(operation: str, request: JsonObject) -> None:
        calls.append((operation, clock.now))

    def per_line(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
        line = uow[SPLIT]
        assert isinstance(line, JsonObject)
        return {
            "Key": {"pk": f"{_new(uow).get_str('pk')}-lines", "sk": line["sk"]},
            **update_expression({"n": 1}),
        }

    db = InMemoryDynamoDB(fail=timed)
    for order in ("o1", "o2", "o3"):
        db.seed("entities", {"pk": order, "sk": "line|1"}, {"pk": order, "sk": "line|2"})
    rule = replace(
        RULE,
        rate=Rate(2, 1.0),
        to_query_request=_lines_query,
        split_on=QUERY_RESPONSE,
        to_update_request=per_line,
    )
    Ran([rule], changes(_order(1), _order(2), _order(3)), dynamodb=db, table_stream=True)
    queries = [at for operation, at in calls if operation == "query_page"]
    updates = [at for operation, at in calls if operation == "update"]
    assert len(queries) == 3, queries
    assert at_most(2, 1.0, queries), queries
    # without their own limiter, the six updates would follow the queries at four a second
    assert len(updates) == 6, updates
    assert at_most(2, 1.0, updates), updates
