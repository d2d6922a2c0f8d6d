"""Field-level compression of events, compatible with the JavaScript library.

A member whose size exceeds the threshold is replaced by ``"COMPRESSED" + base64(gzip(json))``.
Consumers revive such strings anywhere in a payload, at any depth.

>>> packed = compress({"id": "1", "big": {"text": "x" * 200}}, threshold=100)
>>> packed["big"][:10], decompress(packed) == {"id": "1", "big": {"text": "x" * 200}}
('COMPRESSED', True)
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Final

from lambda_stream.core.json import dumps

__all__ = [
    "PREFIX",
    "compress",
    "compressed_json",
    "decompress",
    "might_be_compressed",
    "size_of",
]

PREFIX: Final = "COMPRESSED"
_MARK: Final = '"' + PREFIX
_SLACK: Final = 15
"""How far `size_of` of a member can exceed the UTF-8 length of its JSON (a number: 8 vs 1)."""


def size_of(value: object) -> int:
    """The size the JS library's ``object-sizeof`` reports, which decides what is compressed.

    Objects and arrays count the UTF-8 bytes of their JSON; a string counts
    ``12 + 4 * ceil(utf16_length / 4)``; a number 8; a boolean 4.
    """
    if isinstance(value, str):
        units = len(value.encode("utf-16-le")) // 2
        return 12 + 4 * -(-units // 4)
    if isinstance(value, bool):
        return 4
    if isinstance(value, int | float | Decimal):
        return 8
    if value is None:
        return 0
    return len(dumps(value).encode("utf-8"))


def _pack(value: object) -> str:
    data = gzip.compress(dumps(value).encode("utf-8"), mtime=0)
    return PREFIX + base64.b64encode(data).decode("ascii")


def compress(value: object, *, threshold: int | None, ignore: Collection[str] = ()) -> object:
    """A JSON-ready copy of `value` with every member larger than `threshold` compressed.

    The outermost oversized member is compressed whole; members named in `ignore` are not
    compressed themselves (their children may be); array elements and values that are already
    compressed never are. A None `threshold` compresses nothing.
    """
    if threshold is None:
        return value
    return _compress(value, threshold, frozenset(ignore))


def compressed_json(value: object, *, threshold: int | None, ignore: Collection[str] = ()) -> str:
    """``dumps(compress(value, ...))``, serialising only once when nothing can be compressed.

    A member's JSON is part of the whole text, and `size_of` a member never exceeds its JSON's
    UTF-8 length by more than 15, so a text within ``threshold - 15`` bytes has nothing to
    compress: the common case costs one ``dumps`` and no walk.

    >>> compressed_json({"id": "1", "big": "x" * 40}, threshold=30)[:22]
    '{"id":"1","big":"COMPR'
    """
    text = dumps(value)
    if threshold is None:
        return text
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    if size + _SLACK <= threshold:
        return text
    return dumps(_compress(value, threshold, frozenset(ignore)))


def _compress(value: object, threshold: int, ignore: frozenset[str]) -> object:
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, member in value.items():
            if (
                key not in ignore
                and not (isinstance(member, str) and member.startswith(PREFIX))
                and size_of(member) > threshold
            ):
                out[key] = _pack(member)
            else:
                out[key] = _compress(member, threshold, ignore)
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_compress(member, threshold, ignore) for member in value]
    return value


def might_be_compressed(text: str) -> bool:
    """A cheap test: can JSON `text` hold a compressed value at all?"""
    return _MARK in text


def decompress(value: object) -> object:
    """`value` with every compressed string revived (recursively; plain containers returned)."""
    if isinstance(value, str):
        if value.startswith(PREFIX):
            return decompress(json.loads(gzip.decompress(base64.b64decode(value[len(PREFIX) :]))))
        return value
    if isinstance(value, dict):
        return {key: decompress(member) for key, member in value.items()}
    if isinstance(value, list):
        return [decompress(member) for member in value]
    return value
