"""Latching: a trigger does not publish again the changes a listener made (N-directional sync).

A listener that writes a row from another service's event sets ``latched: true`` on it; a
command or mutation sets ``latched: null``, which removes the attribute. The trigger on the
table's stream then drops the latched changes with `out_latched`, so two services syncing the
same data do not echo each other's events back and forth.
"""

from __future__ import annotations

from decimal import Decimal

from lambda_stream.core.json import FrozenJson, JsonObject
from lambda_stream.core.uow import UnitOfWork

__all__ = ["out_latched"]


def out_latched(uow: UnitOfWork) -> bool:
    """Keep a change unless the row it leaves behind is latched.

    As the JS library's ``outLatched``: keep when ``raw.new`` exists and is not latched, or when
    there is no ``raw.new`` (a delete) and ``raw.old`` exists and is not latched; a ``raw``
    with neither image is dropped. Values are tested with JavaScript's truthiness, so
    ``latched: null`` is not latched.

    A uow whose event has no ``raw`` at all (an event that did not come from a DynamoDB stream,
    such as one read from Kinesis) is kept: no row of this service was latched. The JS filter
    throws an unhandled TypeError there, failing the whole batch, and the ``update`` flavor
    applies it to every event it receives.

    >>> from lambda_stream import Event
    >>> def change(raw): return UnitOfWork(record=None, event=Event.from_dict(
    ...     {"id": "1", "type": "thing-updated", "raw": raw}))
    >>> out_latched(change({"new": {"latched": True}})), out_latched(change({"new": {"n": 1}}))
    (False, True)
    >>> out_latched(change({"old": {"latched": None}}))
    True
    """
    event = uow.event
    raw = None if event is None else event.raw
    if raw is None:
        return True
    if not isinstance(raw, JsonObject):
        return False  # neither image can be read from it, as when both are missing
    new = raw.get("new")
    if _truthy(new):
        return not _latched(new)
    old = raw.get("old")
    return _truthy(old) and not _latched(old)


def _latched(image: FrozenJson) -> bool:
    return isinstance(image, JsonObject) and _truthy(image.get("latched"))


def _truthy(value: FrozenJson) -> bool:
    """JavaScript's truthiness of a JSON value: every object and array is true, even empty."""
    if value is None or isinstance(value, bool):
        return value is True
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float | Decimal):
        return value == value and value != 0  # NaN is false, as in JavaScript
    return True
