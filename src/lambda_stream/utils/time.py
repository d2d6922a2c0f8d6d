"""Time to live: the epoch second at which DynamoDB may expire a stored item.

>>> ttl(1540454400000, 30)
1543046400
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeAlias

from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork

__all__ = ["TtlSetting", "ttl", "ttl_rule"]

_DAY_SECONDS = 86_400

TtlSetting: TypeAlias = "int | float | Decimal | Callable[[UnitOfWork], int]"
"""A rule's time to live: days after the event, or a function of the uow giving the epoch second."""


def ttl(start_ms: int, days: int | float | Decimal) -> int:
    """`days` after `start_ms` (epoch milliseconds), in epoch seconds.

    The start is floored to its second, as the JS library does; a fraction of a day is
    rounded to the nearest second, so the result is always a whole epoch second.

    >>> ttl(1600000000500, 0.5)
    1600043200

    Raises:
        TypeError: `days` is not a number (the JS library also takes numeric text; a string is
            turned into a number where the configuration is read, in `Options`).
    """
    if isinstance(days, bool) or not isinstance(days, int | float | Decimal):
        raise TypeError(f"ttl days must be a number, got {type(days).__name__}: {days!r}")
    return start_ms // 1000 + round(_DAY_SECONDS * days)


def ttl_rule(
    uow: UnitOfWork,
    *,
    ttl: TtlSetting | None = None,
    default_ttl: int | float | Decimal | None = None,
    options: Options | None = None,
) -> int:
    """The time to live of the item a rule writes for `uow` (the JS library's ``ttlRule``).

    `ttl` when it is a function of the uow; otherwise the days after the event's timestamp
    given by the first of `ttl`, `default_ttl` and ``options.ttl_days`` (``TTL``, 33 days)
    that is given. A zero setting counts as given (the JS library skips it as falsy).

    >>> from lambda_stream.core.event import Event
    >>> uow = UnitOfWork(record=None, event=Event(id="1", type="t", timestamp=1600000000000))
    >>> ttl_rule(uow, ttl=30), ttl_rule(uow)
    (1602592000, 1602851200)

    Raises:
        ValueError: the uow has no event timestamp to count from.
    """
    if callable(ttl):
        return ttl(uow)
    days = next(
        days for days in (ttl, default_ttl, (options or Options()).ttl_days) if days is not None
    )
    timestamp = uow.event.timestamp if uow.event is not None else None
    if timestamp is None:
        raise ValueError("ttl_rule needs the uow's event timestamp to count from")
    return _days_after(timestamp, days)


_days_after = ttl  # the parameter of ttl_rule hides the function
