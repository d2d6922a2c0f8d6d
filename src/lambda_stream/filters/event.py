"""Routing on the event: by type, and by content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias

from lambda_stream.core.uow import UnitOfWork

__all__ = ["EventTypeMatcher", "on_content", "on_event_type"]

EventTypeMatcher: TypeAlias = str | re.Pattern[str] | Sequence[str] | Callable[[str], bool]
"""A type (exact match), a regex (searched, as the JS library does), a list of types, or a test."""


def on_event_type(matcher: EventTypeMatcher) -> Callable[[UnitOfWork], bool]:
    """A predicate keeping the uows whose event type `matcher` accepts.

    >>> from lambda_stream import Event
    >>> keep = on_event_type(re.compile(r"thing-(created|updated)"))
    >>> keep(UnitOfWork(record=None, event=Event(id="1", type="thing-updated")))
    True

    Raises:
        TypeError: `matcher` is none of the accepted kinds.
    """
    return _EventTypeFilter(_type_test(matcher))


class _EventTypeFilter:
    """The predicate of `on_event_type`; it reads nothing but the event (see `Stream.filter`)."""

    __slots__ = ("test",)
    event_only = True

    def __init__(self, test: Callable[[str], bool]) -> None:
        self.test = test

    def __call__(self, uow: UnitOfWork) -> bool:
        event = uow.event
        return event is not None and self.test(event.type)


def _type_test(matcher: EventTypeMatcher) -> Callable[[str], bool]:
    if isinstance(matcher, str):
        return matcher.__eq__
    if isinstance(matcher, re.Pattern):
        search = matcher.search
        return lambda event_type: search(event_type) is not None
    if isinstance(matcher, Sequence) and all(isinstance(item, str) for item in matcher):
        return frozenset(matcher).__contains__
    if callable(matcher):
        return matcher
    raise TypeError(
        "event_type must be a string, a compiled regex, a list of strings or a function, "
        f"got {type(matcher).__name__}"
    )


def on_content(filters: Iterable[Callable[[UnitOfWork], object]]) -> Callable[[UnitOfWork], bool]:
    """A predicate keeping the uows every one of `filters` accepts (all of none: every uow)."""
    tests = tuple(filters)

    def keep(uow: UnitOfWork) -> bool:
        return all(test(uow) for test in tests)

    return keep
