"""Asynchronous operators: bounded parallel mapping, merging, rate limiting.

They consume their upstream a chunk at a time. A synchronous upstream is pulled directly; an
asynchronous one through a single prefetching task, so finished work can be handed downstream
while the next chunk is still on its way. Closing the output early cancels and awaits every
task the operator started, and closes the upstream.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Final, TypeVar

from lambda_stream.core.fault import Fault
from lambda_stream.stream._ops import Chunk, unwrap

__all__: list[str] = []

_T = TypeVar("_T")

# Reorder buffer of an ordered map: how many started elements may wait on a slow head.
_WINDOW_PER_TASK: Final = 8


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
    """Chunks of ``await fn(x)``, with at most `parallel` calls in flight at any moment.

    `parallel` long-lived workers take elements from a shared feed, in input order, and await
    `fn` on each: per element that costs one await, not a task (a task per element costs
    about 10 us on Python 3.11). In ordered mode each element gets a slot when it is taken, and
    the output is the finished prefix of the slots; at most `window` slots wait on a slow head.
    """
    loop = asyncio.get_running_loop()
    feed: deque[object] = deque()
    slots: deque[list[object]] = deque()  # ordered: [done, value] per element taken
    finished: Chunk = []  # unordered: values as they finish
    window = max(parallel * _WINDOW_PER_TASK, 64)
    # Results are handed on in runs: the consumer is woken when this many are done, or when no
    # worker is busy any more. Waking it per completion cost a trip through every consumer
    # above (merges, the runtime) per completion, and delayed the workers' own timers.
    run = min(window // 2, parallel * _RUN_PER_TASK)
    state = _MapState(loop)

    def pending() -> int:
        return len(slots) if ordered else len(finished)

    def take() -> object:
        """The next element to work on, _WAIT, or _END; refills the feed from a sync upstream."""
        while True:
            if pending() >= window:
                return _WAIT
            if feed:
                return feed.popleft()
            if state.exhausted:
                return _END
            if sync is None:
                return _WAIT if state.pulling else _PULL
            chunk = next(sync, None)
            if chunk is None:
                state.exhausted = True
            else:
                feed.extend(chunk)

    def put(slot: list[object] | None, value: object) -> None:
        state.done += 1
        if slot is None:
            finished.append(value)
        else:
            slot[0] = True
            slot[1] = value
        if state.done >= run or state.busy == 0:
            state.wake_consumer()

    async def worker() -> None:
        me = asyncio.current_task()
        assert me is not None
        try:
            while True:
                if feed and (len(slots) if ordered else len(finished)) < window:
                    item = feed.popleft()  # the common case, without a call
                else:
                    item = take()
                if item is _WAIT:
                    await state.wait_for_work()
                    continue
                if item is _END:
                    return
                if item is _PULL:
                    await state.pull(aio, feed)  # type: ignore[arg-type]  # _PULL: aio is set
                    continue
                slot: list[object] | None = None
                if ordered:
                    slot = [False, None]
                    slots.append(slot)
                if item.__class__ is Fault:
                    put(slot, item)
                    continue
                state.busy += 1
                try:
                    value = await fn(item)
                except Exception as error:
                    value = Fault.of(error, item)
                except asyncio.CancelledError as error:
                    if me.cancelling():
                        raise  # the stream is closing
                    # the awaitable was cancelled, not this worker: a fault, not a lost element
                    value = Fault.of(error, item)
                else:
                    if bind:
                        value = unwrap(value, item)  # type: ignore[arg-type]  # bind: a Result
                finally:
                    state.busy -= 1
                put(slot, value)
        except BaseException as error:
            if not isinstance(error, asyncio.CancelledError):
                state.fatal = error
            raise
        finally:
            state.workers -= 1
            state.wake_consumer()

    tasks = [loop.create_task(worker()) for _ in range(parallel)]
    state.workers = parallel
    try:
        while True:
            if ordered:
                out: Chunk = []
                while slots and slots[0][0]:
                    out.append(slots.popleft()[1])
            else:
                out, finished = finished, []
            if out:
                state.done -= len(out)
                state.wake_workers()  # room in the window again
                yield out
                continue
            if state.fatal is not None:
                raise state.fatal
            if state.workers == 0:
                return
            await state.wait_for_output()
    finally:
        await _cancel(tasks)
        await _Upstream(sync, aio, lambda _: None).close()


# Results per worker handed on together (see `run` in map_async).
_RUN_PER_TASK: Final = 4

_WAIT: Final = object()
_END: Final = object()
_PULL: Final = object()


class _ConsumerSignal:
    """How an operator's producers (workers, pumps) wake its waiting consumer.

    ``fatal`` holds the error that ends them all.
    """

    __slots__ = ("_consumer", "fatal", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.fatal: BaseException | None = None
        self._consumer: asyncio.Future[None] | None = None

    def wake_consumer(self) -> None:
        waiter = self._consumer
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait_for_output(self) -> None:
        self._consumer = self.loop.create_future()
        try:
            await self._consumer
        finally:
            self._consumer = None


class _MapState(_ConsumerSignal):
    """The signals between map_async's workers and its consumer."""

    __slots__ = ("_workers", "busy", "done", "exhausted", "pulling", "workers")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.exhausted = False
        self.pulling = False
        self.workers = 0
        self.busy = 0  # workers awaiting the function
        self.done = 0  # results not handed on yet
        self._workers: asyncio.Future[None] | None = None

    def wake_workers(self) -> None:
        waiter = self._workers
        if waiter is not None:
            self._workers = None
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for_work(self) -> None:
        if self._workers is None:
            self._workers = self.loop.create_future()
        await asyncio.shield(self._workers)

    async def pull(self, aio: AsyncIterator[Chunk], feed: deque[object]) -> None:
        """Await the next chunk of the async upstream into `feed` (one worker at a time)."""
        self.pulling = True
        try:
            chunk = await _next_chunk(aio)
        finally:
            self.pulling = False
        if chunk is None:
            self.exhausted = True
        else:
            feed.extend(chunk)
        self.wake_workers()


async def _cancel(futures: Iterable[asyncio.Future[_T]]) -> None:
    pending = [future for future in futures if not future.done()]
    for future in pending:
        future.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


async def merge(
    sources: list[tuple[Iterator[Chunk] | None, AsyncIterator[Chunk] | None]],
) -> AsyncIterator[Chunk]:
    """Chunks from every source as they come, all sources driven concurrently.

    Each asynchronous source is driven by one long-lived pump task that runs at most
    `_MERGE_AHEAD` chunks ahead of the consumer; synchronous sources are read in turn by the
    consumer itself, which lets the pumps run between two of their chunks, so the IO of an
    asynchronous pipeline starts while a synchronous one is still being worked through.
    """
    loop = asyncio.get_running_loop()
    ready: deque[Chunk] = deque()
    sync_sources = [sync for sync, _ in sources if sync is not None]
    state = _MergeState(loop)

    async def pump(chunks: AsyncIterator[Chunk]) -> None:
        try:
            async for chunk in chunks:
                ready.append(chunk)
                state.wake_consumer()
                while len(ready) >= _MERGE_AHEAD * state.pumps:
                    await state.wait_for_room()
        except BaseException as error:
            if not isinstance(error, asyncio.CancelledError):
                state.fatal = error
            raise
        finally:
            state.pumps -= 1
            state.wake_consumer()
            await _aclose(chunks)

    pumps = [loop.create_task(pump(aio)) for _, aio in sources if aio is not None]
    state.pumps = len(pumps)
    try:
        while True:
            out: Chunk = []
            while ready:
                out.extend(ready.popleft())
            for sync in list(sync_sources):
                chunk = next(sync, None)
                if chunk is None:
                    sync_sources.remove(sync)
                else:
                    out.extend(chunk)
            if out:
                state.wake_pumps()
                yield out
                if sync_sources and state.pumps:
                    await asyncio.sleep(0)  # let the pumps run between two synchronous chunks
                continue
            if state.fatal is not None:
                raise state.fatal
            if not sync_sources and not state.pumps:
                return
            await state.wait_for_output()
    finally:
        await _cancel(pumps)
        for sync in sync_sources:
            close = getattr(sync, "close", None)
            if close is not None:
                close()


# How many chunks, per live pump, the pumps of a merge may hold for its consumer.
_MERGE_AHEAD: Final = 2


class _MergeState(_ConsumerSignal):
    """The signals between a merge's pumps and its consumer."""

    __slots__ = ("_room", "pumps")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.pumps = 0
        self._room: asyncio.Future[None] | None = None

    def wake_pumps(self) -> None:
        waiter, self._room = self._room, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait_for_room(self) -> None:
        if self._room is None:
            self._room = self.loop.create_future()
        await asyncio.shield(self._room)


async def _aclose(chunks: AsyncIterator[Chunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()


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
