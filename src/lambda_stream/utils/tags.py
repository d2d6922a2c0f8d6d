"""The standard tags every published event carries."""

from __future__ import annotations

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options

__all__ = ["adorn_standard_tags", "env_tags"]

_UNSET = "undefined"  # what the JS library writes for an unset variable


def env_tags(options: Options, pipeline: str | None) -> dict[str, str]:
    """The tags ``account, region, stage, source, functionname, pipeline``, in that order."""
    return {
        "account": options.account_name or _UNSET,
        "region": options.region or _UNSET,
        "stage": options.stage or _UNSET,
        "source": options.service or _UNSET,
        "functionname": options.function_name or _UNSET,
        "pipeline": pipeline or _UNSET,
    }


def adorn_standard_tags(event: Event, options: Options, pipeline: str | None) -> Event:
    """`event` with the standard tags added; the event's own tags win.

    ``skip: true`` is added in test mode (``NODE_ENV=test``) so consumers drop test events.
    """
    tags: dict[str, object] = dict(env_tags(options, pipeline))
    if options.test_mode:
        tags["skip"] = True
    tags.update(event.tags.thaw())
    return Event(
        id=event.id,
        type=event.type,
        timestamp=event.timestamp,
        partition_key=event.partition_key,
        tags=JsonObject(tags),  # type: ignore[arg-type]  # thawed JSON
        extra=event.extra,
    )
