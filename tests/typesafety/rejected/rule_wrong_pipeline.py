# expect: list-item
"""A rule whose `pipeline` returns a stream, not a pipeline, handed to initialize_from."""

from dataclasses import dataclass

from lambda_stream import PipelineContext, Stream, UnitOfWork, initialize_from


@dataclass(frozen=True, kw_only=True)
class EchoRule:
    id: str

    def pipeline(self, context: PipelineContext) -> Stream[UnitOfWork]:
        return Stream[UnitOfWork].of([])


PIPELINES = initialize_from([EchoRule(id="echo")])  # error here
