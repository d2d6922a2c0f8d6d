"""The thing service's trigger: a domain event on the bus for every change of a ``thing`` row.

The ``Entities`` table is the service's single table; its stream feeds this function. One
``cdc`` rule turns each change of a ``thing`` row (created, updated, soft deleted) into a
domain event: `to_thing_event` returns the fields merged into the change event, the entity
under ``thing`` and the row's own ``timestamp`` (the stream's record time counts whole seconds,
too coarse to order the changes of one second). Rows a listener wrote (``latched``) are
dropped by the flavor, so services that sync each other's data never echo.

A row whose ``status`` the service does not know is a poison record: no retry can make an
event of it, so `to_thing_event` raises, and the record becomes a fault event on the bus while
the rest of the batch goes on.

On Lambda the options come from the environment (``BUS_NAME``, ``SERVICE``, ...), see
``template.yaml``; ``demo`` calls `build` with its own options and connections.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lambda_stream import (
    CdcRule,
    JsonObject,
    LambdaContext,
    LambdaResponse,
    Options,
    Pipelines,
    UnitOfWork,
    from_dynamodb,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.flavors import EventFields

__all__ = ["RULES", "STATUSES", "UnknownStatusError", "build", "handler", "to_thing_event"]

STATUSES: Final = frozenset({"new", "active", "retired"})
"""The statuses a thing can have; any other is a row the trigger cannot publish."""

STORAGE: Final = ("pk", "sk", "discriminator", "latched", "ttl", "awsregion", "timestamp")
"""Attributes of a row that belong to the table's layout, not to the entity."""


class UnknownStatusError(ValueError):
    """A thing row has a status the service does not know: a poison record."""


def to_thing_event(uow: UnitOfWork, rule: CdcRule) -> EventFields:
    """The fields of the domain event for a change of a thing row.

    ``thing`` is the entity of the new row (the old one for a hard delete): its id and its own
    attributes, without the table's. ``timestamp`` is the row's. The change event's id, type,
    partition key and tags stay as they are.

    Raises:
        UnknownStatusError: the row's status is not one of `STATUSES`.
    """
    assert uow.event is not None  # from_dynamodb decodes every record it lets through
    raw = uow.event.raw
    assert isinstance(raw, JsonObject)  # a change event always carries its images
    row = raw.get_object("new") or raw.get_object("old")
    status = row.get("status")
    if status not in STATUSES:
        raise UnknownStatusError(f"thing {row.get('pk')!r} has an unknown status: {status!r}")
    return {"timestamp": row["timestamp"], "thing": {"id": row["pk"], **row.remove(*STORAGE)}}


RULES: Final = (
    CdcRule(
        id="thing-events",
        event_type=("thing-created", "thing-updated", "thing-deleted", "thing-undeleted"),
        to_event=to_thing_event,
    ),
)


def build(options: Options, *, ports: Ports | None = None) -> Pipelines:
    """The trigger's pipelines; `ports` defaults to connectors built from `options`."""
    return initialize_from(RULES, options, ports=ports)


# Built once per container. A partial batch response needs ReportBatchItemFailures on the event
# source mapping as well (template.yaml sets it).
PIPELINES: Final = build(resolve_options(partial_batch_response=True))


def handler(
    event: Mapping[str, object],
    context: LambdaContext | None = None,
    *,
    pipelines: Pipelines | None = None,
) -> LambdaResponse:
    """The Lambda entry point; `pipelines` replaces `PIPELINES` (the demo's, the tests')."""
    head = from_dynamodb(event, ignore_ttl_expired_events=True)
    return (pipelines or PIPELINES).handle(head, context)
