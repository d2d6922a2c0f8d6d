"""Publishing fault events to the bus, through the EventBridge connector."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.eventbridge import MAX_ENTRIES, EventBridgePort
from lambda_stream.connectors.ports import Ports
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, dumps
from lambda_stream.core.options import Options
from lambda_stream.faults.event import FAULT_COMPRESSION_IGNORE
from lambda_stream.sinks.eventbridge import to_entry

__all__ = ["EventBridgeFaultPublisher", "default_fault_publisher"]


class EventBridgeFaultPublisher:
    """A `FaultPublisher` putting fault events on the bus.

    Fault events go out in batches of ``FAULTS_BATCH_SIZE`` (at most 10) and
    ``max_request_size`` bytes, ``FAULTS_PARALLEL`` at a time; the uow's record and data are
    never compressed, so a fault monitor can read and resubmit them. Any entry the bus refuses
    after the retries makes the publish fail, and with it the invocation: a fault is never lost.
    """

    def __init__(
        self, options: Options, port: EventBridgePort, *, bus_name: str | None = None
    ) -> None:
        bus = bus_name or options.bus_name
        if not bus:
            raise ValueError("fault events need a bus: pass bus_name= or set BUS_NAME")
        self.options = options
        self.port = port
        self.bus_name = bus

    async def publish_faults(self, events: Sequence[Event]) -> None:
        """Publish `events`; raises when any of them could not be published."""
        entries = [
            to_entry(
                event,
                bus_name=self.bus_name,
                source=self.options.bus_source,
                compression_threshold=self.options.compression_threshold,
                compression_ignore=FAULT_COMPRESSION_IGNORE,
            )
            for event in events
        ]
        limit = asyncio.Semaphore(self.options.parallel_for("faults"))

        async def put(batch: list[JsonObject]) -> None:
            async with limit:
                outcome = await self.port.put_events(batch)
            if outcome.failed_count:
                codes = sorted({r.error_code or "?" for r in outcome.results if r.failed})
                raise RuntimeError(
                    f"the bus refused {outcome.failed_count} fault event(s): {', '.join(codes)}"
                )

        await asyncio.gather(*(put(batch) for batch in self._batches(entries)))

    def _batches(self, entries: list[JsonObject]) -> list[list[JsonObject]]:
        count = min(self.options.faults_batch_size, MAX_ENTRIES)
        limit = self.options.max_request_size
        batches: list[list[JsonObject]] = []
        current: list[JsonObject] = []
        size = 0
        for entry in entries:
            entry_size = len(dumps(entry).encode("utf-8"))
            if current and (len(current) == count or size + entry_size > limit):
                batches.append(current)
                current, size = [], 0
            current.append(entry)
            size += entry_size
        if current:
            batches.append(current)
        return batches


def default_fault_publisher(
    options: Options, ports: Ports | None = None
) -> EventBridgeFaultPublisher | None:
    """The EventBridge publisher when a bus is configured (``BUS_NAME``), else None.

    It publishes through ``ports.eventbridge``, asked for on the first fault only: a function
    that never faults never builds the client.
    """
    if not options.bus_name:
        return None
    return EventBridgeFaultPublisher(options, _Deferred(ports or Ports(options)))


class _Deferred:
    """An `EventBridgePort` that is ``ports.eventbridge``, looked up when first used."""

    def __init__(self, ports: Ports) -> None:
        self.ports = ports

    async def put_events(
        self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        return await self.ports.eventbridge.put_events(entries, endpoint_id=endpoint_id)
