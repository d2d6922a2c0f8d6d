"""A readable account of an invocation: per pipeline what came out, the faults, the response."""

from __future__ import annotations

import json

from lambda_stream.core.uow import UnitOfWork
from lambda_stream.runtime.handler import Invocation

__all__ = ["format_invocation", "format_table"]


def format_invocation(invocation: Invocation, *, full: bool = False) -> str:
    """Text for a terminal; `full` prints whole uows and fault events instead of summaries.

    A summary line gives a uow's event type and id and what the pipeline added to it, each
    value longer than a short line (a request, a response) cut down to its size.
    """
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
        where = _record_id(uow.get("record") if isinstance(uow, dict) else None)
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


def _record_id(record: object) -> object:
    """How the record is known to its source.

    Kinesis and DynamoDB ``eventID``, SQS ``messageId``, Firehose ``recordId``, an SNS message
    id, an S3 key, an EventBridge ``id``.
    """
    if not isinstance(record, dict):
        return None
    for name in ("eventID", "messageId", "recordId"):
        if name in record:
            return record[name]
    sns, s3 = record.get("Sns"), record.get("s3")
    if isinstance(sns, dict):
        return sns.get("MessageId")
    if isinstance(s3, dict) and isinstance(s3.get("object"), dict):
        return s3["object"].get("key")
    return record.get("id")


def _uow_line(uow: UnitOfWork, full: bool) -> str:
    if full:
        return json.dumps(uow.to_dict(), default=str)
    event = uow.event
    added = {name: value for name, value in uow.to_dict().items() if name not in _BASE}
    head = f"{event.type} {event.id}" if event is not None else "(no event)"
    if not added:
        return head
    values = ", ".join(f"{json.dumps(name)}: {_brief(value)}" for name, value in added.items())
    return f"{head} {{{values}}}"


_WIDE = 120
"""Values whose JSON is longer than this are summarised by their size."""


def _brief(value: object) -> str:
    text = json.dumps(value, default=str)
    if len(text) <= _WIDE:
        return text
    if isinstance(value, dict):
        return f"{{...{len(value)} keys}}"
    if isinstance(value, list):
        return f"[...{len(value)} items]"
    return text[: _WIDE - 4] + '..."'


_BASE = frozenset({"pipeline", "record", "event", "batch"})


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain text table: columns as wide as their widest cell, numbers right-aligned.

    >>> print(format_table(["name", "n"], [["a", "1"], ["bb", "22"]]))
        name  n
        ----  --
        a      1
        bb    22
    """
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return (
            "    "
            + "  ".join(
                cell.rjust(width) if cell.lstrip("-").isdigit() else cell.ljust(width)
                for cell, width in zip(cells, widths, strict=True)
            ).rstrip()
        )

    return "\n".join([line(headers), line(["-" * width for width in widths]), *map(line, rows)])
