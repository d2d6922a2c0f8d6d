"""The fault publisher port and its in-memory implementation."""

from __future__ import annotations

import asyncio

from lambda_stream import Event
from lambda_stream.faults import FaultPublisher, InMemoryFaultPublisher


def _events(*ids: str) -> list[Event]:
    return [Event(id=event_id, type="fault") for event_id in ids]


def test_in_memory_publisher_keeps_published_events_in_order() -> None:
    publisher = InMemoryFaultPublisher()
    asyncio.run(publisher.publish_faults(_events("f1", "f2")))
    asyncio.run(publisher.publish_faults(_events("f3")))
    assert [event.id for event in publisher.events] == ["f1", "f2", "f3"]


def test_in_memory_publisher_starts_empty() -> None:
    assert InMemoryFaultPublisher().events == []


def test_in_memory_publishers_do_not_share_events() -> None:
    first, second = InMemoryFaultPublisher(), InMemoryFaultPublisher()
    asyncio.run(first.publish_faults(_events("f1")))
    assert second.events == []


def test_in_memory_publisher_is_a_fault_publisher() -> None:
    publisher: FaultPublisher = InMemoryFaultPublisher()  # checked by mypy: the Protocol fits
    asyncio.run(publisher.publish_faults(_events("f1")))
    assert isinstance(publisher, InMemoryFaultPublisher)
    assert [event.id for event in publisher.events] == ["f1"]
