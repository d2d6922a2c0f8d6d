"""The SQS consumer example on its sample event: the partial batch response, the view, faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.sqs_consumer import handler as consumer
from examples.sqs_consumer.__main__ import VIEW_TABLE, Local, local, main, run
from lambda_stream import Invocation, JsonValue, resolve_options
from lambda_stream.connectors import DynamoDBConnector
from lambda_stream.testing import to_sqs_event_records

HERE = Path(consumer.__file__).parent
EVENT = json.loads((HERE / "event.json").read_text())
RESPONSE = json.loads((HERE / "response.json").read_text())

T0 = 1_700_000_000_000


def _event(n: int, event_type: str, thing: dict[str, JsonValue] | None) -> dict[str, JsonValue]:
    event: dict[str, JsonValue] = {"id": f"e{n}", "type": event_type, "timestamp": T0 + n * 1000}
    if thing is not None:
        event["partitionKey"] = str(thing.get("id", "?"))
        event["thing"] = thing
    return event


# What event.json was built from: one domain event per message, in queue order.
EVENTS: list[dict[str, JsonValue]] = [
    _event(0, "thing-created", {"id": "t1", "name": "Thing One", "status": "new"}),
    _event(1, "thing-created", {"id": "t2", "name": "Thing Two", "status": "new"}),
    _event(2, "thing-updated", {"id": "t1", "name": "Thing One, renamed", "status": "active"}),
    _event(3, "thing-created", {"id": "t3", "name": "Thing Three", "status": "new"}),  # throttled
    _event(4, "thing-updated", {"name": "Nameless"}),  # poison: a thing without an id
    _event(5, "thing-deleted", {"id": "t2", "name": "Thing Two", "status": "new"}),
    _event(6, "order-placed", None),  # another service's event: not for this consumer
]
THROTTLED_MESSAGE = "00000000-0000-0000-0000-000000000003"
POISON_MESSAGE = "00000000-0000-0000-0000-000000000004"


@pytest.fixture
def fakes() -> Local:
    return local()


@pytest.fixture
def invocation(fakes: Local) -> Invocation:
    return run(fakes, EVENT)[1]


def _view(fakes: Local) -> dict[str, dict[str, object]]:
    return {str(row["pk"]): row.thaw() for row in fakes.table.items(VIEW_TABLE)}


def _faults(fakes: Local) -> list[dict[str, object]]:
    return [event for event in fakes.bus.events if event["type"] == "fault"]


def test_the_sample_event_is_what_the_builder_makes_of_the_events() -> None:
    assert to_sqs_event_records(EVENTS, aws_region="us-west-2") == EVENT


def test_the_handler_answers_the_expected_response(fakes: Local) -> None:
    assert consumer.handler(EVENT, pipelines=fakes.pipelines) == RESPONSE


def test_only_the_throttled_message_is_delivered_again(invocation: Invocation) -> None:
    assert invocation.retry == (THROTTLED_MESSAGE,)


def test_the_processed_messages_are_in_the_view(fakes: Local, invocation: Invocation) -> None:
    view = _view(fakes)
    assert sorted(view) == ["t1", "t2"]
    assert view["t1"] == {
        "pk": "t1",
        "sk": "thing",
        "name": "Thing One, renamed",
        "status": "active",
        "discriminator": "thing",
        "latched": True,
        "timestamp": T0 + 2000,
    }


def test_a_deleted_thing_is_marked_deleted(fakes: Local, invocation: Invocation) -> None:
    assert _view(fakes)["t2"]["deleted"] is True


def test_an_older_event_never_overwrites_a_newer_row(fakes: Local) -> None:
    run(fakes, EVENT)
    stale = to_sqs_event_records([EVENTS[0]], aws_region="us-west-2")  # t1 created, again
    assert run(fakes, stale)[0] == {"batchItemFailures": []}
    assert _view(fakes)["t1"]["name"] == "Thing One, renamed"


def test_the_poison_message_becomes_one_fault_event(fakes: Local, invocation: Invocation) -> None:
    [fault] = _faults(fakes)
    assert [event.to_dict() for event in invocation.fault_events] == [fault]
    err, tags = fault["err"], fault["tags"]
    assert isinstance(err, dict)
    assert isinstance(tags, dict)
    assert (err["name"], tags["pipeline"]) == ("ValueError", "view")
    assert "has no thing with an id" in str(err["message"])


def test_the_fault_event_keeps_the_message_for_resubmission(
    fakes: Local, invocation: Invocation
) -> None:
    [fault] = _faults(fakes)
    uow = fault["uow"]
    assert isinstance(uow, dict)
    assert uow["record"] == EVENT["Records"][4]
    assert EVENT["Records"][4]["messageId"] == POISON_MESSAGE


def test_other_events_are_ignored(invocation: Invocation) -> None:
    assert "e6" not in {uow.event.id for uow in invocation.uows if uow.event}


def test_on_lambda_the_connectors_are_built_from_the_environment() -> None:
    options = resolve_options({"ENTITY_TABLE_NAME": "views", "AWS_REGION": "us-west-2"})
    pipelines = consumer.build(options)
    assert isinstance(pipelines.ports.dynamodb, DynamoDBConnector)
    assert consumer.PIPELINES.options.partial_batch_response


def test_the_module_runs_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert f"response: {json.dumps(RESPONSE)}" in out
    assert "fault events on the bus: 1" in out
