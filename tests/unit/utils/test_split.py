"""split_object: one uow per element."""

from __future__ import annotations

from collections.abc import Iterable

from lambda_stream import Key, Stream, UnitOfWork, freeze
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.queries.dynamodb import QUERY_RESPONSE
from lambda_stream.testing import collect
from lambda_stream.utils.split import SPLIT, SPLIT_ON_ITEM_NUMBER, SPLIT_ON_TOTAL, split_object

ITEMS = Key[JsonArray]("queryResponse")
NOTE = Key[str]("note")


def _with(values: list[str]) -> UnitOfWork:
    array = freeze(values)
    assert isinstance(array, JsonArray)
    return UnitOfWork(record=None).set(ITEMS, array).set(NOTE, "kept")


def test_each_element_becomes_a_uow_numbered_from_one() -> None:
    out = collect(Stream.of([_with(["a", "b"])]).through(split_object(ITEMS)))
    assert [
        (u[SPLIT], u[SPLIT_ON_ITEM_NUMBER], u[SPLIT_ON_TOTAL])
        for u in out
        if isinstance(u, UnitOfWork)
    ] == [
        ("a", 1, 2),
        ("b", 2, 2),
    ]


def test_named_values_can_be_left_out_of_the_split_uows() -> None:
    out = collect(Stream.of([_with(["a"])]).through(split_object(ITEMS, omit=[NOTE.name])))
    assert all(isinstance(u, UnitOfWork) and NOTE not in u for u in out)


def test_a_uow_without_the_list_passes_as_it_is() -> None:
    uow = UnitOfWork(record=None)
    assert collect(Stream.of([uow]).through(split_object(ITEMS))) == [uow]


def test_a_function_can_make_the_uows_itself() -> None:
    def twice(uow: UnitOfWork) -> Iterable[UnitOfWork]:
        return (uow, uow)

    uow = UnitOfWork(record=None)
    assert collect(Stream.of([uow]).through(split_object(twice))) == [uow, uow]


def test_the_items_of_a_query_can_be_split() -> None:
    items = (JsonObject({"sk": "a"}), JsonObject({"sk": "b"}))
    uow = UnitOfWork(record=None).set(QUERY_RESPONSE, items)
    out = collect(Stream.of([uow]).through(split_object(QUERY_RESPONSE)))
    assert [u[SPLIT] for u in out if isinstance(u, UnitOfWork)] == list(items)
