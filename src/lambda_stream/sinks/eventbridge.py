"""Publishing events to an EventBridge bus."""

from __future__ import annotations

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.eventbridge import MAX_ENTRIES, EventBridgePort
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, JsonValue, _adopt_object
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, batched, event_reader, with_sent_event
from lambda_stream.utils.compression import compressed_json
from lambda_stream.utils.tags import adorn_standard_tags

__all__ = [
    "PUBLISH_REQUEST",
    "PUBLISH_REQUEST_ENTRY",
    "PUBLISH_RESPONSE",
    "publish_to_event_bridge",
    "to_entry",
]

PUBLISH_REQUEST_ENTRY: Key[JsonObject] = Key("publishRequestEntry")
"""The uow's own PutEvents entry."""
PUBLISH_REQUEST: Key[JsonObject] = Key("publishRequest")
"""The request of the batch the uow went in: ``{Entries, EndpointId?}``."""
PUBLISH_RESPONSE: Key[JsonObject] = Key("publishResponse")
"""The batch's answer: ``FailedEntryCount`` and ``Entries`` aligned with the request (after
retries), and ``attempts``, the raw responses, when entries were retried."""


def to_entry(
    event: Event,
    *,
    bus_name: str,
    source: str,
    compression_threshold: int | None,
    compression_ignore: tuple[str, ...] = (),
) -> JsonObject:
    """The PutEvents entry of `event`: ``Detail`` is its JSON, large members compressed."""
    detail = compressed_json(
        event.wire(), threshold=compression_threshold, ignore=compression_ignore
    )
    return _adopt_object(
        {"EventBusName": bus_name, "Source": source, "DetailType": event.type, "Detail": detail}
    )


def publish_to_event_bridge(
    options: Options,
    port: EventBridgePort,
    *,
    bus_name: str | None = None,
    source: str | None = None,
    event: Key[Event] | None = None,
    batch_size: int | None = None,
    max_request_size: int | None = None,
    parallel: int | None = None,
    endpoint_id: str | None = None,
    compression_ignore: tuple[str, ...] = (),
) -> Sink:
    """A sink publishing each uow's event to the bus (the JS library's ``publishToEventBridge``).

    The event gets the standard tags (its own win), becomes an entry, and goes out in batches of
    at most 10 entries and `max_request_size` bytes; entries that fail are retried alone with
    backoff. A uow without an event passes through untouched, in place. Each uow keeps
    ``publishRequestEntry``, ``publishRequest`` and ``publishResponse``; an entry the bus still
    refuses is a fault of its uow only (retryable when the bus throttled or failed inside).

    Args:
        options: the function's options (``BUS_NAME``, ``BUS_SRC``, limits, parallelism).
        port: the EventBridge connector.
        bus_name: the bus; ``options.bus_name`` when None.
        source: the entries' ``Source``; ``options.bus_source`` when None.
        event: where the event is in the uow; ``uow.event`` when None (e.g. ``Key("emit")``).
        batch_size: entries per request, at most 10.
        max_request_size: bytes per request (``options.max_request_size`` when None).
        parallel: requests in flight (``PUBLISH_PARALLEL``, ``PARALLEL``).
        endpoint_id: an EventBridge global endpoint (``options.bus_endpoint_id`` when None).
        compression_ignore: members never compressed.

    Raises:
        ValueError: there is no bus name.
    """
    bus = bus_name or options.bus_name
    if not bus:
        raise ValueError("publish_to_event_bridge needs a bus: pass bus_name= or set BUS_NAME")
    size = min(batch_size or options.batch_size_for("publish", MAX_ENTRIES), MAX_ENTRIES)
    endpoint = endpoint_id or options.bus_endpoint_id
    read_event = event_reader(event)

    def prepare(uow: UnitOfWork) -> UnitOfWork:
        found = read_event(uow)
        if found is None:
            return uow
        tagged = adorn_standard_tags(found, options, uow.pipeline)
        entry = to_entry(
            tagged,
            bus_name=bus,
            source=source or options.bus_source,
            compression_threshold=options.compression_threshold,
            compression_ignore=compression_ignore,
        )
        kept = with_sent_event(uow, event, tagged)
        return kept.set(PUBLISH_REQUEST_ENTRY, entry)

    async def send(entries: list[JsonObject]) -> BatchOutcome[JsonObject]:
        return await port.put_events(entries, endpoint_id=endpoint)

    def describe(outcome: BatchOutcome[JsonObject]) -> tuple[JsonObject, JsonObject]:
        request: dict[str, JsonValue] = {"Entries": list(outcome.entries)}
        if endpoint:
            request["EndpointId"] = endpoint
        response: dict[str, JsonValue] = {
            "FailedEntryCount": outcome.failed_count,
            "Entries": [result.entry for result in outcome.results],
        }
        if len(outcome.responses) > 1:
            response["attempts"] = list(outcome.responses)
        return JsonObject(request), JsonObject(response)

    return batched(
        prepare=prepare,
        entry=PUBLISH_REQUEST_ENTRY,
        send=send,
        request=PUBLISH_REQUEST,
        response=PUBLISH_RESPONSE,
        describe=describe,
        batch_size=size,
        max_bytes=max_request_size or options.max_request_size,
        parallel=parallel or options.parallel_for("publish"),
    )
