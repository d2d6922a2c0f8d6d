"""`Stream[T]`: a lazy, pull-based stream of values and faults."""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Iterator,
)
from itertools import islice
from typing import Final, Generic, TypeVar, cast

from returns.result import Result

from lambda_stream.core.fault import Fault
from lambda_stream.stream import _flow
from lambda_stream.stream._ops import (
    BatchBySizeOp,
    BatchOp,
    BindOp,
    Chunk,
    FilterOp,
    FlatMapOp,
    GroupByOp,
    MapOp,
    OpFactory,
    TagOp,
    TapOp,
    run_ops,
)

__all__ = ["Stream"]

T = TypeVar("T", covariant=True)  # a Stream[int] is a Stream[object]: streams are read-only
U = TypeVar("U")
K = TypeVar("K", bound=Hashable)

CHUNK_SIZE: Final = 128
"""Elements per chunk read from an iterable: large enough to amortise the per-chunk work of the
asynchronous operators, small enough that merged pipelines take turns often."""


class Stream(Generic[T]):
    """A lazy stream of ``T`` values and in-band `Fault` s.

    Nothing runs until the stream is iterated (``async for``) or collected. Every operator
    passes a `Fault` through untouched; an exception raised inside a user function becomes a
    `Fault` carrying the element it was raised on, and the stream goes on.

    >>> import asyncio
    >>> s = Stream.of(range(6)).filter(lambda n: n % 2 == 0).map(lambda n: 10 // n)
    >>> [type(x).__name__ if isinstance(x, Fault) else x for x in asyncio.run(s.collect())]
    ['Fault', 5, 2]
    """

    __slots__ = ("_async", "_ops", "_sync")

    def __init__(
        self,
        sync: Callable[[], Iterator[Chunk]] | None,
        aio: Callable[[], AsyncIterator[Chunk]] | None,
        ops: tuple[OpFactory, ...] = (),
    ) -> None:
        self._sync = sync
        self._async = aio
        self._ops = ops

    # -- building -------------------------------------------------------------------------

    @staticmethod
    def of(items: Iterable[T | Fault]) -> Stream[T]:
        """A stream of `items` (read lazily, in chunks).

        Each iteration of the stream iterates `items` again: a collection can be streamed
        several times, an iterator or generator only once.
        """

        def chunks() -> Iterator[Chunk]:
            iterator = iter(items)
            while chunk := cast(Chunk, list(islice(iterator, CHUNK_SIZE))):
                yield chunk

        return Stream(chunks, None)

    @staticmethod
    def from_async(items: AsyncIterable[T | Fault]) -> Stream[T]:
        """A stream of the elements of an async iterable."""

        async def chunks() -> AsyncIterator[Chunk]:
            async for item in items:
                yield [item]

        return Stream(None, chunks)

    @staticmethod
    def merge(*streams: Stream[T]) -> Stream[T]:
        """One stream of the elements of all `streams`, driven concurrently, interleaved."""

        def chunks() -> AsyncIterator[Chunk]:
            return _flow.merge([stream._sources() for stream in streams])

        return Stream(None, chunks)

    @staticmethod
    def defer(build: Callable[[], Awaitable[Stream[T]]]) -> Stream[T]:
        """A stream that awaits `build` when it is first read, then streams what it built."""

        async def chunks() -> AsyncIterator[Chunk]:
            built = await build()
            sync, aio = built._sources()
            if sync is not None:
                for chunk in sync:
                    yield chunk
                return
            assert aio is not None
            try:
                async for chunk in aio:
                    yield chunk
            finally:
                await _aclose(aio)

        return Stream(None, chunks)

    def _then(self, op: OpFactory) -> Stream[U]:
        return Stream(self._sync, self._async, (*self._ops, op))

    def _sources(self) -> tuple[Iterator[Chunk] | None, AsyncIterator[Chunk] | None]:
        if self._sync is not None:
            return iter(run_ops(self._ops, self._sync())), None
        if not self._ops:
            assert self._async is not None
            return None, self._async()  # no operator to apply: no layer in between
        return None, self._async_chunks()

    async def _async_chunks(self) -> AsyncGenerator[Chunk, None]:
        assert self._async is not None
        source = self._async()
        if not self._ops:
            try:
                async for chunk in source:
                    yield chunk
            finally:
                await _aclose(source)
            return
        ops = [make() for make in self._ops]
        try:
            async for chunk in source:
                for op in ops:
                    chunk = op.feed(chunk)
                    if not chunk:
                        break
                else:
                    yield chunk
        finally:
            await _aclose(source)
        for index, op in enumerate(ops):
            chunk = op.end()
            for later in ops[index + 1 :]:
                if not chunk:
                    break
                chunk = later.feed(chunk)
            if chunk:
                yield chunk

    # -- synchronous operators -------------------------------------------------------------

    def filter(self, predicate: Callable[[T], object]) -> Stream[T]:
        """The values for which `predicate` is truthy."""
        fn = cast(Callable[[object], object], predicate)
        ops = self._ops
        if ops and isinstance(ops[-1], TagOp) and getattr(predicate, "event_only", False):
            # The predicate reads only the event, which tagging leaves alone: filter first and
            # tag the survivors (a pipeline that matches nothing copies nothing).
            return Stream(self._sync, self._async, (*ops[:-1], lambda: FilterOp(fn), ops[-1]))
        return self._then(lambda: FilterOp(fn))

    def map(self, fn: Callable[[T], U]) -> Stream[U]:
        """``fn(x)`` for every value ``x``."""
        step = cast(Callable[[object], object], fn)
        return self._then(lambda: MapOp(step))

    def tap(self, fn: Callable[[T], None]) -> Stream[T]:
        """The same values, calling `fn` on each for its side effect."""
        step = cast(Callable[[object], object], fn)
        return self._then(lambda: TapOp(step))

    def bind(self, fn: Callable[[T], Result[U, Exception | Fault]]) -> Stream[U]:
        """The value of every Success of ``fn(x)``; a Failure becomes a Fault."""
        step = cast(Callable[[object], object], fn)
        return self._then(lambda: BindOp(step))

    def flat_map(self, fn: Callable[[T], Iterable[U | Fault]]) -> Stream[U]:
        """Every element of every ``fn(x)``, in order; a Fault among them stays a Fault."""
        step = cast(Callable[[object], object], fn)
        return self._then(lambda: FlatMapOp(step))

    def batch(self, size: int) -> Stream[tuple[T, ...]]:
        """Tuples of up to `size` consecutive values (the last may be shorter).

        A Fault is not batched: the values held before it go out first, so order is kept.
        """
        _check_positive("size", size)
        return self._then(lambda: BatchOp(size))

    def batch_by_size(
        self, size: int, max_bytes: int, size_of: Callable[[T], int]
    ) -> Stream[tuple[T, ...]]:
        """Tuples of up to `size` values whose `size_of` sum is at most `max_bytes`.

        A single value larger than `max_bytes` becomes a Fault: no batch could carry it.
        """
        _check_positive("size", size)
        _check_positive("max_bytes", max_bytes)
        measure = cast(Callable[[object], int], size_of)
        return self._then(lambda: BatchBySizeOp(size, max_bytes, measure))

    def group_by(self, key: Callable[[T], K]) -> Stream[tuple[K, tuple[T, ...]]]:
        """``(key, values)`` per distinct key, in first-seen order, once the input has ended.

        Faults come out as they arrive, ahead of the groups.
        """
        fn = cast(Callable[[object], Hashable], key)
        return self._then(lambda: GroupByOp(fn))

    def through(self, step: Callable[[Stream[T]], Stream[U]]) -> Stream[U]:
        """``step(self)``: apply a composed step, such as a sink or a whole pipeline."""
        return step(self)

    # -- asynchronous operators ------------------------------------------------------------

    def map_async(
        self, fn: Callable[[T], Awaitable[U]], *, parallel: int = 1, ordered: bool = True
    ) -> Stream[U]:
        """``await fn(x)`` for every value, at most `parallel` at a time.

        With `ordered` (the default) results keep the input order; otherwise they come out as
        they finish.
        """
        return self._async_map(fn, parallel, ordered, bind=False)

    def bind_async(
        self,
        fn: Callable[[T], Awaitable[Result[U, Exception | Fault]]],
        *,
        parallel: int = 1,
        ordered: bool = True,
    ) -> Stream[U]:
        """Like `map_async`, for IO steps that return a `Result`; a Failure becomes a Fault."""
        return self._async_map(fn, parallel, ordered, bind=True)

    def _async_map(
        self, fn: Callable[[T], Awaitable[object]], parallel: int, ordered: bool, bind: bool
    ) -> Stream[U]:
        _check_positive("parallel", parallel)
        step = cast(Callable[[object], Awaitable[object]], fn)

        def chunks() -> AsyncIterator[Chunk]:
            sync, aio = self._sources()
            return _flow.map_async(sync, aio, step, parallel, ordered, bind)

        return Stream(None, chunks)

    def rate_limit(self, count: int, per_seconds: float) -> Stream[T]:
        """The same values, at most `count` of them in any `per_seconds` window."""
        _check_positive("count", count)
        if not per_seconds > 0:
            raise ValueError(f"per_seconds must be positive, got {per_seconds!r}")

        def chunks() -> AsyncIterator[Chunk]:
            sync, aio = self._sources()
            return _flow.rate_limit(sync, aio, count, per_seconds)

        return Stream(None, chunks)

    # -- consuming -------------------------------------------------------------------------

    def __aiter__(self) -> AsyncGenerator[T | Fault, None]:
        """The elements one by one.

        To stop early, ``aclose()`` the iterator (or use ``contextlib.aclosing``): that cancels
        the work in flight; a ``break`` alone leaves it to the generator's finalizer.
        """
        return self._elements()

    async def _chunks(self) -> AsyncGenerator[list[T | Fault], None]:
        """The elements a chunk at a time (the library's consumers loop over chunks)."""
        if self._sync is not None:
            for chunk in run_ops(self._ops, self._sync()):
                yield chunk  # type: ignore[misc]  # chunks hold T | Fault
            return
        chunks = self._async_chunks()
        try:
            async for chunk in chunks:
                yield chunk  # type: ignore[misc]  # chunks hold T | Fault
        finally:
            await chunks.aclose()

    async def _elements(self) -> AsyncGenerator[T | Fault, None]:
        if self._sync is not None:
            for chunk in run_ops(self._ops, self._sync()):
                for item in chunk:
                    yield cast("T | Fault", item)
            return
        chunks = self._async_chunks()
        try:
            async for chunk in chunks:
                for item in chunk:
                    yield cast("T | Fault", item)
        finally:
            await chunks.aclose()

    async def collect(self) -> list[T | Fault]:
        """Every element, values and faults, in stream order."""
        if self._sync is not None:
            items = [item for chunk in run_ops(self._ops, self._sync()) for item in chunk]
            return cast(list[T | Fault], items)
        out: list[T | Fault] = []
        chunks = self._async_chunks()
        try:
            async for chunk in chunks:
                out.extend(chunk)  # type: ignore[arg-type]  # chunks hold T | Fault
        finally:
            await chunks.aclose()
        return out

    async def drain(self) -> list[Fault]:
        """Run the stream to its end, dropping values; the faults it met, in order."""
        faults: list[Fault] = []
        if self._sync is not None:
            for chunk in run_ops(self._ops, self._sync()):
                faults.extend(item for item in chunk if isinstance(item, Fault))
            return faults
        chunks = self._async_chunks()
        try:
            async for chunk in chunks:
                faults.extend(item for item in chunk if isinstance(item, Fault))
        finally:
            await chunks.aclose()
        return faults


async def _aclose(iterator: AsyncIterator[Chunk]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


def _check_positive(name: str, value: int) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
