"""Pipelines: build them from factories or rules, run a batch through all of them."""

from lambda_stream.pipelines.assemble import Pipelines, initialize, initialize_from
from lambda_stream.pipelines.context import Pipeline, PipelineContext, PipelineFactory, Rule
from lambda_stream.pipelines.debug import debug_enabled

__all__ = [
    "Pipeline",
    "PipelineContext",
    "PipelineFactory",
    "Pipelines",
    "Rule",
    "debug_enabled",
    "initialize",
    "initialize_from",
]
