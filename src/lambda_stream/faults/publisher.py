"""The port fault events leave through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lambda_stream.core.event import Event

__all__ = ["FaultPublisher", "InMemoryFaultPublisher"]


class FaultPublisher(Protocol):
    """Publishes fault events; raises when any of them could not be published."""

    async def publish_faults(self, events: Sequence[Event]) -> None:
        """Publish every event of `events`, or raise."""
        ...


class InMemoryFaultPublisher:
    """Keeps published fault events in memory: for tests and local runs."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def publish_faults(self, events: Sequence[Event]) -> None:
        """Append `events` to `events`."""
        self.events.extend(events)
