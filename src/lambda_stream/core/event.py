"""The standard Event, in the wire format shared with the JavaScript library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lambda_stream.core.json import (
    EMPTY_OBJECT,
    FrozenJson,
    JsonObject,
    JsonValue,
    _adopt_object,
    _copy,
    dumps,
)

__all__ = ["Event", "EventError"]


class EventError(ValueError):
    """A mapping is not a valid Event (it lacks a string ``id`` or ``type``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A domain event: ``id``, ``type``, ``timestamp`` (epoch ms), ``partitionKey``, ``tags``.

    Every other top-level member (the entity such as ``thing``, ``raw``, ``eem``, ``s3``, and
    fields this library does not know) lives in `extra`, in wire order, and is written back at
    the top level by `to_dict`, so a round trip loses nothing. An optional member whose value
    has an unexpected type (a string timestamp, say) is kept verbatim in `extra` too.

    >>> e = Event.from_dict({"id": "1", "type": "thing-created", "thing": {"name": "x"}})
    >>> e["thing"]["name"], e.partition_key
    ('x', None)
    >>> e.to_dict()
    {'id': '1', 'type': 'thing-created', 'thing': {'name': 'x'}}
    """

    id: str
    type: str
    timestamp: int | None = None
    partition_key: str | None = None
    tags: JsonObject = EMPTY_OBJECT
    extra: JsonObject = field(default=EMPTY_OBJECT)

    @staticmethod
    def from_dict(value: Mapping[str, JsonValue]) -> Event:
        """Build an Event from its wire form (copied, so later changes to `value` don't leak in).

        Raises:
            EventError: `value` is not an object, or ``id`` or ``type`` is missing or not a string.
        """
        if not isinstance(value, Mapping):
            raise EventError(f"an event must be a JSON object, got {type(value).__name__}")
        return Event._adopt(_copy(value))  # type: ignore[arg-type]  # a Mapping copies to a dict

    @staticmethod
    def _adopt(data: dict[str, object]) -> Event:
        """Build an Event from a dict nothing else references; `data` is consumed."""
        event_id = data.pop("id", None)
        event_type = data.pop("type", None)
        if not isinstance(event_id, str) or not isinstance(event_type, str):
            if event_id is not None:
                data["id"] = event_id
            if event_type is not None:
                data["type"] = event_type
            raise EventError(_missing(event_id, event_type))
        timestamp = data.get("timestamp")
        if timestamp.__class__ is int:
            del data["timestamp"]
        elif isinstance(timestamp, float) and timestamp.is_integer():
            timestamp = int(timestamp)
            del data["timestamp"]
        else:
            timestamp = None
        partition_key = data.get("partitionKey")
        if partition_key.__class__ is str:
            del data["partitionKey"]
        else:
            partition_key = None
        tags = data.get("tags")
        if tags.__class__ is dict and tags:  # an empty object stays verbatim in extra
            del data["tags"]
            tags_obj = _adopt_object(tags)
        else:
            tags_obj = EMPTY_OBJECT
        event: Event = _new(Event)
        _set_id(event, event_id)
        _set_type(event, event_type)
        _set_timestamp(event, timestamp)
        _set_partition_key(event, partition_key)
        _set_tags(event, tags_obj)
        _set_extra(event, _adopt_object(data))
        return event

    def __getitem__(self, key: str) -> FrozenJson:
        """A top-level member of `extra`, such as the entity: ``event["thing"]``."""
        return self.extra[key]

    def get(self, key: str) -> FrozenJson:
        """A top-level member of `extra`, or None when absent."""
        return self.extra.get(key, None)

    @property
    def raw(self) -> FrozenJson:
        """The ``raw`` member (for change events: ``{"new": ..., "old": ...}``), or None."""
        return self.get("raw")

    @property
    def skip(self) -> bool:
        """Whether ``tags.skip`` is truthy (test events the consumers drop)."""
        return bool(self.tags._data.get("skip"))

    def to_dict(self) -> dict[str, object]:
        """The wire form: a plain ``dict`` with the entity and unknown members at the top level."""
        out: dict[str, object] = {"id": self.id, "type": self.type}
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        if self.partition_key is not None:
            out["partitionKey"] = self.partition_key
        if self.tags:
            out["tags"] = self.tags.thaw()
        for key, value in self.extra.thaw().items():
            if key not in out:
                out[key] = value
        return out

    def to_json(self) -> str:
        """Compact JSON text of `to_dict`."""
        return dumps(self.wire())

    def wire(self) -> Mapping[str, object]:
        """The wire form as a read-only view sharing this event's containers, for serialisers.

        Unlike `to_dict` it copies nothing, so it costs a fraction; read it, never mutate it.
        """
        out: dict[str, object] = {"id": self.id, "type": self.type}
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        if self.partition_key is not None:
            out["partitionKey"] = self.partition_key
        if self.tags:
            out["tags"] = self.tags._data
        for key, value in self.extra._data.items():
            if key not in out:
                out[key] = value
        return out


# Slot descriptors: building an Event from decoded data skips the frozen dataclass's __init__.
_set_id = Event.__dict__["id"].__set__
_set_type = Event.__dict__["type"].__set__
_set_timestamp = Event.__dict__["timestamp"].__set__
_set_partition_key = Event.__dict__["partition_key"].__set__
_set_tags = Event.__dict__["tags"].__set__
_set_extra = Event.__dict__["extra"].__set__
_new = object.__new__


def _missing(event_id: object, event_type: object) -> str:
    problems = []
    for name, value in (("id", event_id), ("type", event_type)):
        if value is None:
            problems.append(f"no '{name}'")
        elif not isinstance(value, str):
            problems.append(f"'{name}' is a {type(value).__name__}, not a string")
    return "not an event: " + " and ".join(problems)
