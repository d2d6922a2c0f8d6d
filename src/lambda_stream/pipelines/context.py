"""What a pipeline is, and what it is built from."""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

from lambda_stream.connectors.ports import Ports
from lambda_stream.core.options import Options
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.stream import Stream

__all__ = ["Pipeline", "PipelineContext", "PipelineFactory", "Rule"]

Pipeline: TypeAlias = Callable[
    [
        Stream[UnitOfWork],
    ],
    Stream[UnitOfWork],
]
"""A pipeline: every uow of the batch in, what it made of them out."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineContext:
    """What a pipeline is built with, once per invocation.

    Attributes:
        id: the pipeline's id; every uow it sees has ``pipeline`` set to it.
        options: the function's resolved options.
        logger: the pipeline's logger, ``lambda_stream.pl.<id>``.
        cache: a cache the queries of this invocation share (all its pipelines, nothing else):
            what one pipeline read, another need not read again; the next invocation starts
            empty, so no read outlives the batch it was made for.
        ports: the function's connectors (``ports.dynamodb``, ``ports.eventbridge``, ...).
    """

    id: str
    options: Options
    logger: logging.Logger
    cache: MutableMapping[str, object] = field(default_factory=dict, compare=False)
    ports: Ports = field(default_factory=Ports, compare=False)


PipelineFactory: TypeAlias = Callable[[PipelineContext], Pipeline]
"""Builds a pipeline for one invocation."""


class Rule(Protocol):
    """A typed rule: an id and the pipeline it configures (its flavor)."""

    @property
    def id(self) -> str:
        """The id of the pipeline built from this rule."""
        ...

    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The pipeline this rule configures."""
        ...
