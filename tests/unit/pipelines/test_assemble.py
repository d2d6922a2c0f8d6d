"""initialize / initialize_from / assemble: one decoded batch, every pipeline, one merged output."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import cast

import pytest

from lambda_stream import (
    Event,
    Fault,
    InMemoryFaultPublisher,
    Key,
    Options,
    Pipeline,
    PipelineContext,
    PipelineFactory,
    Rule,
    Stream,
    UnitOfWork,
    from_kinesis,
    initialize,
    initialize_from,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.testing import collect, to_kinesis_records

OPTIONS = resolve_options({})
SEEN = Key[str]("seen")
RULE = Key[str]("rule")


def _batch(*types: str) -> dict[str, object]:
    events: list[dict[str, JsonValue]] = [
        {"id": f"e{n}", "type": event_type} for n, event_type in enumerate(types)
    ]
    return to_kinesis_records(events)


def _poisoned(*types: str) -> dict[str, object]:
    event = _batch(*types)
    records = cast(list[object], event["Records"])
    records.append({"eventID": "bad", "kinesis": {"sequenceNumber": "99", "data": "!!"}})
    return event


def _identity(context: PipelineContext) -> Pipeline:
    return lambda s: s


def _tagging(context: PipelineContext) -> Pipeline:
    return lambda s: s.map(lambda uow: uow.set(SEEN, context.id))


def _uows(items: list[UnitOfWork | Fault]) -> list[UnitOfWork]:
    return [item for item in items if isinstance(item, UnitOfWork)]


def _faults(items: list[UnitOfWork | Fault]) -> list[Fault]:
    return [item for item in items if isinstance(item, Fault)]


def _run(
    factories: dict[str, PipelineFactory], event: dict[str, object], options: Options = OPTIONS
) -> list[UnitOfWork | Fault]:
    return collect(initialize(factories, options).assemble(from_kinesis(event)))


def test_every_pipeline_is_enabled_by_default_in_order() -> None:
    pipelines = initialize({"b": _identity, "a": _identity}, OPTIONS)
    assert pipelines.enabled == ("b", "a")


def test_enabled_pipelines_restrict_the_pipelines_that_run() -> None:
    options = resolve_options({"ENABLED_PIPELINES": "a, c"})
    items = _run({"a": _identity, "b": _identity, "c": _identity}, _batch("t"), options)
    assert sorted(uow.pipeline or "" for uow in _uows(items)) == ["a", "c"]


def test_disabled_pipelines_do_not_run() -> None:
    options = resolve_options({"DISABLED_PIPELINES": "b"})
    items = _run({"a": _identity, "b": _identity}, _batch("t"), options)
    assert [uow.pipeline for uow in _uows(items)] == ["a"]


def test_disabled_wins_over_enabled() -> None:
    options = resolve_options(enabled_pipelines=("a", "b"), disabled_pipelines=("b",))
    assert initialize({"a": _identity, "b": _identity}, options).enabled == ("a",)


def test_each_pipeline_sees_every_uow_with_its_own_id() -> None:
    items = _run({"x": _identity, "y": _identity}, _batch("t1", "t2", "t3"))
    seen = Counter((uow.pipeline, uow.event.id if uow.event else None) for uow in _uows(items))
    assert seen == Counter((pid, f"e{n}") for pid in ("x", "y") for n in range(3))


def test_a_pipeline_gets_its_context() -> None:
    contexts: list[PipelineContext] = []

    def factory(context: PipelineContext) -> Pipeline:
        contexts.append(context)
        return lambda s: s

    _run({"one": factory}, _batch("t"))
    assert [(c.id, c.options, c.logger.name) for c in contexts] == [
        ("one", OPTIONS, "lambda_stream.pl.one")
    ]


def test_the_outputs_of_all_pipelines_are_merged() -> None:
    def created(context: PipelineContext) -> Pipeline:
        return lambda s: s.filter(lambda uow: uow.event is not None and uow.event.type == "c")

    items = _run({"created": created, "all": _tagging}, _batch("c", "u", "c"))
    assert Counter(uow.pipeline for uow in _uows(items)) == {"created": 2, "all": 3}


def test_head_faults_come_out_once_not_once_per_pipeline() -> None:
    items = _run({"a": _identity, "b": _identity, "c": _identity}, _poisoned("t"))
    assert [fault.uows[0].record for fault in _faults(items)] == [
        {"eventID": "bad", "kinesis": {"sequenceNumber": "99", "data": "!!"}}
    ]


def test_head_faults_belong_to_no_pipeline() -> None:
    items = _run({"a": _identity}, _poisoned("t"))
    assert [fault.pipeline for fault in _faults(items)] == [None]


def test_the_head_is_decoded_once_for_all_pipelines() -> None:
    decoded: list[str] = []

    def count(uow: UnitOfWork) -> UnitOfWork:
        decoded.append(uow.event.id if uow.event else "?")
        return uow

    head = from_kinesis(_batch("t1", "t2")).map(count)
    collect(initialize({"a": _identity, "b": _identity, "c": _identity}, OPTIONS).assemble(head))
    assert decoded == ["e0", "e1"]


def test_a_factory_returning_no_stream_raises_naming_the_pipeline() -> None:
    def broken(context: PipelineContext) -> Pipeline:
        return cast(Pipeline, lambda s: [s])

    with pytest.raises(TypeError, match="pipeline 'broken' returned list, not a Stream"):
        initialize({"broken": broken}, OPTIONS).invoke(from_kinesis(_batch("t")))


def test_an_empty_pipeline_id_is_rejected() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        initialize({"": _identity}, OPTIONS)


def test_a_factory_that_is_not_callable_is_rejected() -> None:
    factories = cast(dict[str, PipelineFactory], {"p": "not a factory"})
    with pytest.raises(TypeError, match="pipeline 'p' is not a pipeline factory"):
        initialize(factories, OPTIONS)


def test_initialize_reads_the_environment_when_no_options_are_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISABLED_PIPELINES", "off")
    assert initialize({"on": _identity, "off": _identity}).enabled == ("on",)


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRule:
    id: str
    event_type: str
    value: str

    def pipeline(self, context: PipelineContext) -> Pipeline:
        return lambda s: s.filter(self._wanted).map(lambda uow: uow.set(RULE, self.value))

    def _wanted(self, uow: UnitOfWork) -> bool:
        return uow.event is not None and uow.event.type == self.event_type


@dataclass(frozen=True, slots=True, kw_only=True)
class EveryRule:
    id: str

    def pipeline(self, context: PipelineContext) -> Pipeline:
        return lambda s: s.map(lambda uow: uow.set(RULE, context.id))


def test_initialize_from_builds_one_pipeline_per_rule() -> None:
    rules: list[Rule] = [TypeRule(id="r1", event_type="c", value="one"), EveryRule(id="r2")]
    pipelines = initialize_from(rules, OPTIONS)
    assert pipelines.enabled == ("r1", "r2")


def test_a_rule_configures_its_pipeline() -> None:
    rules = [
        TypeRule(id="r1", event_type="c", value="one"),
        TypeRule(id="r2", event_type="u", value="two"),
    ]
    items = collect(initialize_from(rules, OPTIONS).assemble(from_kinesis(_batch("c", "u", "x"))))
    assert sorted((uow.pipeline, uow[RULE]) for uow in _uows(items)) == [
        ("r1", "one"),
        ("r2", "two"),
    ]


def test_rule_ids_must_be_unique() -> None:
    rules: list[Rule] = [EveryRule(id="same"), TypeRule(id="same", event_type="c", value="v")]
    with pytest.raises(ValueError, match="two rules have the id 'same'"):
        initialize_from(rules, OPTIONS)


def test_initialize_from_passes_the_publisher_on() -> None:
    publisher = InMemoryFaultPublisher()
    assert initialize_from([EveryRule(id="r")], OPTIONS, publisher=publisher).publisher is publisher


def test_merged_pipelines_interleave() -> None:
    """A pipeline blocked until another one has made progress must not stall the batch."""
    released = asyncio.Event()

    async def wait(uow: UnitOfWork) -> UnitOfWork:
        await released.wait()
        return uow

    async def release(uow: UnitOfWork) -> UnitOfWork:
        released.set()
        return uow

    pipelines = initialize(
        {
            "waiter": lambda c: lambda s: s.map_async(wait),
            "releaser": lambda c: lambda s: s.map_async(release),
        },
        OPTIONS,
    )

    async def run() -> list[UnitOfWork]:
        # The timeout only turns a deadlock (pipelines drained one after the other) into a failure.
        invocation = await asyncio.wait_for(
            pipelines.invoke_async(from_kinesis(_batch("a", "b"))), 30
        )
        return list(invocation.uows)

    assert Counter(uow.pipeline for uow in asyncio.run(run())) == {"waiter": 2, "releaser": 2}


def test_handle_returns_the_lambda_response() -> None:
    options = resolve_options({}, partial_batch_response=True)
    assert initialize({"a": _identity}, options).handle(from_kinesis(_batch("t"))) == {
        "batchItemFailures": []
    }


def test_invoke_returns_what_the_pipelines_let_out() -> None:
    invocation = initialize({"a": _tagging}, OPTIONS).invoke(from_kinesis(_batch("t1", "t2")))
    assert [(uow.pipeline, uow[SEEN]) for uow in invocation.uows] == [("a", "a"), ("a", "a")]


def test_invoke_async_runs_on_the_running_loop() -> None:
    pipelines = initialize({"a": _identity}, OPTIONS)
    invocation = asyncio.run(pipelines.invoke_async(from_kinesis(_batch("t"))))
    assert [uow.event for uow in invocation.uows] == [Event(id="e0", type="t")]


def test_an_empty_batch_runs_no_uow_through() -> None:
    invocation = initialize({"a": _identity}, OPTIONS).invoke(from_kinesis({"Records": []}))
    assert (invocation.uows, invocation.faults) == ((), ())


def test_a_head_that_is_not_from_a_source_is_accepted() -> None:
    head = Stream.of([UnitOfWork(record=None, event=Event(id="1", type="t"))])
    assert [uow.pipeline for uow in initialize({"a": _identity}, OPTIONS).invoke(head).uows] == [
        "a"
    ]
