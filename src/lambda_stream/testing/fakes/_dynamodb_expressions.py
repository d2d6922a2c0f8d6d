"""DynamoDB expressions evaluated over items in native values, for the in-memory fake.

Supported: top-level attribute names (``#x`` placeholders or plain names); conditions with
``AND``, ``OR``, ``NOT``, parentheses, ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``,
``BETWEEN``, ``attribute_exists``, ``attribute_not_exists``, ``begins_with`` and ``contains``;
update expressions with ``SET`` (a value, a name, ``if_not_exists(name, value)``,
``list_append(a, b)``, ``a + b``, ``a - b``), ``REMOVE``, ``ADD`` and ``DELETE``. Nested paths
(``a.b``, ``a[0]``) are not: they raise `UnsupportedExpression`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from lambda_stream.core.json import FrozenJson, JsonObject

__all__ = ["Expressions", "UnsupportedExpression"]

_TOKEN: Final = re.compile(r"\s*(<>|<=|>=|=|<|>|[(),+-]|[#:]?[A-Za-z0-9_]+)")
_CLAUSES: Final = frozenset({"SET", "REMOVE", "ADD", "DELETE"})
_MISSING: Final = object()

Item = Mapping[str, FrozenJson]
Condition = Callable[[Item], bool]


class UnsupportedExpression(ValueError):
    """The fake cannot evaluate this expression (or it is not valid DynamoDB)."""


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise UnsupportedExpression(f"cannot read {text[position:]!r} in {text!r}")
        out.append(match.group(1))
        position = match.end()
    return out


def _number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _less(left: object, right: object) -> bool:
    if _number(left) and _number(right):
        return bool(left < right)  # type: ignore[operator]  # numbers
    if isinstance(left, str) and isinstance(right, str):
        return left < right
    return False  # DynamoDB orders numbers, strings and binaries, each only among themselves


_COMPARE: Final[dict[str, Callable[[object, object], bool]]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": _less,
    ">": lambda a, b: _less(b, a),
    "<=": lambda a, b: a == b or _less(a, b),
    ">=": lambda a, b: a == b or _less(b, a),
}


@dataclass(frozen=True, slots=True)
class Expressions:
    """The placeholders of one request: ``ExpressionAttributeNames`` and ``...Values``."""

    names: Mapping[str, FrozenJson]
    values: Mapping[str, FrozenJson]

    @staticmethod
    def of(request: Mapping[str, object]) -> Expressions:
        """The placeholders `request` defines."""
        names, values = (
            request.get("ExpressionAttributeNames"),
            request.get("ExpressionAttributeValues"),
        )
        return Expressions(
            names if isinstance(names, JsonObject) else JsonObject(),
            values if isinstance(values, JsonObject) else JsonObject(),
        )

    def name(self, token: str) -> str:
        """The attribute name a path token stands for."""
        if token.startswith("#"):
            name = self.names.get(token)
            if not isinstance(name, str):
                raise UnsupportedExpression(f"{token} is not in ExpressionAttributeNames")
            return name
        if token.startswith(":") or not re.fullmatch(r"[A-Za-z0-9_]+", token):
            raise UnsupportedExpression(f"{token!r} is not an attribute name")
        return token

    def value(self, token: str, item: Item) -> object:
        """The value of an operand: a ``:placeholder``, or the item's attribute (or missing)."""
        if token.startswith(":"):
            if token not in self.values:
                raise UnsupportedExpression(f"{token} is not in ExpressionAttributeValues")
            return self.values[token]
        return item.get(self.name(token), _MISSING)

    # -- conditions ----------------------------------------------------------------------

    def condition(self, text: str) -> Condition:
        """A predicate over items for a condition (or key condition, or filter) expression."""
        tokens = _tokens(text)
        check, rest = self._or(tokens)
        if rest:
            raise UnsupportedExpression(f"unexpected {rest[0]!r} in {text!r}")
        return check

    def _or(self, tokens: list[str]) -> tuple[Condition, list[str]]:
        left, tokens = self._and(tokens)
        while tokens and tokens[0].upper() == "OR":
            right, tokens = self._and(tokens[1:])
            left = _either(left, right)
        return left, tokens

    def _and(self, tokens: list[str]) -> tuple[Condition, list[str]]:
        left, tokens = self._not(tokens)
        while tokens and tokens[0].upper() == "AND":
            right, tokens = self._not(tokens[1:])
            left = _both(left, right)
        return left, tokens

    def _not(self, tokens: list[str]) -> tuple[Condition, list[str]]:
        if tokens and tokens[0].upper() == "NOT":
            inner, rest = self._not(tokens[1:])
            return (lambda item: not inner(item)), rest
        return self._primary(tokens)

    def _primary(self, tokens: list[str]) -> tuple[Condition, list[str]]:
        if not tokens:
            raise UnsupportedExpression("the condition ends too early")
        if tokens[0] == "(":
            inner, rest = self._or(tokens[1:])
            return inner, _expect(rest, ")")
        if len(tokens) > 1 and tokens[1] == "(":
            return self._function(tokens[0], tokens[2:])
        left, rest = tokens[0], tokens[1:]
        if rest and rest[0].upper() == "BETWEEN":
            low, rest = rest[1], _expect(rest[2:], "AND", upper=True)
            high, rest = rest[0], rest[1:]
            return (
                lambda item: (
                    _COMPARE["<="](self.value(low, item), self.value(left, item))
                    and _COMPARE["<="](self.value(left, item), self.value(high, item))
                )
            ), rest
        if not rest or rest[0] not in _COMPARE:
            raise UnsupportedExpression(f"expected a comparison after {left!r}")
        compare, right = _COMPARE[rest[0]], rest[1]

        def check(item: Item) -> bool:
            a, b = self.value(left, item), self.value(right, item)
            return a is not _MISSING and b is not _MISSING and compare(a, b)

        return check, rest[2:]

    def _function(self, name: str, tokens: list[str]) -> tuple[Condition, list[str]]:
        args: list[str] = []
        while tokens and tokens[0] != ")":
            args.append(tokens[0])
            tokens = tokens[2:] if len(tokens) > 1 and tokens[1] == "," else tokens[1:]
        rest = _expect(tokens, ")")
        kind = name.lower()
        if kind in ("attribute_exists", "attribute_not_exists") and len(args) == 1:
            wanted = kind == "attribute_exists"
            attribute = self.name(args[0])
            return (lambda item: (attribute in item) == wanted), rest
        if kind in ("begins_with", "contains") and len(args) == 2:
            path, operand = args

            def test(item: Item) -> bool:
                have, part = self.value(path, item), self.value(operand, item)
                if kind == "begins_with":
                    return isinstance(have, str) and isinstance(part, str) and have.startswith(part)
                if isinstance(have, str):
                    return isinstance(part, str) and part in have
                return isinstance(have, Set | Sequence) and part in have

            return test, rest
        raise UnsupportedExpression(f"the fake does not evaluate {name}({', '.join(args)})")

    # -- update expressions -------------------------------------------------------------

    def update(self, text: str, old: Item) -> dict[str, FrozenJson]:
        """The item after applying update expression `text` to `old` (operands read `old`)."""
        new: dict[str, FrozenJson] = dict(old)
        for verb, actions in _clauses(_tokens(text)):
            for action in actions:
                getattr(self, f"_{verb.lower()}")(action, old, new)
        return new

    def _set(self, action: list[str], old: Item, new: dict[str, FrozenJson]) -> None:
        target, rest = self.name(action[0]), _expect(action[1:], "=")
        value, rest = self._operand(rest, old)
        if rest and rest[0] in ("+", "-"):
            sign = rest[0]
            other, rest = self._operand(rest[1:], old)
            if not (_number(value) and _number(other)):
                raise UnsupportedExpression(f"SET {action[0]} {sign}: the operands are no numbers")
            value = value + other if sign == "+" else value - other  # type: ignore[operator]  # numbers
        if rest:
            raise UnsupportedExpression(f"unexpected {rest[0]!r} in SET")
        new[target] = value  # type: ignore[assignment]  # values come from the request or item

    def _operand(self, tokens: list[str], item: Item) -> tuple[object, list[str]]:
        if len(tokens) > 1 and tokens[1] == "(":
            kind, first, second = tokens[0].lower(), tokens[2], tokens[4]
            rest = _expect(tokens[5:], ")")
            a, b = self.value(first, item), self.value(second, item)
            if kind == "if_not_exists":
                return (b if a is _MISSING else a), rest
            if kind == "list_append" and isinstance(a, Sequence) and isinstance(b, Sequence):
                return [*a, *b], rest
            raise UnsupportedExpression(f"the fake does not evaluate {tokens[0]}(...)")
        value = self.value(tokens[0], item)
        if value is _MISSING:
            raise UnsupportedExpression(f"{tokens[0]} refers to an attribute the item lacks")
        return value, tokens[1:]

    def _remove(self, action: list[str], old: Item, new: dict[str, FrozenJson]) -> None:
        new.pop(self.name(action[0]), None)

    def _add(self, action: list[str], old: Item, new: dict[str, FrozenJson]) -> None:
        name, value = self.name(action[0]), self.value(action[1], old)
        have = old.get(name)
        if have is None:
            new[name] = value  # type: ignore[assignment]  # a placeholder's value
        elif _number(have) and _number(value):
            new[name] = have + value  # type: ignore[operator]  # numbers
        elif isinstance(have, Set) and isinstance(value, Set):
            new[name] = frozenset(have | value)
        else:
            raise UnsupportedExpression(f"ADD {name}: the item holds no number or set")

    def _delete(self, action: list[str], old: Item, new: dict[str, FrozenJson]) -> None:
        name, value = self.name(action[0]), self.value(action[1], old)
        have = old.get(name)
        if isinstance(have, Set) and isinstance(value, Set):
            left = frozenset(have - value)
            if left:
                new[name] = left
            else:
                new.pop(name, None)  # DynamoDB has no empty sets


def _either(a: Condition, b: Condition) -> Condition:
    return lambda item: a(item) or b(item)


def _both(a: Condition, b: Condition) -> Condition:
    return lambda item: a(item) and b(item)


def _expect(tokens: list[str], wanted: str, *, upper: bool = False) -> list[str]:
    if not tokens or (tokens[0].upper() if upper else tokens[0]) != wanted:
        raise UnsupportedExpression(f"expected {wanted!r}")
    return tokens[1:]


def _clauses(tokens: list[str]) -> list[tuple[str, list[list[str]]]]:
    clauses: list[tuple[str, list[list[str]]]] = []
    depth = 0
    for token in tokens:
        if depth == 0 and token.upper() in _CLAUSES:
            clauses.append((token.upper(), [[]]))
            continue
        if not clauses:
            raise UnsupportedExpression(
                "an update expression starts with SET, REMOVE, ADD or DELETE"
            )
        depth += (token == "(") - (token == ")")
        actions = clauses[-1][1]
        if token == "," and depth == 0:
            actions.append([])
        else:
            actions[-1].append(token)
    return clauses
