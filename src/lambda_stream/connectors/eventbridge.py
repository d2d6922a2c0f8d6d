"""EventBridge: put events, retrying the entries that failed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._entries import results_in_order
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

__all__ = ["MAX_ENTRIES", "EventBridgeConnector", "EventBridgePort"]

MAX_ENTRIES = 10
"""PutEvents takes at most 10 entries."""

Entry = JsonObject
"""A PutEvents entry: ``EventBusName``, ``Source``, ``DetailType``, ``Detail``."""


class EventBridgePort(Protocol):
    """Puts events on a bus."""

    async def put_events(
        self, entries: Sequence[Entry], *, endpoint_id: str | None = None
    ) -> BatchOutcome[Entry]:
        """Put up to 10 entries; one result per entry, failed ones retried while worth it.

        Raises:
            Exception: the call itself failed (after the SDK's own retries).
        """
        ...


class EventBridgeConnector:
    """`EventBridgePort` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self, connections: Connections | None = None, *, client: EventBridgeClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: EventBridgeClient = client or self.connections.session.client(
            "events",
            config=self.connections.config("events"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def put_events(
        self, entries: Sequence[Entry], *, endpoint_id: str | None = None
    ) -> BatchOutcome[Entry]:
        """Put the entries (see `EventBridgePort.put_events`)."""
        options = self.connections.options

        async def send(batch: list[Entry]) -> JsonObject:
            request: list[PutEventsRequestEntryTypeDef] = [
                {
                    "EventBusName": entry.get_str("EventBusName") or "",
                    "Source": entry.get_str("Source") or "",
                    "DetailType": entry.get_str("DetailType") or "",
                    "Detail": entry.get_str("Detail") or "",
                }
                for entry in batch
            ]
            if endpoint_id:
                call = partial(self.client.put_events, Entries=request, EndpointId=endpoint_id)
            else:
                call = partial(self.client.put_events, Entries=request)
            response = await self.connections.run(call)
            return frozen_response(response)

        return await send_with_retries(
            entries,
            send,
            results_of,
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )


def results_of(response: JsonObject, count: int) -> list[EntryResult]:
    """The per-entry results of a PutEvents response (its ``Entries`` follow the request)."""
    return results_in_order(response, count, entries="Entries", failed="FailedEntryCount")
