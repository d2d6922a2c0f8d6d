"""Trim and redact a uow for a fault event: enough to resubmit it, nothing secret."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.core.uow import Key, UnitOfWork

__all__ = ["UNDECRYPTED_EVENT", "trim_and_redact"]

UNDECRYPTED_EVENT: Key[Event] = Key("undecryptedEvent")
"""The event as received, before decryption; a fault shows this one."""

_DROPPED = frozenset({"decryptResponse", "encryptResponse", UNDECRYPTED_EVENT.name})


def trim_and_redact(uow: UnitOfWork) -> dict[str, object]:
    """The uow's wire form for a fault event.

    ``record`` stays exactly as received (it is what a fault monitor resubmits); ``event`` is the
    ciphertext version when the uow was decrypted; members named in the events' ``eem.fields``
    become ``"[REDACTED]"`` at any depth; bytes become ``"[BUFFER: n]"``; a value that contains
    itself becomes ``"[CIRCULAR]"`` where it recurs (a value merely shared by two members is
    written out in both). The encryption responses are dropped.

    >>> from lambda_stream import Event
    >>> event = Event.from_dict({"id": "1", "type": "t", "pin": "4111", "eem": {"fields": ["pin"]}})
    >>> trim_and_redact(UnitOfWork(record={"k": 1}, event=event))["event"]["pin"]
    '[REDACTED]'
    """
    return _trim(uow, frozenset(_eem_fields(uow)))


def _trim(uow: UnitOfWork, fields: frozenset[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    if uow.pipeline is not None:
        out["pipeline"] = uow.pipeline
    out["record"] = _clean(uow.record, frozenset(), ())
    event = uow.get(UNDECRYPTED_EVENT) or uow.event
    if event is not None:
        out["event"] = _clean(event, fields, ())
    if uow.batch:
        out["batch"] = [_trim(member, fields) for member in uow.batch]
    for name, value in uow.attrs():
        if name not in _DROPPED:  # a top-level member is redacted by name too, as in JS
            out[name] = "[REDACTED]" if name in fields else _clean(value, fields, ())
    return out


def _eem_fields(uow: UnitOfWork) -> Iterable[str]:
    for event in (uow.event, uow.get(UNDECRYPTED_EVENT)):
        eem = event.get("eem") if event is not None else None
        names = eem.get("fields") if isinstance(eem, JsonObject) else None
        if isinstance(names, JsonArray):
            yield from (name for name in names if isinstance(name, str))
    for member in uow.batch:
        yield from _eem_fields(member)


def _clean(value: object, fields: frozenset[str], path: tuple[int, ...]) -> object:
    if isinstance(value, JsonObject | JsonArray):
        value = value.thaw()
    elif isinstance(value, Event):
        value = value.to_dict()
    elif isinstance(value, UnitOfWork):  # its own eem fields apply too, or its secrets leak
        return _trim(value, fields | frozenset(_eem_fields(value)))
    if isinstance(value, bytes | bytearray | memoryview):
        return f"[BUFFER: {len(value)}]"
    if isinstance(value, Mapping | list | tuple | Set):
        if id(value) in path:
            return "[CIRCULAR]"
        inner = (*path, id(value))
        if isinstance(value, Mapping):
            return {
                key: "[REDACTED]" if key in fields else _clean(member, fields, inner)
                for key, member in value.items()
            }
        return [_clean(member, fields, inner) for member in value]
    return value
