"""A fake clock for `Stream.rate_limit`, shared by the engine's and the flavors' tests."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import pytest

from lambda_stream.stream import Stream, _flow

T = TypeVar("T")


def at_most(count: int, per_seconds: float, times: list[float]) -> bool:
    """Whether no window of `per_seconds` holds more than `count` of the sorted `times`."""
    return all(b - a >= per_seconds for a, b in zip(times, times[count:], strict=False))


class Clock:
    """A fake clock for rate_limit: `sleep` advances it, and logs next to the elements."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 0.0
        self.log: list[object] = []
        self.real_sleep = asyncio.sleep
        monkeypatch.setattr(_flow, "time", self)
        monkeypatch.setattr(asyncio, "sleep", self.sleep)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.log.append(f"sleep {delay}")
        self.now += delay
        await self.real_sleep(0)

    async def read(self, stream: Stream[T]) -> None:
        async for item in stream:
            self.log.append(item)
