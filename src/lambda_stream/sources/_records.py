"""What every source shares: reading ``Records`` and turning payload text into an Event."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence

from lambda_stream.core.event import Event, EventError
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import FrozenJson, _wrap, freeze
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.utils.compression import decompress, might_be_compressed

__all__: list[str] = []


class RecordError(ValueError):
    """A record does not have the shape its source expects."""


def adopt(value: object) -> FrozenJson:
    """The frozen view of a value from the Lambda event.

    Plain JSON containers are wrapped without a copy: a source treats the event it is given as
    read-only and takes it over; anything else is deep-copied.
    """
    if value.__class__ is dict or value.__class__ is list:
        return _wrap(value)
    return freeze(value)  # type: ignore[arg-type]  # freeze rejects what is not JSON


def adopt_raw(value: object) -> FrozenJson:
    """`adopt`, or ``repr(value)`` when it is not JSON: what a fault keeps of malformed input."""
    try:
        return adopt(value)
    except TypeError:
        return repr(value)


class RawRecords:
    """`decode` of every entry of ``event[key]``, None results dropped; re-iterable.

    A malformed event becomes a single fault carrying the whole event.
    """

    __slots__ = ("decode", "event", "key", "source")

    def __init__(
        self,
        event: object,
        source: str,
        decode: Callable[[object], UnitOfWork | Fault | None],
        *,
        key: str = "Records",
    ) -> None:
        self.event = event
        self.source = source
        self.decode = decode
        self.key = key

    def __iter__(self) -> Iterator[UnitOfWork | Fault]:
        return _decoded(self.event, self.source, self.decode, self.key)


def _decoded(
    event: object,
    source: str,
    decode: Callable[[object], UnitOfWork | Fault | None],
    key: str,
) -> Iterator[UnitOfWork | Fault]:
    if isinstance(event, Mapping):
        entries = event.get(key)
        if isinstance(entries, Sequence) and not isinstance(entries, str | bytes):
            for entry in entries:
                item = decode(entry)
                if item is not None:
                    yield item
            return
        problem = f"{_a(source)} event needs a '{key}' list"
    else:
        problem = f"{_a(source)} event must be a JSON object, got {type(event).__name__}"
    yield Fault.of(RecordError(problem), UnitOfWork(record=adopt_raw(event)))


def member(value: FrozenJson, *path: str) -> FrozenJson:
    """``value[path[0]][path[1]]...``, or RecordError naming the missing member."""
    for depth, key in enumerate(path):
        if not isinstance(value, Mapping) or key not in value:
            raise RecordError(f"record has no {'.'.join(path[: depth + 1])}")
        value = value[key]
    return value


_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"  # the only whitespace JSON allows around a value


def parse_json(text: str) -> object:
    """`text` as JSON with compressed members revived (plain containers, owned by the caller).

    Raises:
        json.JSONDecodeError: the text is not JSON.
    """
    # json.loads without its checks of the argument; only JSON's own whitespace may surround
    start = len(text) - len(text.lstrip(_SPACE)) if text[:1] in _SPACE else 0
    data, end = _DECODER.raw_decode(text, start)
    if end != len(text) and text[end:].strip(_SPACE):
        raise json.JSONDecodeError("Extra data", text, end)
    return decompress(data) if might_be_compressed(text) else data


def parse_event(text: str, fallback_id: str | None, *, unwrap: bool = True) -> Event:
    """The Event in JSON `text`: compressed members revived, `fallback_id` when it has no id.

    With `unwrap`, an SNS notification or an EventBridge event carrying the event (what an SNS
    subscription or an EventBridge rule delivers to a queue or a stream) is unwrapped first.

    Raises:
        ValueError: the text is not JSON (``json.JSONDecodeError``), not an object, or not an
            event (`EventError`).
    """
    data = parse_json(text)
    if data.__class__ is not dict:
        raise EventError(f"the payload must be a JSON object, got {_json_type(data)}")
    if unwrap:
        data = unwrap_envelope(data)
    if "id" not in data and fallback_id is not None:
        data["id"] = fallback_id
    return Event._adopt(data)


def unwrap_envelope(data: dict[str, object]) -> dict[str, object]:
    """The event inside an SNS notification or an EventBridge event; `data` itself otherwise.

    An SNS notification (``Type: Notification``, ``TopicArn``, a ``Message`` string) carries
    the event JSON in ``Message``; an EventBridge event (``detail-type``, ``source``, a
    ``detail`` object) carries it in ``detail``, whose ``id`` wins over the envelope's, as
    ``from_eventbridge`` reads it. Envelopes nest (EventBridge to SNS to SQS).

    >>> unwrap_envelope({"detail-type": "t", "source": "s", "id": "e", "detail": {"type": "t"}})
    {'id': 'e', 'type': 't'}
    """
    while True:
        if data.get("Type") == "Notification" and "TopicArn" in data:
            message = data.get("Message")
            inner = parse_json(message) if isinstance(message, str) else None
        elif "detail-type" in data and "source" in data:
            detail = data.get("detail")
            inner = {"id": data.get("id"), **detail} if isinstance(detail, dict) else None
            if isinstance(inner, dict) and inner.get("id") is None:
                del inner["id"]
        else:
            return data
        if inner.__class__ is not dict:
            return data
        data = inner


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"


def _a(word: str) -> str:
    """`word` with its article, as it is read aloud ("an SQS", "a Kinesis")."""
    sounds_vowel = word[:1] in "AEFHILMNORSX" if word.isupper() else word[:1].lower() in "aeiou"
    return ("an " if sounds_vowel else "a ") + word
