"""Concurrency of the asynchronous operators: merge, and closing a stream early."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine, Sequence
from typing import TypeVar

import pytest

from lambda_stream.core.fault import Fault
from lambda_stream.stream import Stream

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


# -- merge ---------------------------------------------------------------------------------


def test_merge_yields_every_element_of_sync_and_async_streams_each_in_order() -> None:
    items: list[int | Fault] = [1, 2, UPSTREAM, 3]
    sync = Stream.of(items)
    aio = Stream.from_async(agen([10, 20, 30])).map_async(lambda n: after(n, 2), parallel=2)
    out = collected(Stream.merge(sync, aio))
    assert [x for x in out if isinstance(x, Fault) or x < 10] == items
    assert [x for x in out if not isinstance(x, Fault) and x >= 10] == [10, 20, 30]


def test_merge_of_no_streams_is_empty() -> None:
    assert collected(Stream.merge()) == []


def test_merge_drives_its_streams_concurrently() -> None:
    async def main() -> list[int | Fault]:
        released = asyncio.Event()

        async def blocked(n: int) -> int:
            await released.wait()
            return n

        slow = Stream.of([100, 101]).map_async(blocked)
        fast = Stream.from_async(agen([1, 2, 3])).map_async(lambda n: after(n, 2))
        out: list[int | Fault] = []
        async for item in Stream.merge(slow, fast):
            out.append(item)
            if set(out) >= {1, 2, 3}:
                released.set()  # the slow stream moves only once the fast one got through
        return out

    assert guarded(main()) == [1, 2, 3, 100, 101]


# -- closing early -------------------------------------------------------------------------


class Blocking:
    """Element 0 finishes at once, every other call blocks until cancelled."""

    def __init__(self, busy_at: int = 1) -> None:
        self.started: set[int] = set()
        self.cancelled: set[int] = set()
        self.finished: set[int] = set()
        self.busy = asyncio.Event()  # set once `busy_at` calls are blocked together
        self.busy_at = busy_at

    async def __call__(self, n: int) -> int:
        self.started.add(n)
        try:
            if n:
                if len(self.started - self.finished) >= self.busy_at:
                    self.busy.set()
                await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.add(n)
            raise
        self.finished.add(n)
        return n


def close_after_first(stream: Stream[int], caplog: pytest.LogCaptureFixture) -> object:
    """Read the first element, close the stream; what is still running afterwards."""

    async def main() -> object:
        elements = aiter(stream)
        async for _ in elements:
            break
        assert isinstance(elements, AsyncGenerator)
        await elements.aclose()
        return asyncio.all_tasks() - {asyncio.current_task()}

    caplog.set_level(logging.ERROR, logger="asyncio")
    leftover = guarded(main())
    gc.collect()
    assert "Task was destroyed but it is pending" not in caplog.text
    return leftover


def test_closing_a_map_async_stream_early_cancels_its_pending_calls(
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocking = Blocking()
    stream = Stream.of(range(10)).map_async(blocking, parallel=4, ordered=False)
    assert close_after_first(stream, caplog) == set()
    assert blocking.finished == {0}
    assert blocking.cancelled == blocking.started - {0}
    assert len(blocking.cancelled) == 4  # parallel calls were in flight


def test_closing_a_chain_early_cancels_its_first_stage_and_closes_its_source(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed: list[str] = []

    async def source() -> AsyncIterator[int]:
        try:
            for n in range(100):
                await asyncio.sleep(0)
                yield n
        finally:
            closed.append("source")

    first = Blocking(busy_at=3)

    async def once_first_is_busy(n: int) -> int:
        await first.busy.wait()
        return n

    stream = (
        Stream.from_async(source())
        .map_async(first, parallel=3, ordered=False)
        .map_async(once_first_is_busy, parallel=2)
    )
    assert close_after_first(stream, caplog) == set()
    assert closed == ["source"]
    assert first.cancelled == first.started - first.finished
    assert len(first.cancelled) == 3


def test_closing_a_merged_stream_early_cancels_every_source(
    caplog: pytest.LogCaptureFixture,
) -> None:
    left, right = Blocking(), Blocking()
    stream = Stream.merge(
        Stream.of(range(5)).map_async(left, parallel=2, ordered=False),
        Stream.of(range(1, 5)).map_async(right, parallel=2),
    )
    assert close_after_first(stream, caplog) == set()
    assert left.cancelled == left.started - {0}
    assert right.cancelled == right.started
    assert left.cancelled
    assert right.cancelled  # both sources had calls in flight when the merge closed
    assert right.started  # the right source had started before the merge closed
