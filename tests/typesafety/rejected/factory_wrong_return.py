# expect: dict-item
"""A pipeline factory whose pipeline yields Events, not uows, passed to initialize."""

from collections.abc import Callable

from lambda_stream import Event, PipelineContext, Stream, UnitOfWork, initialize


def events_only(context: PipelineContext) -> Callable[[Stream[UnitOfWork]], Stream[Event]]:
    return lambda s: s.map(lambda uow: Event(id="1", type="x"))


PIPELINES = initialize({"events": events_only})  # error here
