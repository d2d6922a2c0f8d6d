"""Collected events: the rows of a micro event store, read back from its table's stream.

The JS ``collect`` flavor stores each event a listener receives as a row ``{pk: event.id,
sk: 'EVENT', event, sequenceNumber, ttl, data, ...}``. A trigger on that table sees each new
row as the INSERT of a change event; the flavors that react to the stored events themselves
(``update``, and later ``correlate`` and ``evaluate``) first turn such a uow back into the
stored event with `normalize`.
"""

from __future__ import annotations

from typing import Final

from lambda_stream.core.event import Event
from lambda_stream.core.json import FrozenJson, JsonObject
from lambda_stream.core.uow import Key, UnitOfWork

__all__ = ["META", "is_collected_event", "normalize"]

META: Key[JsonObject] = Key("meta")
"""What the stored row says about its event: ``sequenceNumber``, ``ttl`` and ``data`` (the
correlation key), those it has."""

_META_FIELDS: Final = ("sequenceNumber", "ttl", "data")


def is_collected_event(uow: UnitOfWork) -> bool:
    """Whether `uow` is the INSERT of a collected event (sort key ``EVENT``) in a table stream.

    Records of other sources are not (the JS check throws on them).

    >>> record = JsonObject({"eventName": "INSERT", "dynamodb": {"Keys": {"sk": {"S": "EVENT"}}}})
    >>> is_collected_event(UnitOfWork(record=record)), is_collected_event(UnitOfWork(record=None))
    (True, False)
    """
    record = uow.record
    if not isinstance(record, JsonObject) or record.get("eventName") != "INSERT":
        return False
    keys = record.get_object("dynamodb").get_object("Keys")
    return keys.get_object("sk").get("S") == "EVENT"


def normalize(uow: UnitOfWork) -> UnitOfWork:
    """The uow of a collected event, its event now the stored one (JS ``normalize``).

    The event becomes the row's ``event``; ``meta`` keeps the row's ``sequenceNumber``,
    ``ttl`` and ``data``.

    >>> stored = {"pk": "e1", "sk": "EVENT", "ttl": 1, "event": {"id": "e1", "type": "x-done"}}
    >>> change = Event.from_dict({"id": "0", "type": "event-created", "raw": {"new": stored}})
    >>> uow = normalize(UnitOfWork(record=None, event=change))
    >>> uow.event.type, uow[META]
    ('x-done', JsonObject({'ttl': 1}))

    Raises:
        ValueError: the row holds no event object.
        EventError: the stored event has no string ``id`` or ``type``.
    """
    raw = uow.event.raw if uow.event is not None else None
    row = raw.get_object("new") if isinstance(raw, JsonObject) else JsonObject()
    stored: FrozenJson = row.get("event")
    if not isinstance(stored, JsonObject):
        raise ValueError("a collected event's row has no 'event' object in its new image")
    meta = {name: row[name] for name in _META_FIELDS if name in row}
    return uow.with_event(Event.from_dict(stored)).set(META, JsonObject(meta))
