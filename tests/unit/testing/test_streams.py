import asyncio
from collections.abc import AsyncIterator

import pytest

from lambda_stream.core.fault import Fault
from lambda_stream.stream import Stream
from lambda_stream.testing.streams import collect


def test_collect_returns_every_value_in_order() -> None:
    assert collect(Stream.of([3, 1, 2]).map(lambda n: n * 10)) == [30, 10, 20]


def test_collect_keeps_faults_in_place() -> None:
    out = collect(Stream.of([2, 0, 5]).map(lambda n: 10 // n))
    assert [type(x).__name__ if isinstance(x, Fault) else x for x in out] == [5, "Fault", 2]


def test_collect_of_an_empty_stream_is_empty() -> None:
    assert collect(Stream.of([])) == []


def test_collect_drains_an_asynchronous_source() -> None:
    async def numbers() -> AsyncIterator[int]:
        for n in range(3):
            await asyncio.sleep(0)
            yield n

    assert collect(Stream.from_async(numbers())) == [0, 1, 2]


def test_collect_runs_a_stream_that_awaits() -> None:
    async def double(n: int) -> int:
        await asyncio.sleep(0)
        return n * 2

    assert collect(Stream.of([1, 2]).map_async(double, parallel=2)) == [2, 4]


def test_collect_can_run_again_after_a_previous_run() -> None:
    stream = Stream.of([1, 2])
    assert (collect(stream), collect(stream)) == ([1, 2], [1, 2])


def test_collect_refuses_to_run_inside_a_running_event_loop() -> None:
    async def inside() -> None:
        collect(Stream.of([1]))

    with pytest.raises(RuntimeError, match="runs its own event loop"):
        asyncio.run(inside())
