"""What every flavor's rule has, and the steps the flavors build from it.

A rule is an immutable record per flavor (`MaterializeRule`, `CdcRule`, `UpdateRule`): the
fields below, shared by all of them, and the flavor's own, its mappers first. A mapper is a
function of the uow and its rule returning a request (or, for ``cdc``, event fields), directly
or as an awaitable, so ``async def`` mappers work as the JS library's async mappers do; mypy
checks a mapper's parameters and result where the rule is written. Each rule's ``pipeline``
method builds its flavor's pipeline, so every rule is a `pipelines.Rule`, ready for
`initialize_from`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TypeAlias, TypeVar

from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.filters.event import EventTypeMatcher, on_content, on_event_type
from lambda_stream.pipelines.context import Pipeline, PipelineContext
from lambda_stream.queries.dynamodb import (
    BATCH_GET_REQUEST,
    QUERY_REQUEST,
    batch_get_dynamodb,
    query_all_dynamodb,
)
from lambda_stream.stream import Stream
from lambda_stream.utils.batch import by_partition_key, by_timestamp, compact

__all__ = [
    "Compact",
    "ContentFilter",
    "FlavorRule",
    "Mapper",
    "Rate",
    "Request",
    "adorn",
    "compacted",
    "event_only",
    "fetched",
    "limited",
    "queried",
    "resolved",
    "selected",
]

R = TypeVar("R")
F = TypeVar("F", bound="FlavorRule")
T = TypeVar("T")

Request: TypeAlias = Mapping[str, JsonValue]
"""A request a mapper builds: a JSON object (a plain ``dict`` or a `JsonObject`)."""

Mapper: TypeAlias = Callable[[UnitOfWork, R], T | Awaitable[T]]
"""A function of the uow and its rule (of type ``R``) giving a ``T``, or an awaitable of one."""

ContentFilter: TypeAlias = Callable[[UnitOfWork], object]
"""A test of a uow's content; a uow passes a rule's filters when every one is truthy."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Compact:
    """How a rule compacts a batch: one uow per `key`, the last by `order`, standing for all.

    ``compact=True`` on a rule means ``Compact()``: by the event's partition key, the latest by
    timestamp (see `utils.batch.compact`).
    """

    key: Callable[[UnitOfWork], Hashable] = by_partition_key
    order: Callable[[UnitOfWork], object] = by_timestamp


@dataclass(frozen=True, slots=True)
class Rate:
    """How fast uows may enter each of a rule's IO steps (its queries and its sink).

    At most `count` uows in any window of `per_seconds` seconds, to spare a downstream API with
    a low quota; faults are not counted. The JS library's ``rate: {num, ms}`` is
    ``Rate(num, ms / 1000)``.

    Raises:
        ValueError: `count` or `per_seconds` is not positive.
    """

    count: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a Rate's count must be positive, got {self.count!r}")
        if not self.per_seconds > 0:
            raise ValueError(f"a Rate's per_seconds must be positive, got {self.per_seconds!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class FlavorRule(ABC):
    """The fields every flavor's rule has.

    Attributes:
        id: the id of the pipeline the rule makes; every uow it handles carries it.
        event_type: the event types handled: one type, a list of types, a compiled regex
            (searched, as in the JS library) or a test of the type.
        filters: tests of a uow's content; all must pass.
        parallel: mappers and IO steps in flight; ``PARALLEL`` (4) when None, and each IO
            step's own setting (``UPDATE_PARALLEL``, ...).
        compact: False, True (by partition key, the latest by timestamp) or a `Compact`.
        rate: how fast uows may enter each of the rule's IO steps; unlimited when None.

    Raises:
        TypeError: `event_type` is none of the accepted kinds.
        ValueError: `id` is empty or `parallel` is not positive.
    """

    id: str
    event_type: EventTypeMatcher
    filters: Sequence[ContentFilter] = ()
    parallel: int | None = None
    compact: bool | Compact = False
    rate: Rate | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError(f"a rule's id must be a non-empty string, got {self.id!r}")
        if self.parallel is not None and self.parallel < 1:
            raise ValueError(f"rule {self.id}: parallel must be positive, got {self.parallel}")
        on_event_type(self.event_type)  # a misconfigured matcher fails here, not per uow
        for member in fields(self):  # lists given are copied to tuples: the rule stays immutable
            value = getattr(self, member.name)
            if isinstance(value, list):
                object.__setattr__(self, member.name, tuple(value))

    @abstractmethod
    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The flavor's pipeline, configured by this rule."""

    def parallel_in(self, context: PipelineContext) -> int:
        """The rule's `parallel`, else the function's ``PARALLEL``."""
        return self.parallel or context.options.parallel


def selected(rule: FlavorRule) -> Pipeline:
    """A step keeping the uows of the rule's event types whose content passes its filters.

    The type test reads only the event, so it runs before a pipeline copies its uows.
    """
    by_type = on_event_type(rule.event_type)
    by_content = on_content(rule.filters) if rule.filters else None

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        typed = stream.filter(by_type)
        return typed if by_content is None else typed.filter(by_content)

    return step


def compacted(setting: bool | Compact) -> Pipeline:
    """The compacting step of a rule's `FlavorRule.compact` (none when it is False)."""
    if setting is False:
        return _unchanged
    chosen = Compact() if setting is True else setting
    return compact(chosen.key, chosen.order)


def limited(rate: Rate | None) -> Pipeline:
    """The step holding uows back to a rule's `FlavorRule.rate` (none when it is None)."""
    if rate is None:
        return _unchanged
    count, per_seconds = rate.count, rate.per_seconds
    return lambda stream: stream.rate_limit(count, per_seconds)


def queried(
    rule: F,
    context: PipelineContext,
    to_query_request: Mapper[F, Request | None] | None,
    *,
    table_name: str | None,
) -> Pipeline:
    """A rule's query step (none without a mapper), held to the rule's `FlavorRule.rate`.

    Each uow gets as ``queryResponse`` the items, every page of them, of the query
    `to_query_request` builds for it.
    """
    if to_query_request is None:
        return _unchanged
    return _chain(
        adorn(rule, rule.parallel_in(context), (QUERY_REQUEST, to_query_request)),
        limited(rule.rate),
        query_all_dynamodb(
            context.options,
            context.ports.dynamodb,
            cache=context.cache,
            table_name=table_name,
            parallel=rule.parallel,
        ),
    )


def fetched(
    rule: F, context: PipelineContext, to_get_request: Mapper[F, Request | None] | None
) -> Pipeline:
    """A rule's batch get step (none without a mapper), held to the rule's `FlavorRule.rate`.

    Each uow gets as ``batchGetResponse`` the answer to the batch get `to_get_request` builds.
    """
    if to_get_request is None:
        return _unchanged
    return _chain(
        adorn(rule, rule.parallel_in(context), (BATCH_GET_REQUEST, to_get_request)),
        limited(rule.rate),
        batch_get_dynamodb(
            context.options, context.ports.dynamodb, cache=context.cache, parallel=rule.parallel
        ),
    )


def _chain(*steps: Pipeline) -> Pipeline:
    def chained(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        for step in steps:
            stream = step(stream)
        return stream

    return chained


def adorn(
    rule: R, parallel: int, *mappers: tuple[Key[JsonObject], Mapper[R, Request | None] | None]
) -> Pipeline:
    """A step storing, in turn, what each mapper returns for a uow under its key.

    Mappers that are None are left out (no step at all when none is left); a mapper returning
    None adds nothing. A mapper that raises, or returns something that is not a JSON object,
    is a fault of that uow alone.
    """
    given = [(key, mapper) for key, mapper in mappers if mapper is not None]
    if not given:
        return _unchanged

    async def add(uow: UnitOfWork) -> UnitOfWork:
        for key, mapper in given:
            value = await resolved(mapper(uow, rule))
            if value is not None:
                uow = uow.set(key, _request(key, value))
        return uow

    return lambda stream: stream.map_async(add, parallel=parallel)


def _request(key: Key[JsonObject], value: Request) -> JsonObject:
    if isinstance(value, JsonObject):
        return value
    if not isinstance(value, Mapping):  # untyped callers: JsonObject would wrap anything
        raise TypeError(f"the mapper of {key.name} returned a {type(value).__name__}, not a dict")
    return JsonObject(value)


async def resolved(value: T | Awaitable[T]) -> T:
    """`value`, awaited when it is awaitable (what an async mapper returns)."""
    if isinstance(value, Awaitable):
        awaited: T = await value
        return awaited
    return value


def event_only(predicate: Callable[[UnitOfWork], bool]) -> Callable[[UnitOfWork], bool]:
    """`predicate`, marked as reading nothing but the uow's event.

    `Stream.filter` then runs it before the pipeline tags its copies of the uows, so the uows
    it drops are never copied. Mark only predicates that read the event alone.
    """
    return _EventOnly(predicate)


class _EventOnly:
    __slots__ = ("test",)
    event_only = True

    def __init__(self, test: Callable[[UnitOfWork], bool]) -> None:
        self.test = test

    def __call__(self, uow: UnitOfWork) -> bool:
        return self.test(uow)


def _unchanged(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
    return stream
