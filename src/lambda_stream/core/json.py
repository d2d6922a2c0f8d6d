"""Immutable JSON values: the payload type of events, records and uows.

Payloads are held as read-only views (`JsonObject`, `JsonArray`) over plain ``dict`` and ``list``
values that no one else can reach. `freeze` deep-copies caller data into such a view; the sources
adopt what they have just decoded without a copy, which is what keeps decoding close to the cost
of ``json.loads`` itself. Reads wrap nested containers on the way out, so a view never hands out
anything mutable; `thaw` returns plain, deep-copied ``dict``/``list`` values.

>>> thing = freeze({"id": "t1", "tags": ["a", "b"]})
>>> thing["tags"][1]
'b'
>>> thaw(thing.set("name", "one"))
{'id': 't1', 'tags': ['a', 'b'], 'name': 'one'}
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence, Set
from decimal import Decimal
from typing import Final, TypeAlias, TypeVar, final, overload

__all__ = [
    "FrozenJson",
    "JsonArray",
    "JsonObject",
    "JsonScalar",
    "JsonValue",
    "decimal_text",
    "dumps",
    "freeze",
    "thaw",
]

_T = TypeVar("_T")

JsonScalar: TypeAlias = bool | int | float | Decimal | str | None
"""A JSON scalar; `Decimal` carries exact DynamoDB numbers."""

JsonValue: TypeAlias = (
    JsonScalar | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | Set[JsonScalar] | bytes
)
"""Any JSON-like value a caller may hand in: plain or frozen containers, sets and bytes included."""

FrozenJson: TypeAlias = "JsonScalar | JsonObject | JsonArray | frozenset[JsonScalar] | bytes"
"""A deeply immutable JSON-like value."""


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _copy(value: object) -> object:
    """Deep-copy a JSON-like value into plain private containers (dict, list, frozenset)."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or cls is float or value is None:
        return value
    if cls is dict:  # the common case first: a plain literal, no ABC checks, no call per scalar
        return {
            (k if k.__class__ is str else _key(k)): (v if v.__class__ in _SCALARS else _copy(v))
            for k, v in value.items()  # type: ignore[attr-defined]  # cls is dict
        }
    if cls is list:
        return [v if v.__class__ in _SCALARS else _copy(v) for v in value]  # type: ignore[attr-defined]  # cls is list
    if isinstance(value, JsonObject | JsonArray):
        return _copy(value._data)
    if isinstance(value, Mapping):
        return {_key(k): _copy(v) for k, v in value.items()}
    if isinstance(value, str | bytes | Decimal | int | float):
        return value
    if isinstance(value, Set):
        return frozenset(value)
    if isinstance(value, bytearray | memoryview):  # before Sequence: both register as one
        return bytes(value)
    if isinstance(value, Sequence | tuple | list):
        return [_copy(v) for v in value]
    raise TypeError(f"not a JSON value: {type(value).__name__} {value!r:.80}")


def _key(key: object) -> str:
    if isinstance(key, str):
        return key
    raise TypeError(f"JSON object keys must be strings, got {type(key).__name__} {key!r:.80}")


def _wrap(value: object) -> FrozenJson:
    """Wrap a private plain value for reading (no copy)."""
    cls = value.__class__
    if cls is dict:
        obj = object.__new__(JsonObject)
        obj._data = value  # type: ignore[assignment]  # cls is dict, checked above
        obj._hash = None
        return obj
    if cls is list:
        arr = object.__new__(JsonArray)
        arr._data = value  # type: ignore[assignment]  # cls is list, checked above
        arr._hash = None
        return arr
    return value  # type: ignore[return-value]  # scalars, bytes and frozensets are immutable


def _thaw(value: object) -> object:
    cls = value.__class__
    if cls is dict:
        return {k: _thaw(v) for k, v in value.items()}  # type: ignore[attr-defined]  # dict
    if cls is list:
        return [_thaw(v) for v in value]  # type: ignore[attr-defined]  # list
    return value


def _hashable(value: object) -> object:
    cls = value.__class__
    if cls is dict:
        return frozenset((k, _hashable(v)) for k, v in value.items())  # type: ignore[attr-defined]
    if cls is list:
        return tuple(_hashable(v) for v in value)  # type: ignore[attr-defined]  # list
    return value


@final
class JsonObject(Mapping[str, FrozenJson]):
    """An immutable JSON object; updates return new objects sharing unchanged members."""

    __slots__ = ("_data", "_hash")
    _data: dict[str, object]
    _hash: int | None

    def __init__(self, value: Mapping[str, JsonValue] | None = None, /) -> None:
        self._data = {} if value is None else _copy(value)  # type: ignore[assignment]  # a Mapping copies to a dict
        self._hash = None

    def __getitem__(self, key: str) -> FrozenJson:
        return _wrap(self._data[key])

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @overload
    def get(self, key: str, /) -> FrozenJson: ...
    @overload
    def get(self, key: str, default: FrozenJson | _T, /) -> FrozenJson | _T: ...
    def get(self, key: str, default: object = None, /) -> object:
        """The member `key`, or `default` when absent."""
        data = self._data
        return _wrap(data[key]) if key in data else default

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsonObject):
            return self._data == other._data
        if isinstance(other, Mapping):
            try:
                return self._data == _copy(other)
            except TypeError:  # not JSON, so not equal; == must not raise
                return False
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(_hashable(self._data))
        return self._hash

    def __repr__(self) -> str:
        return f"JsonObject({self._data!r})"

    def get_object(self, key: str) -> JsonObject:
        """The member `key` if it is an object, else an empty object."""
        value = self._data.get(key)
        return _wrap(value) if value.__class__ is dict else EMPTY_OBJECT  # type: ignore[return-value]

    def get_str(self, key: str) -> str | None:
        """The member `key` if it is a string, else None."""
        value = self._data.get(key)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: JsonValue) -> JsonObject:
        """A copy with `key` set to `value` (appended if new, in place if present)."""
        data = dict(self._data)
        data[key] = _copy(value)
        return _adopt_object(data)

    def update(self, values: Mapping[str, JsonValue]) -> JsonObject:
        """A copy with every member of `values` set."""
        data = dict(self._data)
        for key, value in values.items():
            data[_key(key)] = _copy(value)
        return _adopt_object(data)

    def remove(self, *keys: str) -> JsonObject:
        """A copy without `keys` (missing keys are ignored)."""
        data = {k: v for k, v in self._data.items() if k not in keys}
        return _adopt_object(data)

    def thaw(self) -> dict[str, object]:
        """A plain, deep-copied ``dict``."""
        return _thaw(self._data)  # type: ignore[return-value]  # _data is a dict

    def to_json(self) -> str:
        """Compact JSON text, as JavaScript's ``JSON.stringify`` writes it."""
        return dumps(self)


@final
class JsonArray(Sequence[FrozenJson]):
    """An immutable JSON array."""

    __slots__ = ("_data", "_hash")
    _data: list[object]
    _hash: int | None

    def __init__(self, value: Sequence[JsonValue] = (), /) -> None:
        self._data = [_copy(v) for v in value]
        self._hash = None

    @overload
    def __getitem__(self, index: int) -> FrozenJson: ...
    @overload
    def __getitem__(self, index: slice) -> JsonArray: ...
    def __getitem__(self, index: int | slice) -> FrozenJson | JsonArray:
        if isinstance(index, slice):
            return _adopt_array(self._data[index])
        return _wrap(self._data[index])

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[FrozenJson]:
        return map(_wrap, self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsonArray):
            return self._data == other._data
        if isinstance(other, list | tuple):
            try:
                return self._data == _copy(list(other))
            except TypeError:  # not JSON, so not equal; == must not raise
                return False
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(_hashable(self._data))
        return self._hash

    def __repr__(self) -> str:
        return f"JsonArray({self._data!r})"

    def thaw(self) -> list[object]:
        """A plain, deep-copied ``list``."""
        return _thaw(self._data)  # type: ignore[return-value]  # _data is a list


def _adopt_object(data: dict[str, object]) -> JsonObject:
    """Wrap a dict that nothing else references (fresh from a decoder or a copy)."""
    return _wrap(data)  # type: ignore[return-value]  # a dict wraps to a JsonObject


def _adopt_array(data: list[object]) -> JsonArray:
    return _wrap(data)  # type: ignore[return-value]  # a list wraps to a JsonArray


EMPTY_OBJECT: Final[JsonObject] = JsonObject()


def freeze(value: JsonValue) -> FrozenJson:
    """Deep-copy a JSON-like value into its immutable form.

    >>> freeze([1, {"a": None}])
    JsonArray([1, {'a': None}])
    """
    return _wrap(_copy(value))


def thaw(value: FrozenJson | JsonValue) -> object:
    """A plain, mutable deep copy: ``dict``, ``list`` and scalars.

    >>> thaw(freeze({"a": [1]}))
    {'a': [1]}
    """
    return _thaw(_copy(value))


_MAX_INTEGER_DIGITS: Final = 1000
"""An integral Decimal with more digits than this is written in exponent form, not expanded."""


def decimal_text(value: Decimal) -> str:
    """The exact JSON number text of a finite Decimal.

    Integral values are written as integers, other values without trailing zeros; nothing is
    rounded, unlike a detour through ``float``.

    >>> decimal_text(Decimal("2.50")), decimal_text(Decimal("1E+3")), decimal_text(Decimal("1e-7"))
    ('2.5', '1000', '1E-7')
    """
    if value == value.to_integral_value() and value.adjusted() < _MAX_INTEGER_DIGITS:
        return str(int(value))
    mantissa, mark, exponent = str(value).partition("E")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + mark + exponent


class _FractionalDecimal(Exception):
    """The fast encoder met a Decimal it can only write exactly through the slow path."""


def _default(value: object) -> object:
    if isinstance(value, JsonObject | JsonArray):
        return value._data
    if isinstance(value, Decimal):
        if not value.is_finite():
            return float(value)
        if value == value.to_integral_value() and value.adjusted() < _MAX_INTEGER_DIGITS:
            return int(value)
        raise _FractionalDecimal  # the C encoder could only write it as a (rounded) float
    if isinstance(value, Set):
        return _set_items(value)
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _set_items(value: Set[object]) -> list[object]:
    """A set's members in sorted order when they sort, so that the text does not vary by run."""
    try:
        return sorted(value)  # type: ignore[type-var]  # TypeError when the members don't compare
    except TypeError:
        return list(value)


_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_default)


def dumps(value: object) -> str:
    """Compact JSON text with JavaScript's separators; frozen views, sets and bytes allowed.

    Sets are written as arrays (sorted when their members sort), bytes as base64 text and
    Decimals exactly (``Decimal("0.1")`` as ``0.1``, never through a float).

    >>> dumps(freeze({"a": [1, "é"], "d": Decimal("99.95")}))
    '{"a":[1,"é"],"d":99.95}'
    """
    try:
        return _ENCODER.encode(value)
    except _FractionalDecimal:
        return _exact(value)


def _exact(value: object) -> str:
    """`dumps` through Python code: the C encoder writes no number text it is handed."""
    if isinstance(value, Decimal):
        return decimal_text(value) if value.is_finite() else _ENCODER.encode(value)
    if isinstance(value, JsonObject | JsonArray):
        value = value._data
    if isinstance(value, Mapping):
        members = (f"{_key_json(key)}:{_exact(member)}" for key, member in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, str | bytes | int | float) or value is None:
        return _ENCODER.encode(value)
    if isinstance(value, Set):
        value = _set_items(value)
    if isinstance(value, Sequence):
        return "[" + ",".join(_exact(item) for item in value) + "]"
    return _ENCODER.encode(value)  # raises the TypeError of a value that is not JSON


def _key_json(key: object) -> str:
    if isinstance(key, str):
        return _ENCODER.encode(key)
    return _ENCODER.encode({key: 0})[1:-3]  # the encoder's own text for a non-string key
