# expect: call-arg
"""A user rule constructed without one of its required fields."""

from collections.abc import Callable
from dataclasses import dataclass

from lambda_stream import Pipeline, PipelineContext, UnitOfWork, on_event_type


@dataclass(frozen=True, kw_only=True)
class MaterializeRule:
    id: str
    event_type: str
    to_row: Callable[[UnitOfWork], UnitOfWork]

    def pipeline(self, context: PipelineContext) -> Pipeline:
        return lambda s: s.filter(on_event_type(self.event_type)).map(self.to_row)


RULE = MaterializeRule(id="m1", to_row=lambda uow: uow)  # error here
