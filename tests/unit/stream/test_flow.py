"""map_async, bind_async and rate_limit (merge and closing early: test_flow_concurrency)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Coroutine, Sequence
from typing import TypeVar

import pytest
from returns.result import Failure, Result, Success

from lambda_stream.core.fault import Fault
from lambda_stream.stream import Stream
from tests.unit.stream.clock import Clock

T = TypeVar("T")
UPSTREAM = Fault.of(ValueError("upstream"), "earlier element")


async def after(n: int, turns: int) -> int:
    """`n`, after yielding to the event loop `turns` times."""
    for _ in range(turns):
        await asyncio.sleep(0)
    return n


async def agen(items: Sequence[int]) -> AsyncIterator[int]:
    for item in items:
        await asyncio.sleep(0)
        yield item


def guarded(coroutine: Coroutine[object, object, T]) -> T:
    """Run `coroutine`; a deadlock fails the test instead of hanging it (not a speed check)."""

    async def main() -> T:
        async with asyncio.timeout(10):
            return await coroutine

    return asyncio.run(main())


def collected(stream: Stream[T]) -> list[T | Fault]:
    """`lambda_stream.testing.collect`, guarded against a deadlock."""
    return guarded(stream.collect())


class InFlight:
    """Counts the calls in flight; each waits until `target` calls are in flight together."""

    def __init__(self, target: int) -> None:
        self.now = 0
        self.most = 0
        self.target = target
        self.gate: asyncio.Event | None = None

    async def __call__(self, n: int) -> int:
        self.gate = self.gate or asyncio.Event()
        self.now += 1
        self.most = max(self.most, self.now)
        if self.now >= self.target:
            self.gate.set()
        await self.gate.wait()
        await asyncio.sleep(0)
        self.now -= 1
        return n


# -- map_async and bind_async --------------------------------------------------------------


def test_map_async_keeps_input_order_although_later_elements_finish_first() -> None:
    done: list[int] = []

    async def slower_first(n: int) -> int:
        await after(n, 5 - n)
        done.append(n)
        return n * 10

    out = collected(Stream.of(range(5)).map_async(slower_first, parallel=5))
    assert done == [4, 3, 2, 1, 0]
    assert out == [0, 10, 20, 30, 40]


def test_unordered_map_async_yields_results_as_they_finish() -> None:
    out = collected(
        Stream.of(range(5)).map_async(lambda n: after(n, 5 - n), parallel=5, ordered=False)
    )
    assert out == [4, 3, 2, 1, 0]


@pytest.mark.parametrize("parallel", [1, 3, 8])
def test_map_async_runs_up_to_parallel_calls_at_once_and_never_more(parallel: int) -> None:
    in_flight = InFlight(parallel)
    out = collected(Stream.of(range(20)).map_async(in_flight, parallel=parallel))
    assert out == list(range(20))
    assert in_flight.most == parallel


def test_map_async_runs_one_call_at_a_time_by_default() -> None:
    in_flight = [0]
    seen: list[int] = []  # calls already in flight when each call starts

    async def tracked(n: int) -> int:
        seen.append(in_flight[0])
        in_flight[0] += 1
        await asyncio.sleep(0)
        in_flight[0] -= 1
        return n

    assert collected(Stream.of(range(5)).map_async(tracked)) == [0, 1, 2, 3, 4]
    assert seen == [0, 0, 0, 0, 0]


def test_map_async_rejects_a_parallel_below_one() -> None:
    with pytest.raises(ValueError, match="parallel must be a positive integer"):
        Stream.of([1]).map_async(lambda n: after(n, 0), parallel=0)


def test_bind_async_keeps_successes_and_faults_failures() -> None:
    async def step(n: int) -> Result[int, Exception | Fault]:
        await asyncio.sleep(0)
        return Failure(KeyError(n)) if n == 2 else Success(n * 2)

    out = collected(Stream.of([1, 2, 3]).bind_async(step, parallel=2))
    assert out[0::2] == [2, 6]
    assert isinstance(out[1], Fault)
    assert (out[1].name, out[1].subject) == ("KeyError", 2)


def test_bind_async_passes_a_failure_holding_a_fault_on_as_that_fault() -> None:
    async def step(n: int) -> Result[int, Exception | Fault]:
        return Failure(UPSTREAM)

    assert collected(Stream.of([1]).bind_async(step))[0] is UPSTREAM


@pytest.mark.parametrize("ordered", [True, False])
def test_an_exception_raised_by_the_call_itself_becomes_a_fault(ordered: bool) -> None:
    def not_even_started(n: int) -> Awaitable[int]:
        if n == 2:
            raise ValueError("refused 2")
        return after(n, 1)

    out = collected(Stream.of([1, 2, 3]).map_async(not_even_started, parallel=2, ordered=ordered))
    faults = [x for x in out if isinstance(x, Fault)]
    assert [(f.name, f.message, f.subject) for f in faults] == [("ValueError", "refused 2", 2)]
    assert sorted(x for x in out if isinstance(x, int)) == [1, 3]


@pytest.mark.parametrize("ordered", [True, False])
def test_an_exception_raised_by_the_awaited_coroutine_becomes_a_fault(ordered: bool) -> None:
    async def failing(n: int) -> int:
        await asyncio.sleep(0)
        if n == 2:
            raise ValueError("failed 2")
        return n

    out = collected(Stream.of([1, 2, 3]).map_async(failing, parallel=2, ordered=ordered))
    faults = [x for x in out if isinstance(x, Fault)]
    assert [(f.name, f.message, f.subject) for f in faults] == [("ValueError", "failed 2", 2)]
    assert isinstance(faults[0].error, ValueError)


def test_map_async_awaits_a_future() -> None:
    def resolved_soon(n: int) -> asyncio.Future[int]:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(future.set_result, n * 3)
        return future

    assert collected(Stream.of([1, 2, 3]).map_async(resolved_soon, parallel=2)) == [3, 6, 9]


def test_a_result_that_cannot_be_awaited_becomes_a_fault() -> None:
    out = collected(Stream.of([1]).map_async(lambda n: n))  # type: ignore[arg-type,return-value]  # not awaitable on purpose
    assert isinstance(out[0], Fault)
    assert (out[0].name, out[0].subject) == ("TypeError", 1)


@pytest.mark.parametrize(("ordered", "parallel"), [(True, 1), (True, 2), (False, 1), (False, 2)])
def test_an_awaitable_cancelled_by_someone_else_becomes_a_fault(
    ordered: bool, parallel: int
) -> None:
    def cancelled_at_two(n: int) -> asyncio.Future[int]:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        action = future.cancel if n == 2 else (lambda: future.set_result(n))
        asyncio.get_running_loop().call_soon(action)
        return future

    stream = Stream.of([1, 2, 3, 4]).map_async(cancelled_at_two, parallel=parallel, ordered=ordered)
    out = collected(stream)
    assert sorted(x for x in out if isinstance(x, int)) == [1, 3, 4]
    assert [(f.name, f.subject) for f in out if isinstance(f, Fault)] == [("CancelledError", 2)]


@pytest.mark.parametrize("ordered", [True, False])
def test_a_fault_passes_map_async_untouched(ordered: bool) -> None:
    items: list[int | Fault] = [1, UPSTREAM, 2]
    out = collected(Stream.of(items).map_async(lambda n: after(n + 1, 1), ordered=ordered))
    assert [x for x in out if isinstance(x, Fault)] == [UPSTREAM]
    assert next(x for x in out if isinstance(x, Fault)) is UPSTREAM


def test_a_fault_keeps_its_position_through_an_ordered_map_async() -> None:
    items: list[int | Fault] = [1, UPSTREAM, 2, UPSTREAM]
    out = collected(Stream.of(items).map_async(lambda n: after(n, 3 - n), parallel=4))
    assert out == [1, UPSTREAM, 2, UPSTREAM]


def test_map_async_over_map_async_keeps_every_element_across_chunks() -> None:
    stream = (
        Stream.of(range(300))
        .map_async(lambda n: after(n, n % 3), parallel=4)
        .map_async(lambda n: after(n * 2, n % 5), parallel=3)
    )
    assert collected(stream) == [n * 2 for n in range(300)]


def test_map_async_over_an_async_iterable() -> None:
    stream = Stream.from_async(agen(range(10))).map_async(lambda n: after(-n, 1), parallel=3)
    assert collected(stream) == [-n for n in range(10)]


def test_sync_operators_after_map_async_flush_at_the_end() -> None:
    stream = Stream.of(range(300)).map_async(lambda n: after(n, 0), parallel=2)
    assert collected(stream.filter(lambda n: n >= 290).batch(4).map(len)) == [4, 4, 2]


def test_an_error_of_an_async_source_propagates() -> None:
    async def broken() -> AsyncIterator[int]:
        yield 1
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        collected(Stream.from_async(broken()).map_async(lambda n: after(n, 1)))


# -- rate_limit ----------------------------------------------------------------------------


def test_rate_limit_waits_out_the_window_once_count_elements_went_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(monkeypatch)
    asyncio.run(clock.read(Stream.of([1, 2, 3, 4, 5]).rate_limit(2, 1.0)))
    assert clock.log == [1, 2, "sleep 1.0", 3, 4, "sleep 1.0", 5]


def test_rate_limit_does_not_wait_for_elements_already_spread_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(monkeypatch)

    async def spread() -> AsyncIterator[int]:
        for n in range(4):
            clock.now += 1.0
            yield n

    asyncio.run(clock.read(Stream.from_async(spread()).rate_limit(1, 1.0)))
    assert clock.log == [0, 1, 2, 3]


def test_rate_limit_does_not_count_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    items: list[int | Fault] = [1, UPSTREAM, UPSTREAM, 2]
    asyncio.run(clock.read(Stream.of(items).rate_limit(1, 2.0)))
    assert clock.log == [1, UPSTREAM, UPSTREAM, "sleep 2.0", 2]


@pytest.mark.parametrize(("count", "per_seconds"), [(0, 1.0), (1, 0.0), (1, -1.0)])
def test_rate_limit_rejects_a_window_that_is_not_positive(count: int, per_seconds: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        Stream.of([1]).rate_limit(count, per_seconds)
