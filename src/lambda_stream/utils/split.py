"""Splitting a uow into one uow per element of a list it holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias, cast

from lambda_stream.core.json import FrozenJson, JsonArray, JsonObject
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.stream import Stream

__all__ = ["SPLIT", "SPLIT_ON_ITEM_NUMBER", "SPLIT_ON_TOTAL", "SplitOn", "split_object"]

SPLIT: Key[FrozenJson] = Key("split")
"""The element a split uow stands for (the default target)."""
SPLIT_ON_TOTAL: Key[int] = Key("splitOnTotal")
"""How many uows the split made."""
SPLIT_ON_ITEM_NUMBER: Key[int] = Key("splitOnItemNumber")
"""Which of them this one is, from 1."""

SplitOn: TypeAlias = (
    Key[JsonArray]
    | Key[tuple[JsonObject, ...]]
    | Callable[[UnitOfWork], Iterable[UnitOfWork]]
    | None
)
"""What `split_object` splits on: a list in the uow (a JSON array, or the items of a query,
``queryResponse``), a function making the uows, or nothing."""


def split_object(
    split_on: SplitOn,
    *,
    target: Key[FrozenJson] = SPLIT,
    omit: Sequence[str] = (),
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """A step making one uow per element of the list under `split_on` (JS ``splitObject``).

    Each uow carries its element under `target`, ``splitOnTotal`` and ``splitOnItemNumber``,
    without the values whose names are in `omit` (JS ``splitOnOmitFields``, e.g. the list
    itself); a uow without the list passes as it is. The list is a JSON array in the uow, or
    the items a query found (``QUERY_RESPONSE``). A function `split_on` makes the uows
    itself; None passes every uow through.
    """

    def split(uow: UnitOfWork) -> Iterable[UnitOfWork]:
        assert isinstance(split_on, Key)
        # Either key holds a sequence of JSON values; the union defeats inference of get's T.
        values: Sequence[FrozenJson] | None = uow.get(cast(Key[JsonArray], split_on))
        if values is None:
            return (uow,)
        base = uow
        for name in omit:
            base = base.discard(Key[object](name))
        total = len(values)
        return [
            base.set(target, value).set(SPLIT_ON_TOTAL, total).set(SPLIT_ON_ITEM_NUMBER, number)
            for number, value in enumerate(values, start=1)
        ]

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        if split_on is None:
            return stream
        if isinstance(split_on, Key):
            return stream.flat_map(split)
        return stream.flat_map(split_on)

    return step
