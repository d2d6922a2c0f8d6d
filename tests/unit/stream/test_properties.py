"""Properties of the Stream engine over random inputs and random compositions of operators."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream.core.fault import Fault
from lambda_stream.stream import Stream

T = TypeVar("T")
Step = tuple[str, int, bool]  # (operator, its parameter, ordered)

ints = st.lists(st.integers(-30, 30), max_size=300)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("map"), st.just(0), st.just(True)),
        st.tuples(st.just("filter"), st.integers(2, 5), st.just(True)),
        st.tuples(st.just("map_async"), st.integers(1, 8), st.booleans()),
        st.tuples(st.just("batch"), st.integers(1, 5), st.just(True)),
    ),
    max_size=6,
)
modest = settings(max_examples=100, deadline=None)


def guarded(coroutine: Coroutine[object, object, T]) -> T:
    """Run `coroutine`; a deadlock fails the example instead of hanging (not a speed check)."""

    async def main() -> T:
        async with asyncio.timeout(10):
            return await coroutine

    return asyncio.run(main())


async def source(items: Sequence[int]) -> AsyncIterator[int]:
    for item in items:
        await asyncio.sleep(0)
        yield item


def failing_on(failing: frozenset[int]) -> Callable[[int], int]:
    def step(n: int) -> int:
        if n in failing:
            raise ValueError(f"fails on {n}")
        return n

    return step


def failing_async_on(failing: frozenset[int]) -> Callable[[int], Coroutine[object, object, int]]:
    async def step(n: int) -> int:
        for _ in range(n % 4):  # later elements may finish first
            await asyncio.sleep(0)
        if n in failing:
            raise ValueError(f"fails on {n}")
        return n

    return step


def not_divisible_by(m: int) -> Callable[[int], bool]:
    return lambda n: n % m != 0


def compose(stream: Stream[int], plan: list[Step], failing: frozenset[int]) -> Stream[int]:
    for kind, param, ordered in plan:
        if kind == "map":
            stream = stream.map(failing_on(failing))
        elif kind == "filter":
            stream = stream.filter(not_divisible_by(param))
        elif kind == "map_async":
            stream = stream.map_async(failing_async_on(failing), parallel=param, ordered=ordered)
        else:
            stream = stream.batch(param).flat_map(lambda batch: batch)
    return stream


def fate(n: int, plan: list[Step], failing: frozenset[int]) -> str:
    """What the plan does to `n`: "value", "fault" or "dropped"."""
    for kind, param, _ in plan:
        if kind == "filter" and n % param == 0:
            return "dropped"
        if kind in ("map", "map_async") and n in failing:
            return "fault"
    return "value"


@modest
@given(ints, st.frozensets(st.integers(-30, 30)), steps)
def test_every_input_comes_out_once_as_a_value_or_a_fault(
    items: list[int], failing: frozenset[int], plan: list[Step]
) -> None:
    out = guarded(compose(Stream.of(items), plan, failing).collect())
    faults = [x for x in out if isinstance(x, Fault)]
    assert Counter(x for x in out if not isinstance(x, Fault)) == Counter(
        n for n in items if fate(n, plan, failing) == "value"
    )
    assert Counter(fault.subject for fault in faults) == Counter(
        n for n in items if fate(n, plan, failing) == "fault"
    )
    assert all(fault.message == f"fails on {fault.subject}" for fault in faults)


@modest
@given(
    st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=200),
    st.integers(1, 8),
    st.booleans(),
)
def test_ordered_map_async_keeps_input_order_whatever_the_delays(
    elements: list[tuple[int, bool]], parallel: int, from_async: bool
) -> None:
    async def step(index: int) -> int:
        turns, fails = elements[index]
        for _ in range(turns):
            await asyncio.sleep(0)
        if fails:
            raise ValueError(f"fails on {index}")
        return index * 10

    indexes = list(range(len(elements)))
    upstream = Stream.from_async(source(indexes)) if from_async else Stream.of(indexes)
    out = guarded(upstream.map_async(step, parallel=parallel).collect())
    expected = [Fault if fails else index * 10 for index, (_, fails) in enumerate(elements)]
    assert [Fault if isinstance(x, Fault) else x for x in out] == expected
    assert [x.subject for x in out if isinstance(x, Fault)] == [
        index for index, (_, fails) in enumerate(elements) if fails
    ]


@modest
@given(st.integers(1, 60), st.integers(1, 8), st.booleans(), st.booleans())
def test_map_async_fills_parallel_and_never_exceeds_it(
    count: int, parallel: int, ordered: bool, from_async: bool
) -> None:
    target = min(count, parallel)
    in_flight: list[int] = []  # calls in flight, sampled whenever one starts

    async def main() -> list[int | Fault]:
        now = [0]
        all_in = asyncio.Event()  # blocks every call until `target` are in flight together

        async def step(n: int) -> int:
            now[0] += 1
            in_flight.append(now[0])
            if now[0] >= target:
                all_in.set()
            await all_in.wait()
            for _ in range(n % 3):
                await asyncio.sleep(0)
            now[0] -= 1
            return n

        items = list(range(count))
        upstream = Stream.from_async(source(items)) if from_async else Stream.of(items)
        return await upstream.map_async(step, parallel=parallel, ordered=ordered).collect()

    out = guarded(main())
    assert sorted(x for x in out if isinstance(x, int)) == list(range(count))
    assert max(in_flight) == target
    assert len(in_flight) == count


def tagged_as(tag: str) -> Callable[[int], tuple[str, int]]:
    return lambda n: (tag, n)


@modest
@given(
    st.lists(st.lists(st.integers(), min_size=1, max_size=20), min_size=1, max_size=3),
    st.integers(1, 5),
    st.integers(1, 4),
    st.booleans(),
)
def test_merged_pipelines_move_on_while_one_waits_on_io(
    fast_inputs: list[list[int]], slow_count: int, parallel: int, ordered: bool
) -> None:
    async def main() -> list[tuple[str, int] | Fault]:
        io_done = asyncio.Event()

        async def blocked_io(n: int) -> tuple[str, int]:
            await io_done.wait()
            return ("slow", n)

        async def quick_io(tagged: tuple[str, int]) -> tuple[str, int]:
            await asyncio.sleep(0)
            return tagged

        slow = Stream.of(range(slow_count)).map_async(blocked_io, parallel=parallel)
        fast = [
            Stream.from_async(source(items))
            .map(tagged_as(f"fast{i}"))
            .map_async(quick_io, parallel=parallel, ordered=ordered)
            for i, items in enumerate(fast_inputs)
        ]
        total_fast = sum(map(len, fast_inputs))
        out: list[tuple[str, int] | Fault] = []
        async for item in Stream.merge(slow, *fast):
            out.append(item)
            if len(out) == total_fast:
                io_done.set()  # the slow IO answers only after every fast element came out
        return out

    out = guarded(main())
    total_fast = sum(map(len, fast_inputs))
    tagged = [x for x in out if isinstance(x, tuple)]
    assert len(tagged) == len(out) == total_fast + slow_count
    assert tagged[total_fast:] == [("slow", n) for n in range(slow_count)]
    for i, items in enumerate(fast_inputs):
        mine = [n for tag, n in tagged if tag == f"fast{i}"]
        assert (mine if ordered else sorted(mine)) == (items if ordered else sorted(items))
