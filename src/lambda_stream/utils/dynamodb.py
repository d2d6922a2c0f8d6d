"""DynamoDB JSON: attribute values (``{"S": "x"}``, ``{"N": "1"}``, ...) to values and back.

`unmarshall` keeps every value exact: a number is an ``int`` when integral (of any size) and a
``Decimal`` otherwise, never a float; a set (SS, NS, BS) is a ``frozenset``; a binary (B, or a
member of BS) stays the base64 text the stream delivers, as the JavaScript library leaves it,
typed `Base64` so that `marshall` writes it back as a binary. The results are plain ``dict``,
``list`` and immutable scalars, the form `lambda_stream.core.json` adopts without a copy.

>>> image = unmarshall({"pk": {"S": "t1"}, "n": {"N": "2.5"}, "tags": {"SS": ["a"]}})
>>> image.thaw()
{'pk': 't1', 'n': Decimal('2.5'), 'tags': frozenset({'a'})}
>>> marshall(image) == {"pk": {"S": "t1"}, "n": {"N": "2.5"}, "tags": {"SS": ["a"]}}
True
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping, Sequence, Set
from decimal import Decimal, InvalidOperation
from typing import Final, TypeAlias

from lambda_stream.core.json import (
    _MAX_INTEGER_DIGITS,
    FrozenJson,
    JsonObject,
    JsonValue,
    _adopt_object,
    _wrap,
    decimal_text,
    thaw,
)

__all__ = [
    "AttributeValue",
    "AttributeValueError",
    "Base64",
    "marshall",
    "marshall_value",
    "unmarshall",
    "unmarshall_value",
]

AttributeValue: TypeAlias = dict[str, object]
"""One DynamoDB attribute value, such as ``{"S": "x"}`` or ``{"M": {...}}``."""


class AttributeValueError(ValueError):
    """A value is not DynamoDB JSON (unmarshall), or has no DynamoDB type (marshall)."""


class Base64(str):
    """A DynamoDB binary (``B``, or a member of ``BS``) as the base64 text the stream delivers.

    It is a ``str``: it compares equal to that text and is written to JSON as it, which is what
    the JavaScript library does with binaries. `marshall` writes it back as a binary, so an image
    copied from a stream to a table keeps its types.

    >>> Base64("aGVsbG8=").to_bytes()
    b'hello'
    """

    __slots__ = ()

    def to_bytes(self) -> bytes:
        """The binary value itself."""
        return base64.b64decode(self)


def unmarshall(attributes: Mapping[str, object]) -> JsonObject:
    """The item an attribute map (an image, a key) stands for.

    Raises:
        AttributeValueError: a member is not a DynamoDB attribute value.
    """
    return _adopt_object(_map(attributes))


def unmarshall_value(attribute: object) -> FrozenJson:
    """The value one attribute value stands for: ``{"N": "1"}`` is ``1``.

    >>> unmarshall_value({"L": [{"N": "1e3"}, {"NULL": True}, {"B": "AAE="}]})
    JsonArray([1000, None, 'AAE='])

    Raises:
        AttributeValueError: `attribute` is not a DynamoDB attribute value.
    """
    return _wrap(_value(attribute))


def _map(attributes: object) -> dict[str, object]:
    """An attribute map unmarshalled into a fresh plain dict (the hot path of the source)."""
    if attributes.__class__ is dict:
        return {name: _value(attribute) for name, attribute in attributes.items()}
    if isinstance(attributes, Mapping):  # a frozen view, say: unmarshall a plain copy
        return _map(thaw(attributes))
    raise AttributeValueError(f"not an attribute map: {attributes!r:.80}")


def _value(attribute: object) -> object:
    if attribute.__class__ is dict and len(attribute) == 1:
        for tag, raw in attribute.items():  # the only member
            if tag == "S" and raw.__class__ is str:  # the most frequent type, without a call
                return raw
            decode = _DECODERS.get(tag)
            if decode is not None:
                return decode(raw)
    raise AttributeValueError(f"not a DynamoDB attribute value: {attribute!r:.80}")


def _invalid(tag: str, raw: object) -> AttributeValueError:
    return AttributeValueError(f"not a DynamoDB {tag} value: {raw!r:.80}")


def _string(raw: object) -> str:
    if raw.__class__ is str:
        return raw
    raise _invalid("S", raw)


def _number(raw: object) -> int | Decimal:
    if raw.__class__ is not str:
        raise _invalid("N", raw)
    # Testing for a fraction or an exponent first costs less than int() failing on "99.95".
    if "." not in raw and "e" not in raw and "E" not in raw:
        try:
            return int(raw)
        except ValueError:
            raise _invalid("N", raw) from None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise _invalid("N", raw) from None
    if not number.is_finite():
        raise _invalid("N", raw)
    if number == number.to_integral_value() and number.adjusted() < _MAX_INTEGER_DIGITS:
        return int(number)  # "1e3", "2.0": integral values are ints, whatever their spelling
    return number


def _boolean(raw: object) -> bool:
    if raw.__class__ is bool:
        return raw
    raise _invalid("BOOL", raw)


def _null(raw: object) -> None:
    return None  # as the JS library reads it, whatever the flag says


def _object(raw: object) -> dict[str, object]:
    if raw.__class__ is dict:
        return {name: _value(member) for name, member in raw.items()}
    raise _invalid("M", raw)


def _list(raw: object) -> list[object]:
    if raw.__class__ is list:
        return [_value(item) for item in raw]
    raise _invalid("L", raw)


def _strings(raw: object) -> frozenset[str]:
    if raw.__class__ is list and all(item.__class__ is str for item in raw):
        return frozenset(raw)
    raise _invalid("SS", raw)


def _numbers(raw: object) -> frozenset[int | Decimal]:
    if raw.__class__ is list:
        return frozenset([_number(item) for item in raw])
    raise _invalid("NS", raw)


def _binary(raw: object) -> Base64:
    if raw.__class__ is str:
        return Base64(raw)
    if isinstance(raw, bytes | bytearray):  # from a client that decodes base64 (boto3)
        return Base64(base64.b64encode(raw).decode("ascii"))
    raise _invalid("B", raw)


def _binaries(raw: object) -> frozenset[Base64]:
    if raw.__class__ is list:
        return frozenset([_binary(item) for item in raw])
    raise _invalid("BS", raw)


_DECODERS: Final[Mapping[str, Callable[[object], object]]] = {
    "S": _string,
    "N": _number,
    "BOOL": _boolean,
    "M": _object,
    "L": _list,
    "NULL": _null,
    "SS": _strings,
    "NS": _numbers,
    "B": _binary,
    "BS": _binaries,
}


def marshall(item: Mapping[str, JsonValue]) -> dict[str, AttributeValue]:
    """The attribute map of an item (the inverse of `unmarshall`).

    ``None`` is ``NULL``; an int, a Decimal or a float is ``N`` written exactly (a float as its
    shortest text, ``0.1`` as ``"0.1"``); a `Base64` or bytes is ``B``; a set of strings, of
    numbers, or of binaries is ``SS``, ``NS`` or ``BS`` (members sorted).

    >>> marshall({"id": "t1", "n": 10**18, "x": 0.5, "no": None})
    {'id': {'S': 't1'}, 'n': {'N': '1000000000000000000'}, 'x': {'N': '0.5'}, 'no': {'NULL': True}}

    Raises:
        AttributeValueError: a value has no DynamoDB type (NaN or infinity, an empty or mixed set,
            an object that is not JSON).
    """
    if not isinstance(item, Mapping):
        raise AttributeValueError(f"an item must be a mapping, got {type(item).__name__}")
    return {_name(name): marshall_value(value) for name, value in item.items()}


def marshall_value(value: JsonValue) -> AttributeValue:
    """The attribute value of one value: ``1`` is ``{"N": "1"}``.

    Raises:
        AttributeValueError: `value` has no DynamoDB type (see `marshall`).
    """
    cls = value.__class__
    if cls is str:
        return {"S": value}
    if value is None:
        return {"NULL": True}
    if cls is bool:
        return {"BOOL": value}
    if cls is int:
        return {"N": str(value)}
    if isinstance(value, Mapping):
        return {"M": marshall(value)}
    if isinstance(value, Base64):
        return {"B": str.__str__(value)}
    if isinstance(value, str):
        return {"S": str.__str__(value)}
    if isinstance(value, bool):
        return {"BOOL": bool(value)}
    if isinstance(value, int | float | Decimal):
        return {"N": _number_text(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"B": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Set):
        return _set(value)
    if isinstance(value, Sequence):
        return {"L": [marshall_value(item) for item in value]}
    raise AttributeValueError(f"no DynamoDB type for {type(value).__name__}: {value!r:.80}")


def _name(name: object) -> str:
    if isinstance(name, str):
        return name
    raise AttributeValueError(f"an attribute name must be a string, got {name!r:.80}")


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AttributeValueError(f"DynamoDB has no number {value!r}")
        value = Decimal(repr(value))  # the shortest text that reads back as this float
    elif not value.is_finite():
        raise AttributeValueError(f"DynamoDB has no number {value!r}")
    return decimal_text(value)


def _set(values: Set[object]) -> AttributeValue:
    if not values:
        raise AttributeValueError("DynamoDB has no empty sets")
    kinds = {_set_kind(member) for member in values}
    if len(kinds) > 1:
        raise AttributeValueError(
            f"a DynamoDB set holds one type, this one mixes {' and '.join(sorted(kinds))}"
        )
    [kind] = kinds
    if kind == "SS":
        return {"SS": sorted(str.__str__(member) for member in values)}
    if kind == "NS":
        return {"NS": [_number_text(member) for member in sorted(values)]}  # type: ignore[type-var, arg-type]  # numbers
    return {"BS": sorted(marshall_value(member)["B"] for member in values)}  # type: ignore[type-var, arg-type]  # binaries


def _set_kind(member: object) -> str:
    if isinstance(member, Base64 | bytes | bytearray):
        return "BS"
    if isinstance(member, str):
        return "SS"
    if isinstance(member, int | float | Decimal) and not isinstance(member, bool):
        return "NS"
    raise AttributeValueError(f"a DynamoDB set cannot hold {type(member).__name__}: {member!r:.80}")
