"""Running a coroutine on a fresh event loop, from synchronous code only."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from lambda_stream.runtime.loop import run_fresh


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_run_fresh_returns_the_result_of_the_coroutine() -> None:
    assert run_fresh(_answer()) == 42


def test_run_fresh_uses_a_new_loop_each_time() -> None:
    async def current() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    assert run_fresh(current()) is not run_fresh(current())


def test_run_fresh_passes_exceptions_on() -> None:
    async def fail() -> None:
        raise LookupError("missing")

    with pytest.raises(LookupError, match="missing"):
        run_fresh(fail())


def test_run_fresh_refuses_to_run_inside_a_running_loop() -> None:
    async def nested() -> None:
        run_fresh(_answer(), instead="answer_async()")

    with pytest.raises(RuntimeError, match=r"await answer_async\(\) instead"):
        asyncio.run(nested())


def test_a_refused_coroutine_is_closed_not_left_unawaited() -> None:
    coroutine = _answer()

    async def nested() -> None:
        run_fresh(coroutine)

    with pytest.raises(RuntimeError, match="runs its own event loop"):
        asyncio.run(nested())
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # no "never awaited" later
