"""The shared rule fields and the steps the flavors build from them."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from lambda_stream import Event, Fault, JsonObject, Key, Stream, UnitOfWork, resolve_options
from lambda_stream.flavors.cdc import CdcRule
from lambda_stream.flavors.rule import (
    Compact,
    Rate,
    adorn,
    compacted,
    event_only,
    resolved,
    selected,
)
from lambda_stream.pipelines.context import PipelineContext
from lambda_stream.stream._ops import TagOp
from lambda_stream.testing import collect

REQUEST = Key[JsonObject]("request")
OTHER = Key[JsonObject]("other")


def _uow(
    n: int, event_type: str = "thing-created", key: str = "p", timestamp: int = 0
) -> UnitOfWork:
    event = Event(id=f"e{n}", type=event_type, partition_key=key, timestamp=timestamp)
    return UnitOfWork(record=JsonObject({"n": n}), event=event)


def _ids(items: list[UnitOfWork | Fault]) -> list[str]:
    return [item.event.id for item in items if isinstance(item, UnitOfWork) and item.event]


def _faulted(items: list[UnitOfWork | Fault]) -> list[str]:
    return [
        uow.event.id
        for item in items
        if isinstance(item, Fault)
        for uow in item.uows
        if uow.event is not None
    ]


def test_lists_given_to_a_rule_are_kept_as_tuples() -> None:
    rule = CdcRule(id="c", event_type=["a", "b"], filters=[lambda uow: True])
    assert (rule.event_type, type(rule.filters)) == (("a", "b"), tuple)


def test_a_misconfigured_event_type_fails_when_the_rule_is_built() -> None:
    with pytest.raises(TypeError, match="event_type"):
        CdcRule(id="c", event_type=[1, 2])  # type: ignore[list-item]  # the mistake under test


def test_a_rule_needs_an_id() -> None:
    with pytest.raises(ValueError, match="id"):
        CdcRule(id="", event_type="a")


def test_parallel_must_be_positive() -> None:
    with pytest.raises(ValueError, match="parallel"):
        CdcRule(id="c", event_type="a", parallel=0)


def test_parallel_falls_back_to_the_functions_option() -> None:
    context = PipelineContext(
        id="c", options=resolve_options({"PARALLEL": "7"}), logger=logging.getLogger("t")
    )
    rules = (CdcRule(id="c", event_type="a"), CdcRule(id="c", event_type="a", parallel=2))
    assert [rule.parallel_in(context) for rule in rules] == [7, 2]


def test_selected_keeps_the_rules_types_whose_content_passes_every_filter() -> None:
    rule = CdcRule(
        id="c",
        event_type=re.compile(r"^thing-"),
        filters=[lambda uow: uow.event is not None and uow.event.id != "e2"],
    )
    uows = [_uow(1), _uow(2), _uow(3, "other-x")]
    assert _ids(collect(Stream.of(uows).through(selected(rule)))) == ["e1"]


def test_a_filter_that_raises_is_a_fault_of_its_uow_only() -> None:
    def refuse_e2(uow: UnitOfWork) -> bool:
        if uow.event is not None and uow.event.id == "e2":
            raise ValueError("bad content")
        return True

    rule = CdcRule(id="c", event_type="thing-created", filters=[refuse_e2])
    out = collect(Stream.of([_uow(1), _uow(2), _uow(3)]).through(selected(rule)))
    assert (_ids(out), _faulted(out)) == (["e1", "e3"], ["e2"])


def test_without_compact_every_uow_goes_on() -> None:
    uows = [_uow(1), _uow(2)]
    assert collect(Stream.of(uows).through(compacted(False))) == uows


def test_compact_keeps_the_latest_uow_per_partition_key_with_the_batch() -> None:
    uows = [_uow(1, key="a", timestamp=2), _uow(2, key="a", timestamp=1), _uow(3, key="b")]
    out = [
        u for u in collect(Stream.of(uows).through(compacted(True))) if isinstance(u, UnitOfWork)
    ]
    assert [(u.event.id if u.event else None, len(u.batch)) for u in out] == [("e1", 2), ("e3", 1)]


def test_compact_takes_a_custom_key_and_order() -> None:
    by_type = Compact(key=lambda uow: uow.event.type if uow.event else None, order=lambda uow: 0)
    uows = [_uow(1, key="a"), _uow(2, key="b"), _uow(3, "other-x")]
    assert _ids(collect(Stream.of(uows).through(compacted(by_type)))) == ["e2", "e3"]


def test_adorn_stores_what_a_sync_mapper_returns() -> None:
    step = adorn("rule", 2, (REQUEST, lambda uow, rule: {"Key": {"n": rule}}))
    [uow] = collect(Stream.of([_uow(1)]).through(step))
    assert isinstance(uow, UnitOfWork)
    assert uow[REQUEST] == {"Key": {"n": "rule"}}


def test_adorn_awaits_an_async_mapper() -> None:
    async def later(uow: UnitOfWork, rule: str) -> JsonObject:
        await asyncio.sleep(0)
        return JsonObject({"later": True})

    [uow] = collect(Stream.of([_uow(1)]).through(adorn("rule", 2, (REQUEST, later))))
    assert isinstance(uow, UnitOfWork)
    assert uow[REQUEST] == {"later": True}


def test_adorn_runs_the_mappers_in_turn_and_skips_missing_ones() -> None:
    step = adorn(
        "rule",
        1,
        (REQUEST, lambda uow, rule: {"first": 1}),
        (OTHER, None),
        (OTHER, lambda uow, rule: {"saw": uow[REQUEST]}),
    )
    [uow] = collect(Stream.of([_uow(1)]).through(step))
    assert isinstance(uow, UnitOfWork)
    assert uow[OTHER] == {"saw": {"first": 1}}


def test_a_mapper_returning_none_adds_nothing() -> None:
    [uow] = collect(Stream.of([_uow(1)]).through(adorn("r", 1, (REQUEST, lambda u, r: None))))
    assert isinstance(uow, UnitOfWork)
    assert REQUEST not in uow


def test_a_mapper_that_raises_is_a_fault_of_its_uow_only() -> None:
    def mapper(uow: UnitOfWork, rule: str) -> dict[str, int]:
        if uow.event is not None and uow.event.id == "e2":
            raise KeyError("thing")
        return {"ok": 1}

    out = collect(Stream.of([_uow(1), _uow(2), _uow(3)]).through(adorn("r", 4, (REQUEST, mapper))))
    assert (_ids(out), _faulted(out)) == (["e1", "e3"], ["e2"])


def test_a_mapper_returning_no_json_object_is_a_fault() -> None:
    step = adorn("r", 1, (REQUEST, lambda uow, rule: {"when": object()}))  # type: ignore[dict-item]
    [fault] = collect(Stream.of([_uow(1)]).through(step))
    assert isinstance(fault, Fault)


def test_resolved_returns_a_plain_value_and_awaits_an_awaitable() -> None:
    async def both() -> tuple[int, int]:
        async def two() -> int:
            return 2

        return await resolved(1), await resolved(two())

    assert asyncio.run(both()) == (1, 2)


def test_an_event_only_predicate_runs_before_the_pipeline_tags_its_uows() -> None:
    seen: list[str | None] = []

    def created(uow: UnitOfWork) -> bool:
        seen.append(uow.pipeline)
        return uow.event is not None and uow.event.type == "thing-created"

    tagged: Stream[UnitOfWork] = Stream.of([_uow(1), _uow(2, "other-x")])._then(TagOp("p"))
    out = collect(tagged.filter(event_only(created)))
    assert seen == [None, None]  # the dropped uow was never copied to be tagged
    assert [u.pipeline for u in out if isinstance(u, UnitOfWork)] == ["p"]


def test_a_mapper_returning_no_object_is_a_fault_naming_the_request() -> None:
    step = adorn("r", 1, (REQUEST, lambda uow, rule: "SET #a = :a"))  # type: ignore[arg-type, return-value]
    [fault] = collect(Stream.of([_uow(1)]).through(step))
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == (
        "TypeError",
        "the mapper of request returned a str, not a dict",
    )


@pytest.mark.parametrize(("count", "per_seconds"), [(0, 1.0), (1, 0.0), (2, -1.0)])
def test_a_rate_must_be_positive(count: int, per_seconds: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        Rate(count, per_seconds)


def test_a_rule_is_unlimited_unless_given_a_rate() -> None:
    assert CdcRule(id="c", event_type="x").rate is None
    assert CdcRule(id="c", event_type="x", rate=Rate(5, 1.0)).rate == Rate(5, 1.0)
