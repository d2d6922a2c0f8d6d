"""Element types through pipeline composition, checked by mypy (assert_type) and run by pytest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_type

from returns.result import Failure, Result, Success

from lambda_stream import (
    Event,
    Fault,
    FrozenJson,
    Invocation,
    JsonObject,
    Key,
    Pipeline,
    PipelineContext,
    PipelineFactory,
    Pipelines,
    Rule,
    Stream,
    UnitOfWork,
    freeze,
    from_kinesis,
    initialize,
    initialize_from,
    on_event_type,
    resolve_options,
)
from lambda_stream.testing import collect, to_kinesis_records

COUNT = Key[int]("count")
ROW = Key[JsonObject]("row")
TAGS = Key[tuple[str, ...]]("tags")
SOURCE = Key[Event]("source")


def values(items: list[int | Fault]) -> list[int]:
    return [item for item in items if not isinstance(item, Fault)]


def test_map_filter_tap_keep_the_element_type() -> None:
    seen: list[int] = []
    ints = Stream.of(range(5))
    assert_type(ints, Stream[int])
    evens = ints.filter(lambda n: n % 2 == 0).tap(seen.append)
    assert_type(evens, Stream[int])
    labels = evens.map(lambda n: f"#{n}")
    assert_type(labels, Stream[str])
    lengths = labels.map(len).rate_limit(1000, 1.0)
    assert_type(lengths, Stream[int])
    assert_type(collect(labels), list[str | Fault])
    assert collect(lengths) == [2, 2, 2]
    assert seen == [0, 2, 4, 0, 2, 4]  # each collect runs the lazy stream again


def test_collect_keeps_faults_in_the_element_type() -> None:
    items = collect(Stream.of([1, 0, 2]).map(lambda n: 10 // n))
    assert_type(items, list[int | Fault])
    assert values(items) == [10, 5]
    faults = [item for item in items if isinstance(item, Fault)]
    assert_type(faults, list[Fault])
    assert [fault.name for fault in faults] == ["ZeroDivisionError"]

    async def consume(stream: Stream[str]) -> list[str | Fault]:
        collected = await stream.collect()
        assert_type(collected, list[str | Fault])
        async for item in stream:
            assert_type(item, str | Fault)
        return collected

    assert asyncio.run(consume(Stream.of(["a"]))) == ["a"]


def test_flat_map_batch_and_group_by_change_the_element_type() -> None:
    words = Stream.of(["a b", "c"]).flat_map(str.split)
    assert_type(words, Stream[str])
    batches = words.batch(2)
    assert_type(batches, Stream[tuple[str, ...]])
    assert collect(batches) == [("a", "b"), ("c",)]
    sized = words.batch_by_size(10, 2, len)
    assert_type(sized, Stream[tuple[str, ...]])
    assert collect(sized) == [("a", "b"), ("c",)]
    groups = Stream.of([1, 2, 3, 4]).group_by(lambda n: n % 2 == 0)
    assert_type(groups, Stream[tuple[bool, tuple[int, ...]]])
    assert collect(groups) == [(False, (1, 3)), (True, (2, 4))]


def parse(text: str) -> Result[int, ValueError]:
    return Success(int(text)) if text.isdigit() else Failure(ValueError(f"not a number: {text}"))


def test_bind_unwraps_success_and_turns_failure_into_a_fault() -> None:
    parsed = Stream.of(["1", "x", "3"]).bind(parse)
    assert_type(parsed, Stream[int])
    items = collect(parsed)
    assert values(items) == [1, 3]
    assert [item.message for item in items if isinstance(item, Fault)] == ["not a number: x"]
    # A Failure may carry a Fault as well as an Exception.
    fault = Fault(uows=(), name="Refused", message="no")
    refused: Callable[[int], Result[str, Exception | Fault]] = lambda n: Failure(fault)  # noqa: E731
    assert_type(parsed.bind(refused), Stream[str])


def test_async_steps_keep_their_awaited_type() -> None:
    async def double(n: int) -> int:
        await asyncio.sleep(0)
        return n * 2

    async def checked(n: int) -> Result[str, Exception]:
        return Success(str(n)) if n < 5 else Failure(ValueError(n))

    doubled = Stream.of([1, 2, 3]).map_async(double, parallel=2)
    assert_type(doubled, Stream[int])
    texts = doubled.bind_async(checked, parallel=2, ordered=False)
    assert_type(texts, Stream[str])
    items = collect(texts)
    assert sorted(item for item in items if isinstance(item, str)) == ["2", "4"]
    assert len([item for item in items if isinstance(item, Fault)]) == 1


def test_through_merge_and_defer() -> None:
    def as_text(stream: Stream[int]) -> Stream[str]:
        return stream.map(str)

    texts = Stream.of([1, 2]).through(as_text)
    assert_type(texts, Stream[str])
    merged = Stream.merge(texts, Stream.of(["x"]))
    assert_type(merged, Stream[str])
    assert sorted(value for value in collect(merged) if isinstance(value, str)) == ["1", "2", "x"]

    async def build() -> Stream[int]:
        await asyncio.sleep(0)
        return Stream.of([7])

    deferred = Stream.defer(build)
    assert_type(deferred, Stream[int])
    assert collect(deferred) == [7]


def test_keys_type_what_a_uow_holds() -> None:
    uow = (
        UnitOfWork(record=None)
        .set(COUNT, 3)
        .set(ROW, JsonObject({"id": "t1"}))
        .set(TAGS, ("a", "b"))
        .set(SOURCE, Event(id="1", type="thing-created"))
    )
    assert_type(uow, UnitOfWork)
    assert_type(uow.get(COUNT), int | None)
    assert_type(uow[COUNT], int)
    assert_type(uow.get(ROW), JsonObject | None)
    assert_type(uow[ROW]["id"], FrozenJson)
    assert_type(uow[TAGS], tuple[str, ...])
    assert_type(uow[SOURCE].type, str)
    assert uow[COUNT] + 1 == 4
    assert uow[ROW].get_str("id") == "t1"
    assert uow[TAGS] == ("a", "b")
    assert UnitOfWork(record=None).get(COUNT) is None
    # Membership and discard take a key of any value type (Key is invariant).
    assert COUNT in uow
    assert_type(uow.discard(COUNT), UnitOfWork)
    assert COUNT not in uow.discard(COUNT)


def test_from_kinesis_yields_uows_with_events() -> None:
    event = to_kinesis_records([{"id": "1", "type": "thing-created", "thing": {"name": "x"}}])
    head = from_kinesis(event)
    assert_type(head, Stream[UnitOfWork])
    types = head.map(lambda uow: uow.event.type if uow.event else "?")
    assert_type(types, Stream[str])
    assert collect(types) == ["thing-created"]
    [uow] = values_of(collect(from_kinesis(event)))  # a source stream is read once
    assert_type(uow.event, Event | None)
    assert uow.event is not None
    assert_type(uow.event["thing"], FrozenJson)
    assert uow.event["thing"] == freeze({"name": "x"})


def values_of(items: list[UnitOfWork | Fault]) -> list[UnitOfWork]:
    return [item for item in items if not isinstance(item, Fault)]


def counted(context: PipelineContext) -> Pipeline:
    def pipeline(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.filter(on_event_type("thing-created")).map(lambda uow: uow.set(COUNT, 1))

    return pipeline


def test_pipeline_factories_and_initialize() -> None:
    factory: PipelineFactory = counted
    context = PipelineContext(
        id="p", options=resolve_options({}), logger=logging.getLogger("typesafety")
    )
    pipeline = factory(context)
    assert_type(pipeline, Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]])
    pipelines = initialize({"counted": counted}, resolve_options({}))
    assert_type(pipelines, Pipelines)
    event = to_kinesis_records([{"id": "1", "type": "thing-created"}])
    invocation = pipelines.invoke(from_kinesis(event))
    assert_type(invocation, Invocation)
    assert [(uow.pipeline, uow[COUNT]) for uow in invocation.uows] == [("counted", 1)]


@dataclass(frozen=True, kw_only=True)
class TagRule:
    """A user rule: the fields configure the flavor, `pipeline` builds it."""

    id: str
    event_type: str
    tag: Callable[[UnitOfWork], tuple[str, ...]]
    parallel: int = 4

    def pipeline(self, context: PipelineContext) -> Pipeline:
        def run(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
            return stream.filter(on_event_type(self.event_type)).map(
                lambda uow: uow.set(TAGS, self.tag(uow))
            )

        return run


def test_a_user_rule_class_satisfies_rule() -> None:
    rule: Rule = TagRule(id="tag", event_type="thing-created", tag=lambda uow: ("new",))
    pipelines = initialize_from([rule, TagRule(id="t2", event_type="x", tag=lambda _: ())])
    assert_type(pipelines, Pipelines)
    assert pipelines.enabled == ("tag", "t2")
    event = to_kinesis_records([{"id": "1", "type": "thing-created"}])
    invocation = pipelines.invoke(from_kinesis(event))
    assert [uow[TAGS] for uow in invocation.uows] == [("new",)]
