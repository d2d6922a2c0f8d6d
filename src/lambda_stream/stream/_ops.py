"""Synchronous operators, applied a chunk at a time.

A stream moves elements in chunks (lists) so that the per-element cost of a synchronous step is
one call of the user's function inside a tight loop; only asynchronous operators touch the event
loop. Each operator turns a chunk into a chunk and may hold elements back until `end`.
An element is a value or a `Fault`; a Fault passes every operator untouched, and an exception
raised by a user function becomes a Fault carrying the element it was raised on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Final, Protocol

from returns.result import Failure, Result

from lambda_stream.core.fault import Fault
from lambda_stream.core.uow import UnitOfWork

__all__: list[str] = []

Chunk = list[object]
_EMPTY: Final[Chunk] = []


class Op(Protocol):
    """One operator instance, alive for one iteration of a stream."""

    def feed(self, chunk: Chunk) -> Chunk:
        """The output for `chunk` (may be empty)."""
        ...

    def end(self) -> Chunk:
        """What is held back, at the end of the input."""
        ...


class _Stateless:
    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[object], object]) -> None:
        self.fn = fn

    def end(self) -> Chunk:
        return _EMPTY


class MapOp(_Stateless):
    __slots__ = ()

    def feed(self, chunk: Chunk) -> Chunk:
        fn = self.fn
        out: Chunk = []
        append = out.append
        for item in chunk:
            if item.__class__ is Fault:
                append(item)
                continue
            try:
                append(fn(item))
            except Exception as error:
                append(Fault.of(error, item))
        return out


class FilterOp(_Stateless):
    __slots__ = ()

    def feed(self, chunk: Chunk) -> Chunk:
        fn = self.fn
        out: Chunk = []
        append = out.append
        for item in chunk:
            if item.__class__ is Fault:
                append(item)
                continue
            try:
                if fn(item):
                    append(item)
            except Exception as error:
                append(Fault.of(error, item))
        return out


class TapOp(_Stateless):
    __slots__ = ()

    def feed(self, chunk: Chunk) -> Chunk:
        fn = self.fn
        out: Chunk = []
        append = out.append
        for item in chunk:
            if item.__class__ is not Fault:
                try:
                    fn(item)
                except Exception as error:
                    append(Fault.of(error, item))
                    continue
            append(item)
        return out


def unwrap(result: Result[object, object], item: object) -> object:
    """The value of a Success, or the Fault for a Failure (a Fault, an exception, anything else)."""
    if isinstance(result, Failure):
        error = result.failure()
        if isinstance(error, Fault):
            return error
        if isinstance(error, BaseException):
            return Fault.of(error, item)
        return Fault.of(ValueError(f"step failed: {error!r}"), item)
    return result.unwrap()


class BindOp(_Stateless):
    __slots__ = ()

    def feed(self, chunk: Chunk) -> Chunk:
        fn = self.fn
        out: Chunk = []
        append = out.append
        for item in chunk:
            if item.__class__ is Fault:
                append(item)
                continue
            try:
                append(unwrap(fn(item), item))  # type: ignore[arg-type]  # bind's fn returns a Result
            except Exception as error:
                append(Fault.of(error, item))
        return out


class FlatMapOp(_Stateless):
    __slots__ = ()

    def feed(self, chunk: Chunk) -> Chunk:
        fn = self.fn
        out: Chunk = []
        for item in chunk:
            if item.__class__ is Fault:
                out.append(item)
                continue
            try:
                out.extend(list(fn(item)))  # type: ignore[call-overload]  # fn returns an Iterable
            except Exception as error:
                out.append(Fault.of(error, item))
        return out


class TagOp:
    """Sets ``pipeline`` on every uow: the fan-out's first step, an op factory of itself.

    A filter whose predicate reads only the event (``event_only``) is moved in front of it by
    `Stream.filter`: the uows it rejects are then never copied.
    """

    __slots__ = ("pipeline",)

    def __init__(self, pipeline: str) -> None:
        self.pipeline = pipeline

    def __call__(self) -> TagOp:
        return self

    def feed(self, chunk: Chunk) -> Chunk:
        tag = UnitOfWork.with_pipeline
        pipeline = self.pipeline
        return [item if item.__class__ is Fault else tag(item, pipeline) for item in chunk]  # type: ignore[arg-type]  # not a Fault: a uow

    def end(self) -> Chunk:
        return _EMPTY


class BatchOp:
    """Tuples of up to `size` values.

    A fault is not batched; the values held before it go out first, so the stream keeps its
    order (a sink answers its uows in the order it was given them).
    """

    __slots__ = ("held", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.held: Chunk = []

    def feed(self, chunk: Chunk) -> Chunk:
        out: Chunk = []
        held = self.held
        for item in chunk:
            if item.__class__ is Fault:
                if held:
                    out.append(tuple(held))
                    held.clear()
                out.append(item)
                continue
            held.append(item)
            if len(held) == self.size:
                out.append(tuple(held))
                held.clear()
        return out

    def end(self) -> Chunk:
        if not self.held:
            return _EMPTY
        out: Chunk = [tuple(self.held)]
        self.held.clear()
        return out


class BatchBySizeOp:
    """Tuples of up to `size` values whose sizes sum to at most `max_bytes`.

    A value larger than `max_bytes` on its own cannot be sent in any batch: it becomes a Fault.
    Faults keep their place: the values held before one go out first.
    """

    __slots__ = ("held", "max_bytes", "size", "size_of", "total")

    def __init__(self, size: int, max_bytes: int, size_of: Callable[[object], int]) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.size_of = size_of
        self.held: Chunk = []
        self.total = 0

    def feed(self, chunk: Chunk) -> Chunk:
        out: Chunk = []
        for item in chunk:
            if item.__class__ is Fault:
                self._flush(out)
                out.append(item)
                continue
            try:
                size = self.size_of(item)
            except Exception as error:
                self._flush(out)
                out.append(Fault.of(error, item))
                continue
            if size > self.max_bytes:
                too_big = ValueError(f"Request size: {size}, exceeded max: {self.max_bytes}")
                self._flush(out)
                out.append(Fault.of(too_big, item, retryable=False))
                continue
            if self.held and (len(self.held) == self.size or self.total + size > self.max_bytes):
                out.append(tuple(self.held))
                self.held = []
                self.total = 0
            self.held.append(item)
            self.total += size
        return out

    def _flush(self, out: Chunk) -> None:
        if self.held:
            out.append(tuple(self.held))
            self.held = []
            self.total = 0

    def end(self) -> Chunk:
        out: Chunk = []
        self._flush(out)
        return out


class GroupByOp:
    """``(key, values)`` pairs in order of each key's first value, emitted at the end."""

    __slots__ = ("groups", "key")

    def __init__(self, key: Callable[[object], Hashable]) -> None:
        self.key = key
        self.groups: dict[Hashable, list[object]] = {}

    def feed(self, chunk: Chunk) -> Chunk:
        out: Chunk = []
        groups = self.groups
        for item in chunk:
            if item.__class__ is Fault:
                out.append(item)
                continue
            try:
                key = self.key(item)
                members = groups.get(key)
            except Exception as error:
                out.append(Fault.of(error, item))
                continue
            if members is None:
                groups[key] = [item]
            else:
                members.append(item)
        return out

    def end(self) -> Chunk:
        out: Chunk = [(key, tuple(members)) for key, members in self.groups.items()]
        self.groups = {}
        return out


OpFactory = Callable[[], Op]


def run_ops(ops: tuple[OpFactory, ...], chunks: Iterable[Chunk]) -> Iterable[Chunk]:
    """Apply `ops` to every chunk, then flush each operator through the ones after it."""
    live = [make() for make in ops]
    for chunk in chunks:
        for op in live:
            chunk = op.feed(chunk)
            if not chunk:
                break
        else:
            yield chunk
    for index, op in enumerate(live):
        chunk = op.end()
        for later in live[index + 1 :]:
            if not chunk:
                break
            chunk = later.feed(chunk)
        if chunk:
            yield chunk
