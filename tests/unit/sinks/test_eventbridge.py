"""publish_to_event_bridge: entries, batching by count and bytes, order, per-uow answers."""

from __future__ import annotations

import json

import pytest

from lambda_stream import Event, Fault, Key, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.eventbridge import (
    PUBLISH_REQUEST,
    PUBLISH_REQUEST_ENTRY,
    PUBLISH_RESPONSE,
    publish_to_event_bridge,
)
from lambda_stream.testing import InMemoryEventBridge, collect

OPTIONS = resolve_options({"AWS_REGION": "us-west-2"}, bus_name="bus")


def _uows(count: int, size: int = 0) -> list[UnitOfWork]:
    return [
        UnitOfWork(
            record=JsonObject({"n": n}),
            event=Event.from_dict({"id": f"e{n}", "type": "t", "payload": "x" * size}),
        )
        for n in range(count)
    ]


def _publish(
    uows: list[UnitOfWork], bus: InMemoryEventBridge, **kwargs: object
) -> list[UnitOfWork | Fault]:
    sink = publish_to_event_bridge(OPTIONS, bus, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def test_each_event_becomes_an_entry_on_the_bus() -> None:
    bus = InMemoryEventBridge()
    _publish(_uows(2), bus)
    assert [entry["DetailType"] for entry in bus.entries] == ["t", "t"]
    assert [event["id"] for event in bus.events] == ["e0", "e1"]
    assert {entry["EventBusName"] for entry in bus.entries} == {"bus"}
    assert {entry["Source"] for entry in bus.entries} == {"custom"}


def test_published_events_carry_the_standard_tags() -> None:
    bus = InMemoryEventBridge()
    _publish(_uows(1), bus)
    assert bus.events[0]["tags"] == {
        "account": "undefined",
        "region": "us-west-2",
        "stage": "undefined",
        "source": "undefined",
        "functionname": "undefined",
        "pipeline": "undefined",
    }


def test_at_most_ten_entries_go_in_one_request() -> None:
    bus = InMemoryEventBridge()
    _publish(_uows(25), bus, batch_size=100)
    assert [len(call) for call in bus.calls] == [10, 10, 5]


def test_requests_stay_under_the_byte_limit() -> None:
    bus = InMemoryEventBridge()
    _publish(_uows(6, size=300), bus, max_request_size=1_000)
    assert all(sum(len(json.dumps(dict(e))) for e in call) <= 1_000 for call in bus.calls)
    assert sum(map(len, bus.calls)) == 6


def test_an_entry_over_the_limit_alone_is_a_fault_of_its_uow_only() -> None:
    bus = InMemoryEventBridge()
    uows = _uows(1) + _uows(1, size=2_000)
    out = _publish(uows, bus, max_request_size=1_000)
    assert isinstance(out[0], UnitOfWork)
    assert isinstance(out[1], Fault)
    assert out[1].message.startswith("Request size: ")
    assert not out[1].retryable


def test_uows_keep_their_order_and_a_uow_without_event_stays_in_place() -> None:
    bus = InMemoryEventBridge()
    uows = _uows(3)
    uows.insert(1, UnitOfWork(record=JsonObject({"bare": True})))
    out = _publish(uows, bus)
    assert [u.event.id if isinstance(u, UnitOfWork) and u.event else None for u in out] == [
        "e0",
        None,
        "e1",
        "e2",
    ]
    assert isinstance(out[1], UnitOfWork)
    assert PUBLISH_REQUEST_ENTRY not in out[1]


def _throttle_e0_once(entry: JsonObject, attempt: int) -> str | None:
    return (
        "ThrottlingException"
        if attempt == 0 and '"e0"' in (entry.get_str("Detail") or "")
        else None
    )


def test_each_uow_keeps_its_entry_the_request_and_its_aligned_answer() -> None:
    """Deliberate difference 6: after a retry the answers still line up with the entries (the
    JS library puts the earlier successes first)."""
    bus = InMemoryEventBridge(refuse=_throttle_e0_once)
    out = _publish(_uows(2), bus)
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[PUBLISH_REQUEST_ENTRY] == bus.calls[0][0]
    assert first[PUBLISH_REQUEST].thaw()["Entries"] == [dict(e) for e in bus.calls[0]]
    answer = first[PUBLISH_RESPONSE].thaw()
    assert [entry["EventId"] for entry in answer["Entries"]] == ["fake-2", "fake-1"]  # type: ignore[attr-defined]  # thawed JSON
    assert answer["FailedEntryCount"] == 0
    assert len(answer["attempts"]) == 2  # type: ignore[arg-type]  # thawed JSON


def _refuse_e1(entry: JsonObject, attempt: int) -> str | None:
    return "ThrottlingException" if '"e1"' in (entry.get_str("Detail") or "") else None


def test_an_entry_the_bus_keeps_refusing_is_a_retryable_fault_of_its_uow() -> None:
    bus = InMemoryEventBridge(
        refuse=lambda entry, attempt: (
            "ThrottlingException" if "e1" in (entry.get_str("Detail") or "") else None
        ),
        max_retries=2,
    )
    out = _publish(_uows(3), bus)
    assert [type(item).__name__ for item in out] == ["UnitOfWork", "Fault", "UnitOfWork"]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("ThrottlingException", True)
    assert len(bus.calls) == 3


def test_an_entry_the_bus_rejects_for_what_it_is_is_a_fault_not_retried() -> None:
    bus = InMemoryEventBridge(refuse=lambda entry, attempt: "MalformedDetail")
    out = _publish(_uows(1), bus)
    assert isinstance(out[0], Fault)
    assert (out[0].name, out[0].retryable) == ("MalformedDetail", False)
    assert len(bus.calls) == 1


def test_the_event_can_come_from_another_key() -> None:
    emit = Key[Event]("emit")
    bus = InMemoryEventBridge()
    uow = UnitOfWork(record=None, event=Event(id="in", type="in")).set(
        emit, Event(id="out", type="out")
    )
    out = _publish([uow], bus, event=emit)
    assert bus.events[0]["id"] == "out"
    assert isinstance(out[0], UnitOfWork)
    assert out[0].event == Event(id="in", type="in")


def test_a_bus_is_required() -> None:
    with pytest.raises(ValueError, match="BUS_NAME"):
        publish_to_event_bridge(resolve_options({}), InMemoryEventBridge())


class _Down:
    """A bus whose every call fails."""

    async def put_events(
        self, entries: object, *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        raise ConnectionError("bus unreachable")


def test_a_failed_call_faults_the_uows_it_carried_and_passes_the_others() -> None:
    uows = _uows(2)
    uows.insert(1, UnitOfWork(record=JsonObject({"bare": True})))
    sink = publish_to_event_bridge(OPTIONS, _Down())
    out = collect(Stream.of(uows).through(sink))
    assert [type(item).__name__ for item in out] == ["Fault", "UnitOfWork"]
    fault = out[0]
    assert isinstance(fault, Fault)
    assert len(fault.uows) == 2
    assert fault.name == "ConnectionError"
