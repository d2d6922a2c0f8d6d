"""Core records: Event, UnitOfWork, Fault, JSON values, options."""

from lambda_stream.core.context import LambdaContext
from lambda_stream.core.errors import InvocationError, RetryableError, is_retryable
from lambda_stream.core.event import Event, EventError
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import (
    FrozenJson,
    JsonArray,
    JsonObject,
    JsonScalar,
    JsonValue,
    dumps,
    freeze,
    thaw,
)
from lambda_stream.core.options import OptionArgs, Options, OptionsError, resolve_options
from lambda_stream.core.uow import Key, UnitOfWork

__all__ = [
    "Event",
    "EventError",
    "Fault",
    "FrozenJson",
    "InvocationError",
    "JsonArray",
    "JsonObject",
    "JsonScalar",
    "JsonValue",
    "Key",
    "LambdaContext",
    "OptionArgs",
    "Options",
    "OptionsError",
    "RetryableError",
    "UnitOfWork",
    "dumps",
    "freeze",
    "is_retryable",
    "resolve_options",
    "thaw",
]
