"""compact, group, un_batch and split_object against the JS library's recorded cases."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pytest

from lambda_stream import Event, Key, Stream, UnitOfWork, freeze
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.testing import collect
from lambda_stream.utils.batch import compact, group, un_batch
from lambda_stream.utils.split import split_object
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("utils"))
UNTYPED = "__untyped__"  # the recorded events have no type, which ours require


def _uow(given: dict[str, object]) -> UnitOfWork:
    uow = UnitOfWork(record=None)
    for name, value in given.items():
        if name == "event":
            assert isinstance(value, dict)
            uow = uow.with_event(Event.from_dict({"type": UNTYPED, **value}))
        elif name == "batch":
            assert isinstance(value, list)
            uow = uow.with_batch(tuple(_uow(member) for member in value))
        else:
            uow = uow.set(Key[object](name), freeze(value))  # type: ignore[arg-type]  # recorded JSON
    return uow


def _plain(uow: UnitOfWork) -> dict[str, object]:
    out = {k: v for k, v in uow.to_dict().items() if not (k == "record" and v is None)}
    event = out.get("event")
    if isinstance(event, dict) and event.get("type") == UNTYPED:
        del event["type"]
    if "batch" in out:
        out["batch"] = [_plain(member) for member in uow.batch]
    return out


def _run(case: Case, step: Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]) -> list[object]:
    uows = [_uow(given) for given in case["input_uows"]]  # type: ignore[attr-defined]  # recorded JSON
    return [_plain(u) for u in collect(Stream.of(uows).through(step)) if isinstance(u, UnitOfWork)]


def _by_type(uow: UnitOfWork) -> Hashable:
    return uow.event.type if uow.event else None


def _id_descending(uow: UnitOfWork) -> int:
    """The recorded comparator sorts the (numeric) ids descending; compact keeps the last."""
    return -int(uow.event.id) if uow.event else 0


def test_compact_with_a_custom_group_and_sort() -> None:
    case = CASES["compact-rule-custom-group-sort"]
    assert _run(case, compact(key=_by_type, order=_id_descending)) == case["expected_uows"]


@pytest.mark.parametrize("name", ["toGroupUows", "group-rule"])
def test_group_makes_one_batch_per_partition_key(name: str) -> None:
    case = CASES[name]
    assert _run(case, group()) == case["expected_uows"]


def test_split_object_makes_one_uow_per_element() -> None:
    case = CASES["splitObject-target-field"]
    step = split_object(Key[JsonArray]("queryResponse"), target=Key("item"))
    assert _run(case, step) == case["expected_uows"]


def test_split_object_without_a_list_passes_through() -> None:
    case = CASES["splitObject-none"]
    assert _run(case, split_object(None)) == case["expected_uows"]


def test_un_batch_copies_the_outer_values_onto_every_member() -> None:
    case = CASES["unBatchUow"]
    args = case["args"]
    assert isinstance(args, list)
    members = un_batch(_uow(args[0]))
    assert [_plain(member) for member in members] == case["expected"]
    response = Key[JsonObject]("publishResponse")
    assert [member.get(response) for member in members] == [JsonObject({"FailedEntryCount": 0})] * 2
