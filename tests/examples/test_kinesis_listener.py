"""The Kinesis listener example on its sample event: the response, the view, the fault events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.kinesis_listener import handler as listener
from examples.kinesis_listener.__main__ import main
from lambda_stream import InMemoryFaultPublisher, Invocation, JsonObject, from_kinesis

HERE = Path(listener.__file__).parent
EVENT = json.loads((HERE / "event.json").read_text())
RESPONSE = json.loads((HERE / "response.json").read_text())


# The example keeps its view and its fault publisher in module state; every test swaps in fresh
# ones (undone afterwards), so no test depends on what ran before it.


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> listener.ViewStore:
    fresh_store = listener.ViewStore(throttled=listener.STORE.throttled)
    monkeypatch.setattr(listener, "STORE", fresh_store)
    return fresh_store


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch, store: listener.ViewStore) -> InMemoryFaultPublisher:
    publisher = InMemoryFaultPublisher()
    monkeypatch.setattr(listener.PIPELINES, "publisher", publisher)
    return publisher


@pytest.fixture
def invocation(faults: InMemoryFaultPublisher) -> Invocation:
    return listener.PIPELINES.invoke(from_kinesis(EVENT))


def _row(thing_id: str, name: str, status: str, modified: int) -> JsonObject:
    return JsonObject({"id": thing_id, "name": name, "status": status, "lastModified": modified})


def test_the_handler_answers_the_expected_response(faults: InMemoryFaultPublisher) -> None:
    assert listener.handler(EVENT) == RESPONSE


def test_the_throttled_write_is_the_record_to_retry(invocation: Invocation) -> None:
    assert invocation.retry == ("6",)


def test_each_pipeline_lets_out_what_it_made(invocation: Invocation) -> None:
    made = {
        pipeline: sorted(uow.event.id for uow in uows if uow.event)
        for pipeline, uows in invocation.by_pipeline().items()
    }
    assert made == {
        "created": ["e1", "e3"],
        "updated": ["e2"],
        "all": ["e1", "e2", "e3", "e4", "e5", "e7"],
    }


def test_the_saved_rows_are_in_the_view(invocation: Invocation, store: listener.ViewStore) -> None:
    assert store.rows["t2"] == _row("t2", "Thing Two", "created", 1700000002000)
    # created and updated write t1 concurrently; the older write is ignored whatever the order
    assert store.rows["t1"] == _row("t1", "Thing One, renamed", "updated", 1700000001000)


def test_neither_the_fault_nor_the_throttled_write_reaches_the_view(
    invocation: Invocation, store: listener.ViewStore
) -> None:
    assert sorted(store.rows) == ["t1", "t2"]


def test_two_fault_events_are_published(
    invocation: Invocation, faults: InMemoryFaultPublisher
) -> None:
    assert (len(invocation.fault_events), faults.events) == (2, list(invocation.fault_events))


def test_the_fault_events_name_their_pipeline_and_error(invocation: Invocation) -> None:
    origins = sorted(
        (str(event.tags.get("pipeline")), str(_err(event.to_dict())["name"]))
        for event in invocation.fault_events
    )
    assert origins == [("created", "ValueError"), ("undefined", "JSONDecodeError")]


def test_the_poison_record_is_published_as_received(invocation: Invocation) -> None:
    poison = next(
        event.to_dict()
        for event in invocation.fault_events
        if event.tags.get("pipeline") == "undefined"
    )
    assert poison["uow"] == {"record": EVENT["Records"][5]}


def test_each_run_publishes_only_its_own_faults(faults: InMemoryFaultPublisher) -> None:
    listener.handler(EVENT)
    listener.handler(EVENT)
    assert len(faults.events) == 4


def test_the_module_runs_and_reports(
    faults: InMemoryFaultPublisher, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main() == 0
    assert f"response: {json.dumps(RESPONSE)}" in capsys.readouterr().out


def _err(event: dict[str, object]) -> dict[str, object]:
    err = event["err"]
    assert isinstance(err, dict)
    return err
