"""Building, synchronous operators and consuming of `Stream` (asynchronous ones: test_flow)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
from returns.result import Failure, Result, Success

from lambda_stream.core.errors import RetryableError
from lambda_stream.core.fault import Fault
from lambda_stream.stream import Stream
from lambda_stream.testing import collect

UPSTREAM = Fault.of(ValueError("upstream"), "earlier element")
Run = Callable[[Stream[int]], Sequence[object]]


def explode(n: int) -> int:
    if n == 2:
        raise ValueError(f"bad {n}")
    return n


def check(n: int) -> None:
    explode(n)


def faults(out: Sequence[object]) -> list[Fault]:
    return [x for x in out if isinstance(x, Fault)]


def values(out: Sequence[object]) -> list[object]:
    return [x for x in out if not isinstance(x, Fault)]


async def agen(items: Sequence[int]) -> AsyncIterator[int]:
    for item in items:
        await asyncio.sleep(0)
        yield item


# -- building and consuming --------------------------------------------------------------


def test_nothing_runs_until_the_stream_is_read() -> None:
    seen: list[int] = []
    stream = Stream.of([1, 2]).tap(seen.append)
    assert seen == []
    collect(stream)
    assert seen == [1, 2]


def test_of_reads_an_endless_iterable_lazily() -> None:
    async def first_three() -> list[int | Fault]:
        out: list[int | Fault] = []
        async for item in Stream.of(itertools.count()).map(lambda n: n * 2):
            out.append(item)
            if len(out) == 3:
                break
        return out

    assert asyncio.run(first_three()) == [0, 2, 4]


def test_a_stream_of_a_list_can_be_read_twice() -> None:
    stream = Stream.of([1, 2, 3]).map(lambda n: n + 1)
    assert collect(stream) == collect(stream) == [2, 3, 4]


def test_holding_operators_start_fresh_on_every_read() -> None:
    stream = Stream.of([1, 2, 3]).batch(2)

    async def first() -> tuple[int, ...] | Fault:
        async for batch in stream:
            return batch  # leaves 3 held by this read's batch operator
        raise AssertionError("empty stream")

    assert asyncio.run(first()) == (1, 2)
    assert collect(stream) == [(1, 2), (3,)]


def test_collect_returns_values_and_faults_in_stream_order() -> None:
    assert collect(Stream.of([1, UPSTREAM, 2])) == [1, UPSTREAM, 2]


def test_drain_returns_only_the_faults() -> None:
    other = Fault.of(KeyError("k"), 5)
    drained = asyncio.run(Stream.of([1, UPSTREAM, 2, other]).drain())
    assert drained == [UPSTREAM, other]


def test_drain_of_an_async_stream_returns_its_faults() -> None:
    drained = asyncio.run(Stream.from_async(agen([1, 2, 3])).map(explode).drain())
    assert [(f.name, f.subject) for f in drained] == [("ValueError", 2)]


def test_async_for_yields_every_element() -> None:
    items: list[int | Fault] = [1, UPSTREAM, 2]

    async def read() -> list[int | Fault]:
        return [item async for item in Stream.of(items).map(lambda n: n * 10)]

    assert asyncio.run(read()) == [10, UPSTREAM, 20]


def test_from_async_streams_an_async_iterable_through_later_operators() -> None:
    stream = Stream.from_async(agen([1, 2, 3, 4, 5])).batch(2).map(len)
    assert collect(stream) == [2, 2, 1]


def test_defer_builds_the_stream_when_it_is_first_read() -> None:
    built: list[str] = []

    async def build() -> Stream[int]:
        built.append("built")
        return Stream.of([1, 2])

    stream = Stream.defer(build).map(lambda n: n + 1)
    assert built == []
    assert collect(stream) == [2, 3]
    assert built == ["built"]


def test_defer_streams_an_async_built_stream() -> None:
    async def build() -> Stream[int]:
        return Stream.from_async(agen([1, 2, 3])).map(lambda n: n * 2)

    assert collect(Stream.defer(build)) == [2, 4, 6]


def test_through_applies_a_composed_step() -> None:
    def evens_doubled(stream: Stream[int]) -> Stream[int]:
        return stream.filter(lambda n: n % 2 == 0).map(lambda n: n * 2)

    assert collect(Stream.of(range(5)).through(evens_doubled)) == [0, 4, 8]


# -- element-wise operators ----------------------------------------------------------------


def test_filter_keeps_the_values_the_predicate_accepts() -> None:
    assert collect(Stream.of(range(6)).filter(lambda n: n % 3)) == [1, 2, 4, 5]


def test_map_applies_fn_to_every_value() -> None:
    assert collect(Stream.of(["a", "bc"]).map(len)) == [1, 2]


def test_tap_calls_fn_and_keeps_the_values() -> None:
    seen: list[int] = []
    assert collect(Stream.of([1, 2]).tap(lambda n: seen.append(n * 10))) == [1, 2]
    assert seen == [10, 20]


def test_flat_map_emits_every_element_of_every_result_in_order() -> None:
    assert collect(Stream.of([0, 1, 2, 3]).flat_map(range)) == [0, 0, 1, 0, 1, 2]


def test_bind_keeps_the_value_of_a_success() -> None:
    assert collect(Stream.of([1, 2]).bind(lambda n: Success(n * 3))) == [3, 6]


def test_bind_turns_a_failure_holding_an_exception_into_a_fault() -> None:
    def step(n: int) -> Result[int, Exception | Fault]:
        return Failure(KeyError(n)) if n == 2 else Success(n)

    out = collect(Stream.of([1, 2, 3]).bind(step))
    [fault] = faults(out)
    assert (fault.name, fault.message, fault.subject) == ("KeyError", "2", 2)
    assert out[0::2] == [1, 3]


def test_bind_passes_a_failure_holding_a_fault_on_as_that_fault() -> None:
    def step(n: int) -> Result[int, Exception | Fault]:
        return Failure(UPSTREAM) if n == 2 else Success(n)

    assert collect(Stream.of([1, 2, 3]).bind(step))[1] is UPSTREAM


def test_bind_turns_a_failure_of_another_value_into_a_value_error_fault() -> None:
    def step(n: int) -> Result[int, str]:
        return Failure("nope")

    out = collect(Stream.of([7]).bind(step))  # type: ignore[arg-type]  # a non-exception Failure
    [fault] = faults(out)
    assert (fault.name, fault.message, fault.subject) == ("ValueError", "step failed: 'nope'", 7)


# -- holding operators -------------------------------------------------------------------


def test_batch_emits_tuples_of_size_and_a_shorter_last_one() -> None:
    assert collect(Stream.of(range(5)).batch(2)) == [(0, 1), (2, 3), (4,)]


BAD_BOUNDS: dict[str, Callable[[], object]] = {
    "size": lambda: Stream.of([1]).batch(0),
    "max_bytes": lambda: Stream.of([1]).batch_by_size(5, 0, lambda n: n),
}


@pytest.mark.parametrize("name", BAD_BOUNDS)
def test_holding_operators_reject_a_bound_below_one(name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name} must be a positive integer"):
        BAD_BOUNDS[name]()


def test_batch_by_size_closes_a_batch_at_size_or_before_max_bytes_is_exceeded() -> None:
    stream = Stream.of([4, 4, 4, 6, 1, 1, 1]).batch_by_size(3, 10, lambda n: n)
    assert collect(stream) == [(4, 4), (4, 6), (1, 1, 1)]


def test_batch_lets_a_fault_out_in_its_place() -> None:
    upstream = Fault.of(ValueError("upstream"), 3)
    out = collect(Stream.of([1, 2, upstream, 4]).batch(3))
    assert out == [(1, 2), upstream, (4,)]


def test_batch_by_size_faults_a_value_larger_than_max_bytes_in_its_place() -> None:
    out = collect(Stream.of([3, 11, 4]).batch_by_size(5, 10, lambda n: n))
    [fault] = faults(out)
    assert (fault.name, fault.message) == ("ValueError", "Request size: 11, exceeded max: 10")
    assert (fault.subject, fault.retryable) == (11, False)
    assert out[1] is fault  # the batch held before it went out first: the order is kept
    assert values(out) == [(3,), (4,)]


def test_group_by_groups_values_by_key_in_first_seen_order() -> None:
    stream = Stream.of(["bb", "a", "cc", "d", "eee"]).group_by(len)
    assert collect(stream) == [(2, ("bb", "cc")), (1, ("a", "d")), (3, ("eee",))]


def test_group_by_faults_a_value_whose_key_is_unhashable() -> None:
    stream = Stream.of([1, 2]).group_by(lambda n: [n] if n == 2 else n)  # type: ignore[type-var]  # an unhashable key on purpose
    out = collect(stream)
    assert [(f.name, f.subject) for f in faults(out)] == [("TypeError", 2)]
    assert values(out) == [(1, (1,))]


def test_holding_operators_flush_through_the_operators_after_them() -> None:
    assert collect(Stream.of(range(5)).batch(2).batch(2).map(len)) == [2, 1]


# -- faults and errors ---------------------------------------------------------------------

EVERY_OPERATOR: dict[str, Run] = {
    "filter": lambda s: collect(s.filter(lambda n: n + 1)),
    "map": lambda s: collect(s.map(lambda n: n + 1)),
    "tap": lambda s: collect(s.tap(lambda n: check(n * 10))),
    "bind": lambda s: collect(s.bind(lambda n: Success(n + 1))),
    "flat_map": lambda s: collect(s.flat_map(lambda n: [n + 1])),
    "batch": lambda s: collect(s.batch(2)),
    "batch_by_size": lambda s: collect(s.batch_by_size(2, 10, lambda n: n + 1)),
    "group_by": lambda s: collect(s.group_by(lambda n: n + 1)),
}


@pytest.mark.parametrize("run", EVERY_OPERATOR.values(), ids=EVERY_OPERATOR.keys())
def test_a_fault_passes_every_operator_untouched(run: Run) -> None:
    out = run(Stream.of([1, UPSTREAM, 2]))
    assert len(faults(out)) == 1
    assert faults(out)[0] is UPSTREAM


ELEMENT_WISE = ["filter", "map", "tap", "bind", "flat_map"]


@pytest.mark.parametrize("name", ELEMENT_WISE)
def test_a_fault_keeps_its_position_through_element_wise_operators(name: str) -> None:
    out = EVERY_OPERATOR[name](Stream.of([1, UPSTREAM, 2, UPSTREAM]))
    assert [isinstance(x, Fault) for x in out] == [False, True, False, True]


RAISING_STEPS: dict[str, tuple[Run, list[object]]] = {
    "map": (lambda s: collect(s.map(explode)), [1, 3]),
    "filter": (lambda s: collect(s.filter(explode)), [1, 3]),
    "tap": (lambda s: collect(s.tap(check)), [1, 3]),
    "bind": (lambda s: collect(s.bind(lambda n: Success(explode(n)))), [1, 3]),
    "flat_map": (lambda s: collect(s.flat_map(lambda n: [explode(n)])), [1, 3]),
    "batch_by_size": (lambda s: collect(s.batch_by_size(5, 10, explode)), [(1,), (3,)]),
    "group_by": (lambda s: collect(s.group_by(explode)), [(1, (1,)), (3, (3,))]),
}


@pytest.mark.parametrize("case", RAISING_STEPS.values(), ids=RAISING_STEPS.keys())
def test_an_exception_in_a_step_becomes_a_fault_carrying_the_element(
    case: tuple[Run, list[object]],
) -> None:
    run, expected_values = case
    out = run(Stream.of([1, 2, 3]))
    [fault] = faults(out)
    assert (fault.name, fault.message, fault.subject) == ("ValueError", "bad 2", 2)
    assert isinstance(fault.error, ValueError)
    assert values(out) == expected_values


def test_a_retryable_error_in_a_step_becomes_a_retryable_fault() -> None:
    def throttled(n: int) -> int:
        raise RetryableError("slow down")

    [fault] = collect(Stream.of([1]).map(throttled))
    assert isinstance(fault, Fault)
    assert fault.retryable


# -- chunk boundaries (a chunk holds 128 elements) -----------------------------------------


def test_a_long_stream_keeps_every_element_in_order() -> None:
    assert collect(Stream.of(range(1000)).map(lambda n: n * 2)) == list(range(0, 2000, 2))


def test_batch_spans_chunk_boundaries() -> None:
    out = collect(Stream.of(range(300)).batch(7))
    assert out == [tuple(range(n, min(n + 7, 300))) for n in range(0, 300, 7)]


def test_a_filter_emptying_a_whole_chunk_keeps_later_holders_intact() -> None:
    out = collect(Stream.of(range(300)).filter(lambda n: n >= 250).batch(20))
    assert out == [tuple(range(250, 270)), tuple(range(270, 290)), tuple(range(290, 300))]


def test_group_by_spans_chunk_boundaries() -> None:
    out = collect(Stream.of(range(300)).group_by(lambda n: n % 3))
    assert out == [(key, tuple(range(key, 300, 3))) for key in range(3)]
