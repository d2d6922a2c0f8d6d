"""What a pipeline is built with."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from lambda_stream import Pipeline, PipelineContext, Stream, initialize, resolve_options
from lambda_stream.testing import collect


def _context() -> PipelineContext:
    return PipelineContext(id="p", options=resolve_options({}), logger=logging.getLogger("t"))


def test_a_pipeline_context_is_immutable() -> None:
    context = _context()
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.id = "other"  # type: ignore[misc]  # the point: a frozen field cannot be assigned


def test_a_pipeline_context_takes_keywords_only() -> None:
    with pytest.raises(TypeError, match="positional"):
        PipelineContext("p", resolve_options({}), logging.getLogger("t"))  # type: ignore[call-arg]  # the point: positional arguments are refused


def test_pipeline_contexts_compare_by_value() -> None:
    assert _context() == _context()


def test_the_pipelines_of_an_invocation_share_one_cache_and_the_next_starts_empty() -> None:
    seen: list[tuple[str, object]] = []

    def remembering(context: PipelineContext) -> Pipeline:
        seen.append((context.id, context.cache))
        context.cache[context.id] = True
        return lambda s: s

    pipelines = initialize({"a": remembering, "b": remembering}, resolve_options({}))
    for _ in range(2):
        collect(pipelines.assemble(Stream.of([])))
    assert [pipeline for pipeline, _ in seen] == ["a", "b", "a", "b"]
    first, same, second = seen[0][1], seen[1][1], seen[2][1]
    assert first is same
    assert first == {"a": True, "b": True}
    assert second is not first
