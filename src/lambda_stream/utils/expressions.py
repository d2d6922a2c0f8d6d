"""DynamoDB expressions built from items: update expressions and the usual write conditions.

`update_expression` turns an item in native values into the ``UpdateExpression`` and attribute
maps of an ``UpdateItem`` request, as the JS library's ``updateExpression`` does: ``None``
removes an attribute, a set is added to the stored set, ``<name>_delete`` takes members out of
the stored set ``<name>``, anything else is set. Every name goes through a ``#`` placeholder
whose alias spells each character that is not a letter, digit or ``_`` as ``_x<hex>_``, so any
attribute name is safe (reserved words included).

>>> request = update_expression({"id": "t1", "first-name": "Ann", "old": None})
>>> request["UpdateExpression"]
'SET #id = :id, #first_x2d_name = :first_x2d_name REMOVE #old'
>>> timestamp_condition()["ConditionExpression"]
'attribute_not_exists(#timestamp) OR #timestamp < :timestamp'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from typing import Final, cast

from lambda_stream.core.json import JsonObject, JsonScalar, JsonValue

__all__ = ["alias", "pk_condition", "timestamp_condition", "update_expression"]

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_]")  # not IGNORECASE: it folds "K" (Kelvin) to "k"
_DELETE_SUFFIX: Final = "_delete"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JS charCodeAt sees the two UTF-16 halves of such a character
        high, low = divmod(code - 0x10000, 0x400)
        return f"_x{0xD800 + high:x}__x{0xDC00 + low:x}_"
    return f"_x{code:x}_"


def alias(name: str) -> str:
    """The placeholder alias of an attribute name: unsafe characters spelled ``_x<hex>_``.

    >>> alias("a-b"), alias("some unsafe att name"), alias("lastModifiedBy")
    ('a_x2d_b', 'some_x20_unsafe_x20_att_x20_name', 'lastModifiedBy')
    """
    return _UNSAFE.sub(_escape, name)


def update_expression(item: Mapping[str, JsonValue]) -> JsonObject:
    """The ``UpdateItem`` parameters that write `item` over the stored one.

    Returns ``ExpressionAttributeNames``, ``ExpressionAttributeValues``, ``UpdateExpression``
    (clauses in the order SET, REMOVE, ADD, DELETE, each present only when it has members) and
    ``ReturnValues: "ALL_NEW"``. Members keep the item's order. Two names whose aliases
    coincide (``a-b`` and ``a_x2d_b``) get distinct placeholders, the later one suffixed.

    >>> update_expression({"tags": frozenset({"a"}), "tags_delete": "b"})["UpdateExpression"]
    'ADD #tags :tags DELETE #tags :tags_delete'

    Unlike the JS library 1.0.0, which printed ``"SET "`` for an item without values to set,
    an empty clause is never written (an empty item gives an empty expression, as 1.2.0).
    """
    names: dict[str, str] = {}
    values: dict[str, JsonValue] = {}
    set_: list[str] = []
    remove: list[str] = []
    add: list[str] = []
    delete: list[str] = []
    for key, value in item.items():
        deleting = key.endswith(_DELETE_SUFFIX)
        base = key[: -len(_DELETE_SUFFIX)] if deleting else key
        name = _placeholder(base, names)
        if value is None:
            remove.append(f"#{name}")
        elif deleting:
            # DynamoDB sets hold scalars only; another value fails here, unhashable.
            scalar = cast(JsonScalar, value)
            values[f":{name}{_DELETE_SUFFIX}"] = value if isinstance(value, Set) else {scalar}
            delete.append(f"#{name} :{name}{_DELETE_SUFFIX}")
        elif isinstance(value, Set):
            values[f":{name}"] = value
            add.append(f"#{name} :{name}")
        else:
            values[f":{name}"] = value
            set_.append(f"#{name} = :{name}")
    clauses = [
        f"{verb} {', '.join(parts)}"
        for verb, parts in (("SET", set_), ("REMOVE", remove), ("ADD", add), ("DELETE", delete))
        if parts
    ]
    return JsonObject(
        {
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "UpdateExpression": " ".join(clauses),
            "ReturnValues": "ALL_NEW",
        }
    )


def _placeholder(name: str, names: dict[str, str]) -> str:
    """The alias of `name`, registered in `names`; unique even when two aliases coincide."""
    base = alias(name)
    candidate, counter = base, 1
    while names.get(f"#{candidate}", name) != name:
        counter += 1
        candidate = f"{base}_{counter}"
    names[f"#{candidate}"] = name
    return candidate


def timestamp_condition(field: str = "timestamp") -> JsonObject:
    """The "newer data wins" condition: write only when the stored `field` is older or absent.

    It uses the placeholders `update_expression` writes for `field` (``#timestamp``,
    ``:timestamp``), so the item must carry `field`.

    >>> timestamp_condition("lastModified")["ConditionExpression"]
    'attribute_not_exists(#lastModified) OR #lastModified < :lastModified'
    """
    name = alias(field)
    return JsonObject(
        {"ConditionExpression": f"attribute_not_exists(#{name}) OR #{name} < :{name}"}
    )


def pk_condition(field: str = "pk") -> JsonObject:
    """The "create only" condition: write only when no item has this key yet.

    The name is written as is, without a placeholder, as the JS library writes it.

    >>> pk_condition()["ConditionExpression"]
    'attribute_not_exists(pk)'
    """
    return JsonObject({"ConditionExpression": f"attribute_not_exists({field})"})
