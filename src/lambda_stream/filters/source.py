"""Routing on where an event came from: a service ignores the events it published itself."""

from __future__ import annotations

from collections.abc import Callable

from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork

__all__ = ["out_source_is_self"]


def out_source_is_self(options: Options) -> Callable[[UnitOfWork], bool]:
    """A predicate dropping the uows whose event's ``tags.source`` is this service.

    The service is `Options.service` (``SERVICE``, then ``PROJECT``, then
    ``SERVERLESS_PROJECT``): the value this library's publishers write as ``tags.source``. The
    JS library compares with ``PROJECT || SERVERLESS_PROJECT`` while its publishers write
    ``SERVICE`` first, so a service configured with ``SERVICE`` alone consumes its own events
    there. Uows without tags (or without an event) are kept; with no service configured every
    uow is kept.

    >>> from lambda_stream import Event
    >>> keep = out_source_is_self(Options(service="orders"))
    >>> mine = Event.from_dict({"id": "1", "type": "t", "tags": {"source": "orders"}})
    >>> keep(UnitOfWork(record=None, event=mine)), keep(UnitOfWork(record=None))
    (False, True)
    """
    return _SourceIsNotSelf(options.service)


class _SourceIsNotSelf:
    """The predicate of `out_source_is_self`.

    It reads nothing but the event, so `Stream.filter` may run it before a pipeline tags its
    copies of the uows.
    """

    __slots__ = ("service",)
    event_only = True

    def __init__(self, service: str | None) -> None:
        self.service = service

    def __call__(self, uow: UnitOfWork) -> bool:
        event = uow.event
        if event is None or self.service is None:
            return True
        return event.tags.get_str("source") != self.service
