"""Asynchronous operators: bounded parallel mapping, merging, rate limiting.

They consume their upstream a chunk at a time. A synchronous upstream is pulled directly; an
asynchronous one through a single prefetching task, so finished work can be handed downstream
while the next chunk is still on its way. Closing the output early cancels and awaits every
task the operator started, and closes the upstream.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import Final

from lambda_stream.core.fault import Fault
from lambda_stream.stream._ops import Chunk, unwrap

__all__: list[str] = []

# Reorder buffer of an ordered map: how many started elements may wait on a slow head.
_WINDOW_PER_TASK: Final = 8

if sys.version_info >= (3, 12):

    def _start(
        loop: asyncio.AbstractEventLoop, awaitable: Awaitable[object]
    ) -> asyncio.Future[object]:
        # An eager task runs until its first suspension right here: work that completes at once
        # costs no trip through the event loop.
        if asyncio.iscoroutine(awaitable):
            return asyncio.Task(awaitable, loop=loop, eager_start=True)
        return asyncio.ensure_future(awaitable, loop=loop)

else:

    def _start(
        loop: asyncio.AbstractEventLoop, awaitable: Awaitable[object]
    ) -> asyncio.Future[object]:
        if asyncio.iscoroutine(awaitable):
            return loop.create_task(awaitable)
        return asyncio.ensure_future(awaitable, loop=loop)


class _Upstream:
    """Pulls chunks from a synchronous or an asynchronous chunk iterator."""

    __slots__ = ("aio", "exhausted", "on_ready", "pending", "sync")

    def __init__(
        self,
        sync: Iterator[Chunk] | None,
        aio: AsyncIterator[Chunk] | None,
        on_ready: Callable[[object], None],
    ) -> None:
        self.sync = sync
        self.aio = aio
        self.pending: asyncio.Future[Chunk | None] | None = None
        self.exhausted = False
        self.on_ready = on_ready

    def poll(self) -> Chunk | None:
        """The next chunk if it is at hand; None when it is not (yet) or the input has ended."""
        if self.exhausted:
            return None
        if self.sync is not None:
            chunk = next(self.sync, None)
            if chunk is None:
                self.exhausted = True
            return chunk
        assert self.aio is not None
        if self.pending is None:
            self.pending = asyncio.ensure_future(_next_chunk(self.aio))
            self.pending.add_done_callback(self.on_ready)
        if not self.pending.done():
            return None
        done, self.pending = self.pending, None
        chunk = done.result()
        if chunk is None:
            self.exhausted = True
        return chunk

    async def close(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            await asyncio.gather(self.pending, return_exceptions=True)
        if self.sync is not None:
            close = getattr(self.sync, "close", None)
            if close is not None:
                close()
        elif self.aio is not None:
            aclose = getattr(self.aio, "aclose", None)
            if aclose is not None:
                await aclose()


async def _next_chunk(chunks: AsyncIterator[Chunk]) -> Chunk | None:
    try:
        return await chunks.__anext__()
    except StopAsyncIteration:
        return None


async def map_async(
    sync: Iterator[Chunk] | None,
    aio: AsyncIterator[Chunk] | None,
    fn: Callable[[object], Awaitable[object]],
    parallel: int,
    ordered: bool,
    bind: bool,
) -> AsyncIterator[Chunk]:
    """Chunks of ``await fn(x)``, with at most `parallel` calls in flight at any moment."""
    loop = asyncio.get_running_loop()
    wake: asyncio.Future[None] | None = None

    def notify(_: object = None) -> None:
        if wake is not None and not wake.done():
            wake.set_result(None)

    upstream = _Upstream(sync, aio, notify)
    # ordered: one slot per element, [done, value, element]; unordered: finished values only
    slots: deque[list[object]] = deque()
    finished: Chunk = []
    running: set[asyncio.Future[object]] = set()
    window = max(parallel * _WINDOW_PER_TASK, 64)
    chunk: Chunk = []
    position = 0

    def settle(slot: list[object], future: asyncio.Future[object]) -> None:
        running.discard(future)
        if future.cancelled():
            return
        error = future.exception()
        item = slot[2]
        if error is None:
            value = future.result()
            value = unwrap(value, item) if bind else value  # type: ignore[arg-type]  # bind: a Result
        else:
            value = Fault.of(error, item)
        if ordered:
            slot[0] = True
            slot[1] = value
            slot[2] = None
        else:
            finished.append(value)
        notify()

    def ready(value: object) -> None:
        if ordered:
            slots.append([True, value, None])
        else:
            finished.append(value)

    def have_output() -> bool:
        return bool(slots[0][0]) if ordered and slots else bool(finished)

    try:
        while True:
            while len(running) < parallel and len(slots) < window:
                if position >= len(chunk):
                    if upstream.exhausted or have_output():
                        break
                    next_chunk = upstream.poll()
                    if next_chunk is None:
                        break
                    chunk, position = next_chunk, 0
                    continue
                item = chunk[position]
                position += 1
                if item.__class__ is Fault:
                    ready(item)
                    continue
                try:
                    future = _start(loop, fn(item))
                except Exception as error:
                    ready(Fault.of(error, item))
                    continue
                slot: list[object] = [False, None, item]
                if ordered:
                    slots.append(slot)
                if future.done():
                    running.add(future)
                    settle(slot, future)
                else:
                    running.add(future)
                    future.add_done_callback(partial(settle, slot))
            if ordered:
                out: Chunk = []
                while slots and slots[0][0]:
                    out.append(slots.popleft()[1])
            else:
                out, finished = finished, []
            if out:
                yield out
                continue
            if upstream.exhausted and position >= len(chunk) and not running:
                return
            wake = loop.create_future()
            await wake
            wake = None
    finally:
        await _cancel(running)
        await upstream.close()


async def _cancel(futures: set[asyncio.Future[object]]) -> None:
    pending = [future for future in futures if not future.done()]
    for future in pending:
        future.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


async def merge(
    sources: list[tuple[Iterator[Chunk] | None, AsyncIterator[Chunk] | None]],
) -> AsyncIterator[Chunk]:
    """Chunks from every source as they come, all sources driven concurrently."""
    loop = asyncio.get_running_loop()
    wake: asyncio.Future[None] | None = None

    def notify(_: object = None) -> None:
        if wake is not None and not wake.done():
            wake.set_result(None)

    live = [_Upstream(sync, aio, notify) for sync, aio in sources]
    try:
        while live:
            out: Chunk = []
            for upstream in list(live):
                chunk = upstream.poll()
                if chunk is not None:
                    out.extend(chunk)
                elif upstream.exhausted:
                    live.remove(upstream)
            if out:
                yield out
                continue
            if not live:
                return
            wake = loop.create_future()
            await wake
            wake = None
    finally:
        for upstream in live:
            await upstream.close()


async def rate_limit(
    sync: Iterator[Chunk] | None,
    aio: AsyncIterator[Chunk] | None,
    count: int,
    per_seconds: float,
) -> AsyncIterator[Chunk]:
    """At most `count` elements in any window of `per_seconds` (faults are not counted)."""
    sent: deque[float] = deque()
    upstream = _UpstreamIter(sync, aio)
    try:
        async for chunk in upstream:
            out: Chunk = []
            for item in chunk:
                if item.__class__ is not Fault:
                    now = time.monotonic()
                    while sent and now - sent[0] >= per_seconds:
                        sent.popleft()
                    if len(sent) >= count:
                        if out:
                            yield out
                            out = []
                        await asyncio.sleep(per_seconds - (now - sent[0]))
                        sent.popleft()
                    sent.append(time.monotonic())
                out.append(item)
            if out:
                yield out
    finally:
        await upstream.close()


class _UpstreamIter:
    """Plain ``async for`` over a synchronous or asynchronous chunk iterator."""

    __slots__ = ("aio", "sync")

    def __init__(self, sync: Iterator[Chunk] | None, aio: AsyncIterator[Chunk] | None) -> None:
        self.sync = sync
        self.aio = aio

    def __aiter__(self) -> _UpstreamIter:
        return self

    async def __anext__(self) -> Chunk:
        if self.sync is not None:
            chunk = next(self.sync, None)
            if chunk is None:
                raise StopAsyncIteration
            return chunk
        assert self.aio is not None
        return await self.aio.__anext__()

    async def close(self) -> None:
        await _Upstream(self.sync, self.aio, lambda _: None).close()
