"""Lambda: invoke a function per uow, and create, update or delete event source mappings."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from lambda_stream.connectors.lambda_ import LambdaPort
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks._call import call_each

__all__ = [
    "ESM_CREATE_REQUEST",
    "ESM_CREATE_RESPONSE",
    "ESM_DELETE_REQUEST",
    "ESM_DELETE_RESPONSE",
    "ESM_UPDATE_REQUEST",
    "ESM_UPDATE_RESPONSE",
    "INVOKE_REQUEST",
    "INVOKE_RESPONSE",
    "LambdaFunctionError",
    "create_event_source_mapping",
    "delete_event_source_mapping",
    "invoke_lambda",
    "update_event_source_mapping",
]

INVOKE_REQUEST: Key[JsonObject] = Key("invokeRequest")
"""The ``Invoke`` parameters: ``FunctionName``, ``Payload`` (text, or a JSON value), ..."""
INVOKE_RESPONSE: Key[JsonObject] = Key("invokeResponse")
"""Lambda's answer: ``StatusCode``, ``Payload`` as text, ``FunctionError`` when it failed."""
ESM_CREATE_REQUEST: Key[JsonObject] = Key("createRequest")
"""``CreateEventSourceMapping`` parameters, and ``region``, the mapping's region."""
ESM_CREATE_RESPONSE: Key[JsonObject] = Key("createResponse")
"""The mapping created."""
ESM_UPDATE_REQUEST: Key[JsonObject] = Key("updateRequest")
"""``UpdateEventSourceMapping`` parameters (``UUID``, ...), and ``region``."""
ESM_UPDATE_RESPONSE: Key[JsonObject] = Key("updateResponse")
"""The mapping updated."""
ESM_DELETE_REQUEST: Key[JsonObject] = Key("deleteRequest")
"""``DeleteEventSourceMapping`` parameters (``UUID``), and ``region``."""
ESM_DELETE_RESPONSE: Key[JsonObject] = Key("deleteResponse")
"""The mapping being deleted."""


class LambdaFunctionError(RuntimeError):
    """The function ran and failed (the answer carries ``FunctionError``)."""


def invoke_lambda(
    options: Options,
    port: LambdaPort,
    *,
    request: Key[JsonObject] = INVOKE_REQUEST,
    response: Key[JsonObject] = INVOKE_RESPONSE,
    parallel: int | None = None,
) -> Sink:
    """A sink invoking a function per uow (the JS library's ``invokeLambda``).

    Each uow's ``invokeRequest`` goes out as ``Invoke``; the answer is kept as
    ``invokeResponse``. A function that ran and failed (``FunctionError`` in the answer) is a
    fault of its uow, `LambdaFunctionError`, carrying the answer; the JS library takes it for
    a success. A call that failed with throttling, a 5xx or a timeout (after the SDK's
    retries) is a retryable fault. A uow without a request passes through untouched, in
    place; the uows keep their order.

    Args:
        options: the function's options (``LAMBDA_PARALLEL``, ``PARALLEL``).
        port: the Lambda connector.
        request: where the request is in the uow.
        response: where the answer goes.
        parallel: invocations in flight.
    """
    return call_each(
        request=request,
        response=response,
        call=port.invoke,
        parallel=parallel or options.parallel_for("lambda"),
        check=_function_error,
    )


def create_event_source_mapping(
    options: Options,
    port: LambdaPort,
    *,
    request: Key[JsonObject] = ESM_CREATE_REQUEST,
    response: Key[JsonObject] = ESM_CREATE_RESPONSE,
    parallel: int = 1,
) -> Sink:
    """A sink creating the event source mapping each uow asks for (``createEventSourceMapping``).

    The request's ``region`` (the options' region when absent) picks the region and is not
    sent. One call at a time unless `parallel` says otherwise: these are control-plane calls,
    with low rate limits. Otherwise as `invoke_lambda`.
    """
    return _mapping(port.create_event_source_mapping, request, response, parallel)


def update_event_source_mapping(
    options: Options,
    port: LambdaPort,
    *,
    request: Key[JsonObject] = ESM_UPDATE_REQUEST,
    response: Key[JsonObject] = ESM_UPDATE_RESPONSE,
    parallel: int = 1,
) -> Sink:
    """A sink updating an event source mapping per uow (``updateEventSourceMapping``).

    As `create_event_source_mapping`.
    """
    return _mapping(port.update_event_source_mapping, request, response, parallel)


def delete_event_source_mapping(
    options: Options,
    port: LambdaPort,
    *,
    request: Key[JsonObject] = ESM_DELETE_REQUEST,
    response: Key[JsonObject] = ESM_DELETE_RESPONSE,
    parallel: int = 1,
) -> Sink:
    """A sink deleting an event source mapping per uow (``deleteEventSourceMapping``).

    As `create_event_source_mapping`.
    """
    return _mapping(port.delete_event_source_mapping, request, response, parallel)


def _regional(
    send: Callable[..., Awaitable[JsonObject]],
) -> Callable[[JsonObject], Awaitable[JsonObject]]:
    """A call of `send` with the request minus its ``region``, in that region."""

    async def call(sent: JsonObject) -> JsonObject:
        return await send(sent.remove("region"), region=sent.get_str("region"))

    return call


def _mapping(
    send: Callable[..., Awaitable[JsonObject]],
    request: Key[JsonObject],
    response: Key[JsonObject],
    parallel: int,
) -> Sink:
    return call_each(request=request, response=response, call=_regional(send), parallel=parallel)


def _function_error(sent: JsonObject, answer: JsonObject) -> Exception | None:
    kind = answer.get_str("FunctionError")
    if not kind:
        return None
    function = sent.get_str("FunctionName") or "the function"
    return LambdaFunctionError(f"{function} failed ({kind}): {_error_message(answer)}")


def _error_message(answer: JsonObject) -> str:
    payload = answer.get("Payload")
    text = payload if isinstance(payload, str) else ""
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:500] or "no error payload"
    if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
        kind = parsed.get("errorType")
        message: str = parsed["errorMessage"]
        return f"{kind}: {message}" if isinstance(kind, str) else message
    return text[:500]
