"""EventBridgeFaultPublisher: fault events on the bus, in small batches, never lost."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream import Event, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.faults.eventbridge import EventBridgeFaultPublisher, default_fault_publisher
from lambda_stream.testing import InMemoryEventBridge


def _faults(count: int, size: int = 0) -> list[Event]:
    return [
        Event.from_dict(
            {
                "id": f"f{n}",
                "type": "fault",
                "uow": {"record": {"kinesis": {"data": "x" * size}}},
            }
        )
        for n in range(count)
    ]


def _publish(bus: InMemoryEventBridge, events: list[Event], threshold: int | None = None) -> None:
    options = resolve_options(
        {}, bus_name="faults", faults_batch_size=4, compression_threshold=threshold
    )
    asyncio.run(EventBridgeFaultPublisher(options, bus).publish_faults(events))


def test_fault_events_go_to_the_bus_in_batches_of_the_faults_batch_size() -> None:
    bus = InMemoryEventBridge()
    _publish(bus, _faults(9))
    assert sorted(len(call) for call in bus.calls) == [1, 4, 4]
    assert sorted(event["id"] for event in bus.events) == [f"f{n}" for n in range(9)]  # type: ignore[type-var]  # parsed JSON


def test_the_record_of_a_fault_is_never_compressed() -> None:
    bus = InMemoryEventBridge()
    _publish(bus, _faults(1, size=20_000), threshold=100)
    assert bus.events[0]["uow"] == {"record": {"kinesis": {"data": "x" * 20_000}}}


def test_an_entry_the_bus_refuses_fails_the_publish() -> None:
    def refuse(entry: JsonObject, attempt: int) -> str | None:
        return "MalformedDetail" if '"f1"' in (entry.get_str("Detail") or "") else None

    with pytest.raises(RuntimeError, match="refused 1 fault event"):
        _publish(InMemoryEventBridge(refuse=refuse), _faults(3))


def test_there_is_a_default_publisher_only_when_a_bus_is_configured() -> None:
    assert default_fault_publisher(resolve_options({})) is None
    publisher = default_fault_publisher(resolve_options({"AWS_REGION": "us-east-1"}, bus_name="b"))
    assert isinstance(publisher, EventBridgeFaultPublisher)
    assert publisher.bus_name == "b"
