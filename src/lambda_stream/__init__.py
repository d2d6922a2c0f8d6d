"""lambda-stream: strictly typed, functional AWS Lambda stream processors.

The names a handler needs; the subpackages hold the rest.
"""

from lambda_stream.core import (
    Event,
    EventError,
    Fault,
    FrozenJson,
    InvocationError,
    JsonArray,
    JsonObject,
    JsonValue,
    Key,
    LambdaContext,
    Options,
    OptionsError,
    RetryableError,
    UnitOfWork,
    freeze,
    resolve_options,
    thaw,
)
from lambda_stream.faults import FaultPublisher, FaultPublishError, InMemoryFaultPublisher
from lambda_stream.filters import on_content, on_event_type
from lambda_stream.pipelines import (
    Pipeline,
    PipelineContext,
    PipelineFactory,
    Pipelines,
    Rule,
    initialize,
    initialize_from,
)
from lambda_stream.runtime import Invocation, LambdaResponse, RetryableFailure
from lambda_stream.sources import from_kinesis
from lambda_stream.stream import Stream

__all__ = [
    "Event",
    "EventError",
    "Fault",
    "FaultPublishError",
    "FaultPublisher",
    "FrozenJson",
    "InMemoryFaultPublisher",
    "Invocation",
    "InvocationError",
    "JsonArray",
    "JsonObject",
    "JsonValue",
    "Key",
    "LambdaContext",
    "LambdaResponse",
    "Options",
    "OptionsError",
    "Pipeline",
    "PipelineContext",
    "PipelineFactory",
    "Pipelines",
    "RetryableError",
    "RetryableFailure",
    "Rule",
    "Stream",
    "UnitOfWork",
    "freeze",
    "from_kinesis",
    "initialize",
    "initialize_from",
    "on_content",
    "on_event_type",
    "resolve_options",
    "thaw",
]
