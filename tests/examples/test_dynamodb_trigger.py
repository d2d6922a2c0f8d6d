"""The DynamoDB trigger example on its sample event: the response and the domain events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.dynamodb_trigger import handler as trigger
from examples.dynamodb_trigger.__main__ import Local, local, main, run
from lambda_stream import Invocation, JsonValue, resolve_options
from lambda_stream.connectors import EventBridgeConnector
from lambda_stream.testing import to_dynamodb_records

HERE = Path(trigger.__file__).parent
EVENT = json.loads((HERE / "event.json").read_text())
RESPONSE = json.loads((HERE / "response.json").read_text())

T0 = 1_700_000_000_000  # epoch ms of the first change
TTL = T0 // 1000 + 30 * 86_400  # a soft-deleted row expires after 30 days (epoch seconds)


def _thing(pk: str, name: str, status: str, at: int, **more: JsonValue) -> dict[str, JsonValue]:
    row: dict[str, JsonValue] = {"pk": pk, "sk": "thing", "discriminator": "thing"}
    return {**row, "name": name, "status": status, "timestamp": at, **more}


T1 = _thing("t1", "Thing One", "new", T0)
T1_RENAMED = _thing("t1", "Thing One, renamed", "active", T0 + 1000, lastModifiedBy="ann")
T2 = _thing("t2", "Thing Two", "new", T0 + 2000)
T2_DELETED = _thing("t2", "Thing Two", "new", T0 + 3000, deleted=True, ttl=TTL)
T3_LATCHED = _thing("t3", "Thing Three", "new", T0 + 4000, latched=True)  # a listener wrote it
COMMENT = {"pk": "t1", "sk": "comment|c1", "discriminator": "comment", "text": "Nice thing"}

# What event.json was built from: one change of the entities table per record.
CHANGES: list[dict[str, JsonValue]] = [
    {"timestamp": T0 // 1000, "keys": {"pk": "t1", "sk": "thing"}, "newImage": T1},
    {
        "timestamp": T0 // 1000 + 1,
        "keys": {"pk": "t1", "sk": "thing"},
        "newImage": T1_RENAMED,
        "oldImage": T1,
    },
    {"timestamp": T0 // 1000 + 2, "keys": {"pk": "t2", "sk": "thing"}, "newImage": T2},
    {
        "timestamp": T0 // 1000 + 3,
        "keys": {"pk": "t2", "sk": "thing"},
        "newImage": T2_DELETED,
        "oldImage": T2,
    },
    {"timestamp": T0 // 1000 + 4, "keys": {"pk": "t3", "sk": "thing"}, "newImage": T3_LATCHED},
    {"timestamp": T0 // 1000 + 5, "keys": {"pk": "t1", "sk": "comment|c1"}, "newImage": COMMENT},
    {
        "timestamp": TTL + 60,
        "keys": {"pk": "t2", "sk": "thing"},
        "oldImage": T2_DELETED,
        "ttlDelete": True,
    },
]


@pytest.fixture
def fakes() -> Local:
    return local()


@pytest.fixture
def invocation(fakes: Local) -> Invocation:
    return run(fakes, EVENT)[1]


def _published(fakes: Local) -> dict[str, dict[str, object]]:
    return {str(event["id"]): event for event in fakes.bus.events}


def test_the_sample_event_is_what_the_builder_makes_of_the_changes() -> None:
    assert to_dynamodb_records(CHANGES, aws_region="us-west-2") == EVENT


def test_the_handler_answers_the_expected_response(fakes: Local) -> None:
    assert trigger.handler(EVENT, pipelines=fakes.pipelines) == RESPONSE


def test_each_change_of_a_thing_is_published_once(fakes: Local, invocation: Invocation) -> None:
    published = sorted((e["id"], e["type"], e["partitionKey"]) for e in fakes.bus.events)
    assert published == [
        ("0", "thing-created", "t1"),
        ("1", "thing-updated", "t1"),
        ("2", "thing-created", "t2"),
        ("3", "thing-deleted", "t2"),
    ]


def test_the_domain_event_carries_the_entity_and_not_the_rows(
    fakes: Local, invocation: Invocation
) -> None:
    updated = _published(fakes)["1"]
    assert updated["thing"] == {
        "id": "t1",
        "name": "Thing One, renamed",
        "status": "active",
        "lastModifiedBy": "ann",
    }
    assert "raw" not in updated
    assert updated["timestamp"] == T0 + 1000


def test_a_soft_delete_is_published_as_thing_deleted(fakes: Local, invocation: Invocation) -> None:
    deleted = _published(fakes)["3"]
    assert (deleted["type"], deleted["thing"]) == (
        "thing-deleted",
        {"id": "t2", "name": "Thing Two", "status": "new", "deleted": True},
    )


def test_latched_rows_other_entities_and_ttl_expiries_are_not_published(
    invocation: Invocation,
) -> None:
    # record 4 is latched, 5 is a comment (another type), 6 a TTL expiry the source drops
    assert sorted(uow.event.id for uow in invocation.uows if uow.event) == ["0", "1", "2", "3"]


def test_the_entries_are_what_the_bus_rule_routes_on(fakes: Local, invocation: Invocation) -> None:
    routed = {(e["EventBusName"], e["Source"], e["DetailType"]) for e in fakes.bus.entries}
    assert routed == {
        ("thing-service-local-bus", "thing-service", "thing-created"),
        ("thing-service-local-bus", "thing-service", "thing-updated"),
        ("thing-service-local-bus", "thing-service", "thing-deleted"),
    }


def test_published_events_carry_the_standard_tags(fakes: Local, invocation: Invocation) -> None:
    tags = _published(fakes)["0"]["tags"]
    assert isinstance(tags, dict)
    assert (tags["region"], tags["source"], tags["stage"], tags["pipeline"]) == (
        "us-west-2",
        "thing-service",
        "local",
        "thing-events",
    )


def test_nothing_faults(invocation: Invocation) -> None:
    assert (invocation.faults, invocation.retry) == ((), ())


def test_on_lambda_the_connectors_are_built_from_the_environment() -> None:
    options = resolve_options({"BUS_NAME": "bus", "AWS_REGION": "us-west-2"})
    pipelines = trigger.build(options)
    assert isinstance(pipelines.ports.eventbridge, EventBridgeConnector)
    assert trigger.PIPELINES.options.partial_batch_response


def test_the_module_runs_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert f"response: {json.dumps(RESPONSE)}" in out
    assert "published to the bus: 4 event(s)" in out
