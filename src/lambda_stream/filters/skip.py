"""Test events: tagged ``skip`` by their producer, dropped by every consumer."""

from __future__ import annotations

from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork

__all__ = ["out_skip", "skip_tag"]


def out_skip(uow: UnitOfWork) -> bool:
    """Keep `uow` unless its event has a truthy ``tags.skip``; a uow without an event is kept.

    >>> from lambda_stream import Event, JsonObject
    >>> tagged = Event(id="1", type="t", tags=JsonObject({"skip": True}))
    >>> out_skip(UnitOfWork(record=None, event=tagged)), out_skip(UnitOfWork(record=None))
    (False, True)
    """
    event = uow.event
    return event is None or not event.skip


def skip_tag(options: Options) -> dict[str, bool]:
    """The tag a producer adds so consumers drop its events: ``{"skip": True}`` in test mode.

    Test mode is ``NODE_ENV=test``; otherwise the tag is left out altogether, as the JS library
    leaves it out (its ``skip: undefined`` disappears from the JSON).

    >>> from lambda_stream import resolve_options
    >>> skip_tag(resolve_options({"NODE_ENV": "test"})), skip_tag(resolve_options({}))
    ({'skip': True}, {})
    """
    return {"skip": True} if options.test_mode else {}
