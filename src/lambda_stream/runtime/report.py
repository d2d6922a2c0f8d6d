"""A readable account of an invocation: per pipeline what came out, the faults, the response."""

from __future__ import annotations

import json

from lambda_stream.core.uow import UnitOfWork
from lambda_stream.runtime.handler import Invocation

__all__ = ["format_invocation"]


def format_invocation(invocation: Invocation, *, full: bool = False) -> str:
    """Text for a terminal; `full` prints whole uows and fault events instead of summaries."""
    lines: list[str] = []
    for pipeline, uows in sorted(invocation.by_pipeline().items()):
        lines.append(f"pipeline {pipeline}: {len(uows)} uow(s)")
        lines.extend("  " + _uow_line(uow, full) for uow in uows)
    lines.append(f"fault events: {len(invocation.fault_events)}")
    for event in invocation.fault_events:
        body = event.to_dict()
        if full:
            lines.append(_indent(json.dumps(body, indent=2, default=str)))
            continue
        err = body.get("err")
        uow = body.get("uow")
        record = uow.get("record") if isinstance(uow, dict) else None
        where = record.get("eventID") if isinstance(record, dict) else None
        name = err.get("name") if isinstance(err, dict) else "?"
        message = err.get("message") if isinstance(err, dict) else "?"
        origin = event.tags.get_str("pipeline")
        lines.append(f"  {event.id} pipeline={origin} record={where} {name}: {message}")
    if invocation.held:
        lines.append(
            f"faults held back: {len(invocation.held)} (their records will be delivered again)"
        )
    if invocation.retry:
        lines.append(f"records to retry: {', '.join(invocation.retry)}")
    lines.append("response: " + json.dumps(invocation.response))
    return "\n".join(lines)


def _uow_line(uow: UnitOfWork, full: bool) -> str:
    if full:
        return json.dumps(uow.to_dict(), default=str)
    event = uow.event
    added = {name: value for name, value in uow.to_dict().items() if name not in _BASE}
    head = f"{event.type} {event.id}" if event is not None else "(no event)"
    return f"{head} {json.dumps(added, default=str)}" if added else head


_BASE = frozenset({"pipeline", "record", "event", "batch"})


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
