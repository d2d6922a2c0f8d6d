"""``initialize`` / ``initialize_from`` / ``assemble``: one batch, several pipelines, one tail."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from lambda_stream.connectors.ports import Ports
from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.context import LambdaContext
from lambda_stream.core.fault import Fault
from lambda_stream.core.options import Options, resolve_options
from lambda_stream.core.uow import UnitOfWork
from lambda_stream.faults.eventbridge import default_fault_publisher
from lambda_stream.faults.publisher import FaultPublisher
from lambda_stream.pipelines.context import PipelineContext, PipelineFactory, Rule
from lambda_stream.pipelines.debug import pipeline_logger
from lambda_stream.runtime.firehose import FirehoseResponse, firehose_response
from lambda_stream.runtime.handler import Invocation, LambdaResponse, invoke, invoke_async
from lambda_stream.sources.firehose import from_firehose
from lambda_stream.stream import Stream
from lambda_stream.stream._ops import TagOp

__all__ = ["Pipelines", "initialize", "initialize_from"]


class Pipelines:
    """The pipelines of a function, ready to run batch after batch.

    Build it once, at import time (it holds no per-invocation state); call `handle` from the
    Lambda handler.
    """

    def __init__(
        self,
        factories: Mapping[str, PipelineFactory],
        options: Options,
        publisher: FaultPublisher | None,
        ports: Ports | None = None,
    ) -> None:
        self.factories = dict(factories)
        self.options = options
        self.publisher = publisher
        self.ports = ports or Ports(options)

    @property
    def enabled(self) -> tuple[str, ...]:
        """The ids of the pipelines that run, after ENABLED_PIPELINES / DISABLED_PIPELINES."""
        return tuple(pid for pid in self.factories if self.options.pipeline_enabled(pid))

    def assemble(self, head: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        """Every pipeline's output and every fault, merged; the head is decoded once.

        Each pipeline sees every uow of the head, with ``pipeline`` set to its id; the faults of
        the head itself (records that could not be decoded) come out once, before the rest.
        """

        async def fan_out() -> Stream[UnitOfWork]:
            items = await head.collect()
            faults = [item for item in items if isinstance(item, Fault)]
            uows = tuple(item for item in items if not isinstance(item, Fault))
            cache: dict[str, object] = {}  # one per invocation, shared by its pipelines
            lines = [self._line(pid, uows, cache) for pid in self.enabled]
            return Stream.merge(Stream[UnitOfWork].of(faults), *lines)

        return Stream.defer(fan_out)

    def _line(
        self, pipeline_id: str, uows: tuple[UnitOfWork, ...], cache: dict[str, object]
    ) -> Stream[UnitOfWork]:
        logger = pipeline_logger(pipeline_id, self.options.debug)
        context = PipelineContext(
            id=pipeline_id, options=self.options, logger=logger, cache=cache, ports=self.ports
        )
        pipeline = self.factories[pipeline_id](context)
        feed = _feed(uows, pipeline_id)
        debugging = logger.isEnabledFor(logging.DEBUG)
        if debugging:  # no tap at all otherwise: disabled logging costs nothing per uow
            feed = feed.tap(lambda uow: _log_uow(logger, "start", uow))
        out = pipeline(feed)
        if not isinstance(out, Stream):
            raise TypeError(f"pipeline {pipeline_id!r} returned {type(out).__name__}, not a Stream")
        return out.tap(lambda uow: _log_uow(logger, "end", uow)) if debugging else out

    async def invoke_async(
        self, head: Stream[UnitOfWork], context: LambdaContext | None = None
    ) -> Invocation:
        """Run one batch on the running event loop (see `invoke`)."""
        return await invoke_async(
            self.assemble(head), options=self.options, publisher=self.publisher, context=context
        )

    def invoke(self, head: Stream[UnitOfWork], context: LambdaContext | None = None) -> Invocation:
        """Run one batch on a fresh event loop: the uows, faults and the Lambda response.

        Raises:
            InvocationError: the batch must be retried (see `runtime.handler.invoke`).
        """
        return invoke(
            self.assemble(head), options=self.options, publisher=self.publisher, context=context
        )

    def handle(
        self, head: Stream[UnitOfWork], context: LambdaContext | None = None
    ) -> LambdaResponse:
        """Run one batch and return what the Lambda handler returns; raises to fail it."""
        return self.invoke(head, context).response

    def handle_firehose(
        self,
        event: Mapping[str, object],
        context: LambdaContext | None = None,
        *,
        s3: S3Port | None = None,
    ) -> FirehoseResponse:
        """Run a Firehose transformation and answer every record (see `firehose_response`).

        Firehose does not deliver a failed record again: a record whose work failed, even
        retryably, is answered ``ProcessingFailed`` and its fault event is published.
        """
        invocation = invoke(
            self.assemble(from_firehose(event, s3=s3)),
            options=self.options,
            publisher=self.publisher,
            context=context,
            redelivers=False,
        )
        return firehose_response(event, invocation)


def _feed(uows: tuple[UnitOfWork, ...], pipeline_id: str) -> Stream[UnitOfWork]:
    """The uows, each with ``pipeline`` set by a `TagOp` (which event-only filters may pass)."""
    tagged: Stream[UnitOfWork] = Stream.of(uows)._then(TagOp(pipeline_id))
    return tagged


def _log_uow(logger: logging.Logger, stage: str, uow: UnitOfWork) -> None:
    event = uow.event
    logger.debug(
        "%s type: %s, eid: %s", stage, event.type if event else None, event.id if event else None
    )


def initialize(
    pipelines: Mapping[str, PipelineFactory],
    options: Options | None = None,
    *,
    publisher: FaultPublisher | None = None,
    ports: Ports | None = None,
) -> Pipelines:
    """The function's pipelines, keyed by id, with its options and fault publisher.

    Args:
        pipelines: pipeline factories by pipeline id.
        options: resolved options; `resolve_options()` (the environment) when None.
        publisher: where fault events go; when None, the bus of ``BUS_NAME`` through
            ``ports.eventbridge``, and without a bus a batch with a fault fails (a fault is
            never lost).
        ports: the connectors the pipelines use (`PipelineContext.ports`); each is built from
            the options on first use when not given.
    """
    for pipeline_id, factory in pipelines.items():
        if not pipeline_id:
            raise ValueError(f"pipeline ids must be non-empty strings, got {pipeline_id!r}")
        if not callable(factory):
            raise TypeError(f"pipeline {pipeline_id!r} is not a pipeline factory: {factory!r}")
    resolved = options or resolve_options()
    connectors = ports or Ports(resolved)
    return Pipelines(
        pipelines, resolved, publisher or default_fault_publisher(resolved, connectors), connectors
    )


def initialize_from(
    rules: Iterable[Rule],
    options: Options | None = None,
    *,
    publisher: FaultPublisher | None = None,
    ports: Ports | None = None,
) -> Pipelines:
    """Pipelines built from typed rules: one per rule, keyed by the rule's id.

    Raises:
        ValueError: two rules share an id.
    """
    factories: dict[str, PipelineFactory] = {}
    for rule in rules:
        if rule.id in factories:
            raise ValueError(f"two rules have the id {rule.id!r}; rule ids must be unique")
        factories[rule.id] = rule.pipeline
    return initialize(factories, options, publisher=publisher, ports=ports)
