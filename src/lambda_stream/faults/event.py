"""Fault events: what a failed uow becomes on the bus, in the JS library's format."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.utils.compression import compressed_json
from lambda_stream.utils.redact import trim_and_redact
from lambda_stream.utils.tags import adorn_standard_tags

__all__ = ["FAULT_COMPRESSION_IGNORE", "FAULT_EVENT_TYPE", "fault_event"]

FAULT_EVENT_TYPE = "fault"
FAULT_COMPRESSION_IGNORE = ("uow", "batch", "record", "kinesis", "data")
"""Members never compressed in a fault, so a monitor can read and resubmit the record."""


def fault_event(
    fault: Fault,
    options: Options,
    *,
    now_ms: int,
    new_id: Callable[[], str] = lambda: str(uuid.uuid1()),
    new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Event:
    """The ``fault`` event for a single-uow `fault` (see `Fault.expand`).

    Carries ``err {name, message, stack}`` and the trimmed, redacted uow; tagged with the
    standard tags plus ``functionname`` and ``pipeline``. When the event would not fit in one
    publish request (``max_request_size``), the uow is cut down to its ``record``: the minimum a
    fault monitor needs to resubmit it.
    """
    uow = fault.uows[0] if fault.uows else None
    pipeline = uow.pipeline if uow is not None else None
    body: dict[str, object] = (
        trim_and_redact(uow) if uow is not None else {"subject": repr(fault.subject)}
    )
    err = {"name": fault.name, "message": fault.message, "stack": fault.stack}
    event = _event(fault, err, body, options, pipeline, now_ms, new_id(), new_key())
    if _size(event, options) > options.max_request_size and uow is not None:
        event = _event(
            fault,
            err,
            {"record": body["record"]},
            options,
            pipeline,
            now_ms,
            event.id,
            event.partition_key or new_key(),
        )
    return event


def _event(
    fault: Fault,
    err: dict[str, str],
    uow: dict[str, object],
    options: Options,
    pipeline: str | None,
    now_ms: int,
    event_id: str,
    key: str,
) -> Event:
    bare = Event(
        id=event_id,
        type=FAULT_EVENT_TYPE,
        timestamp=now_ms,
        partition_key=key,
        tags=JsonObject(
            {
                "functionname": options.function_name or "undefined",
                "pipeline": pipeline or "undefined",
            }
        ),
        extra=JsonObject({"err": err, "uow": uow}),  # type: ignore[dict-item]  # plain JSON
    )
    return adorn_standard_tags(bare, options, pipeline)


def _size(event: Event, options: Options) -> int:
    text = compressed_json(
        event.wire(), threshold=options.compression_threshold, ignore=FAULT_COMPRESSION_IGNORE
    )
    return len(text.encode("utf-8"))
