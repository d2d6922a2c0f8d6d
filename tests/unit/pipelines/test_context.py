"""What a pipeline is built with."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from lambda_stream import PipelineContext, resolve_options


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
