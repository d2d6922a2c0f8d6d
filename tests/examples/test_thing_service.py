"""The thing service: its trigger and listener on fakes, and the demo end to end on moto."""

from __future__ import annotations

import io
import re
import threading

import pytest

from examples.thing_service import demo, listener, trigger
from examples.thing_service.scenario import POISON, expected_view, scenario
from lambda_stream import Event, JsonObject, JsonValue, resolve_options
from lambda_stream.connectors import Ports
from lambda_stream.runtime import Invocation, observing
from lambda_stream.runtime.cli import main
from lambda_stream.testing import (
    InMemoryDynamoDB,
    InMemoryEventBridge,
    to_dynamodb_records,
    to_sqs_event_records,
)
from lambda_stream.testing.faultproxy import Partial, throttling
from lambda_stream.testing.motoserver import MotoServer

T0 = 1_700_000_000_000


def _row(pk: str, status: str, at: int, **more: JsonValue) -> dict[str, JsonValue]:
    return {
        "pk": pk,
        "sk": "thing",
        "discriminator": "thing",
        "name": f"Thing {pk}",
        "status": status,
        "timestamp": at,
        **more,
    }


def _thing(event: dict[str, object]) -> dict[str, object]:
    thing = event["thing"]
    assert isinstance(thing, dict)
    return thing


def _err(fault: Event) -> JsonObject:
    err = fault["err"]
    assert isinstance(err, JsonObject)
    return err


def _run_trigger(changes: list[dict[str, JsonValue]]) -> tuple[Invocation, InMemoryEventBridge]:
    bus = InMemoryEventBridge()
    options = resolve_options(
        {}, service="thing-service", bus_name="bus", partial_batch_response=True
    )
    pipelines = trigger.build(options, ports=Ports(options, eventbridge=bus))
    seen: list[Invocation] = []
    with observing(seen.append):
        trigger.handler(to_dynamodb_records(changes), pipelines=pipelines)
    return seen[0], bus


def test_the_trigger_publishes_the_entity_with_the_rows_own_timestamp() -> None:
    # the stream's record time (whole seconds) is older than the row's: the row's wins
    invocation, bus = _run_trigger(
        [
            {
                "timestamp": T0 // 1000 - 5,
                "keys": {"pk": "t1", "sk": "thing"},
                "newImage": _row("t1", "new", T0 + 123),
            }
        ]
    )
    [event] = bus.events
    assert event["type"] == "thing-created"
    assert event["timestamp"] == T0 + 123
    assert event["thing"] == {"id": "t1", "name": "Thing t1", "status": "new"}
    assert event["partitionKey"] == "t1"
    assert invocation.faults == ()


def test_a_soft_delete_is_published_as_thing_deleted_with_the_flag() -> None:
    old = _row("t1", "active", T0)
    _, bus = _run_trigger(
        [
            {
                "timestamp": T0 // 1000,
                "keys": {"pk": "t1", "sk": "thing"},
                "oldImage": old,
                "newImage": _row("t1", "active", T0 + 1, deleted=True),
            }
        ]
    )
    [event] = bus.events
    assert event["type"] == "thing-deleted"
    assert _thing(event)["deleted"] is True


def test_a_thing_of_unknown_status_is_one_fault_and_the_batch_goes_on() -> None:
    invocation, bus = _run_trigger(
        [
            {
                "timestamp": T0 // 1000,
                "keys": {"pk": "t1", "sk": "thing"},
                "newImage": _row("t1", "new", T0),
            },
            {
                "timestamp": T0 // 1000,
                "keys": {"pk": POISON, "sk": "thing"},
                "newImage": _row(POISON, "unknown", T0 + 1),
            },
            {
                "timestamp": T0 // 1000,
                "keys": {"pk": "t2", "sk": "thing"},
                "newImage": _row("t2", "new", T0 + 2),
            },
        ]
    )
    assert [_thing(event)["id"] for event in bus.events if event["type"] != "fault"] == [
        "t1",
        "t2",
    ]
    [fault] = invocation.fault_events
    assert _err(fault)["name"] == "UnknownStatusError"
    assert invocation.response == {"batchItemFailures": []}


def test_rows_a_listener_wrote_are_not_published() -> None:
    _, bus = _run_trigger(
        [
            {
                "timestamp": T0 // 1000,
                "keys": {"pk": "t1", "sk": "thing"},
                "newImage": _row("t1", "new", T0, latched=True),
            }
        ]
    )
    assert bus.events == []


def _run_listener(events: list[dict[str, JsonValue]], db: InMemoryDynamoDB) -> Invocation:
    options = resolve_options({}, service="thing-view", entity_table_name="Views", bus_name="bus")
    pipelines = listener.build(
        options, ports=Ports(options, dynamodb=db, eventbridge=InMemoryEventBridge())
    )
    seen: list[Invocation] = []
    with observing(seen.append):
        listener.handler(to_sqs_event_records(events), pipelines=pipelines)
    return seen[0]


def _thing_event(type_: str, at: int, name: str, **more: JsonValue) -> dict[str, JsonValue]:
    thing: dict[str, JsonValue] = {"id": "t1", "name": name, "status": "active", **more}
    return {
        "id": f"e{at}",
        "type": type_,
        "timestamp": at,
        "partitionKey": "t1",
        "tags": {"source": "thing-service"},
        "thing": thing,
    }


def test_the_listener_keeps_the_newest_state_whatever_the_order() -> None:
    db = InMemoryDynamoDB()
    newer = _thing_event("thing-deleted", T0 + 2, "renamed", deleted=True)
    older = _thing_event("thing-updated", T0 + 1, "old name")
    _run_listener([newer], db)
    _run_listener([older], db)  # late and stale: the condition turns it away
    [row] = db.items("Views")
    assert row == JsonObject(
        {
            "pk": "t1",
            "sk": "thing",
            "name": "renamed",
            "status": "active",
            "discriminator": "thing",
            "deleted": True,
            "timestamp": T0 + 2,
        }
    )


def test_an_undelete_removes_the_flag() -> None:
    db = InMemoryDynamoDB()
    _run_listener([_thing_event("thing-deleted", T0 + 1, "n", deleted=True)], db)
    _run_listener([_thing_event("thing-undeleted", T0 + 2, "n")], db)
    [row] = db.items("Views")
    assert "deleted" not in row


def test_the_listener_ignores_its_own_services_events() -> None:
    db = InMemoryDynamoDB()
    own = {**_thing_event("thing-created", T0, "n"), "tags": {"source": "thing-view"}}
    _run_listener([own], db)
    assert db.items("Views") == []


def test_an_event_without_a_thing_id_is_a_fault_not_a_retry() -> None:
    invocation = _run_listener(
        [{"id": "e1", "type": "thing-created", "timestamp": T0, "thing": {"name": "x"}}],
        InMemoryDynamoDB(),
    )
    [fault] = invocation.fault_events
    assert "has no thing with an id" in str(_err(fault)["message"])
    assert invocation.retry == ()


def test_the_scenario_creates_updates_and_soft_deletes_in_time_order() -> None:
    writes = scenario(50)
    assert len(writes) == 76  # 50 creates, the poison, 20 updates, 5 deletes
    assert [w.timestamp for w in writes] == sorted({w.timestamp for w in writes})
    assert {w.change for w in writes} == {"create", "update", "delete"}
    assert [w.thing_id for w in writes if w.status not in trigger.STATUSES] == [POISON]
    view = expected_view(writes)
    assert POISON not in view
    assert sum(thing["deleted"] is True for thing in view.values()) == 5


@pytest.fixture
def fresh_moto() -> None:
    """moto's backends are per process: start the demo on empty ones, whoever ran before."""
    with MotoServer() as server:
        server.reset()


def _threads() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


@pytest.mark.usefixtures("fresh_moto")
def test_the_demo_ends_with_the_view_of_the_entities_and_one_fault() -> None:
    before = _threads()
    out = io.StringIO()
    report = demo.run(things=40, out=out)
    assert report.problems == ()
    assert report.ok
    assert (report.written, report.things, report.view) == (61, 41, 40)
    assert report.published >= 60  # every write but the poison's, redeliveries on top
    assert len(report.fault_events) == 1
    assert _threads() <= before  # the pollers, proxies, servers and pools are all stopped
    summary = demo.format_report(report)
    assert "OK: the view matches the entities (40 things)" in summary
    assert re.search(r"fault events\s+1", summary)


@pytest.mark.usefixtures("fresh_moto")
def test_the_demo_survives_latency_throttling_and_partial_failures() -> None:
    before = _threads()
    report = demo.run(things=40, chaos=True, out=io.StringIO())
    assert report.problems == ()
    assert report.proxy is not None
    # the faults were really injected: throttled calls and failed entries were retried
    assert report.proxy.errors > 0
    assert report.proxy.failed_entries > 0
    assert report.proxy.delayed == report.proxy.calls > 0
    assert len(report.fault_events) == 1
    assert _threads() <= before


def test_the_chaos_rules_are_the_ones_the_issue_names() -> None:
    latency, throttle, partial = demo.chaos_rules()
    assert latency.delay_ms == (5.0, 20.0)
    assert latency.service is None  # every call of the functions
    assert (throttle.operation, throttle.every) == ("PutEvents", 4)
    assert throttle.error == throttling("events")
    assert partial.operation == "PutEvents"
    assert partial.partial == Partial(fraction=0.3)


def test_a_view_that_differs_from_the_entities_fails_the_demo() -> None:
    entities: dict[str, dict[str, object]] = {"t1": {"name": "a"}, "t2": {"name": "b"}}
    view: dict[str, dict[str, object]] = {"t1": {"name": "stale"}, "t3": {"name": "c"}}
    assert demo._differences(entities, view) == [
        "t1: the view has {'name': 'stale'}, the entities {'name': 'a'}",
        "t2 is missing from the view",
        "t3 is in the view only",
    ]


TWO = "expected exactly one fault event, the poison's; got 2"


@pytest.mark.parametrize(
    ("faults", "problem"),
    [
        ([], "expected exactly one fault event, the poison's; got 0"),
        (
            [{"uow": POISON}, {"uow": POISON}],
            "expected exactly one fault event, the poison's; got 2",
        ),
        ([{"uow": "thing-0001", "err": "boom"}], "the fault event is not the poison's: boom"),
    ],
)
def test_anything_but_the_poisons_one_fault_fails_the_demo(
    faults: list[dict[str, object]], problem: str
) -> None:
    assert demo._fault_problems(faults) == [problem]


@pytest.mark.usefixtures("fresh_moto")
def test_lambda_stream_demo_prints_the_summary_and_the_success_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--things", "20"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"written to Entities\s+31", out)
    assert re.search(r"things in Views\s+20", out)
    assert "fault event: UnknownStatusError: thing 'thing-poison' has an unknown status" in out
    assert out.rstrip().splitlines()[-1].startswith("OK: the view matches the entities")
