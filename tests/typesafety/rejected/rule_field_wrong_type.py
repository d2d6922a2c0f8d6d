# expect: arg-type
"""A user rule given a mapper of the wrong signature."""

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


def to_row(event_type: str) -> str:
    return event_type.upper()


RULE = MaterializeRule(id="m1", event_type="thing-created", to_row=to_row)  # error here
