"""Lambda: list the event source mappings each uow asks for."""

from __future__ import annotations

from collections.abc import Callable

from lambda_stream.connectors.lambda_ import LambdaPort
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._call import call_each
from lambda_stream.stream import Stream

__all__ = ["ESM_LIST_REQUEST", "ESM_LIST_RESPONSE", "list_event_source_mappings"]

ESM_LIST_REQUEST: Key[JsonObject] = Key("listRequest")
"""``ListEventSourceMappings`` parameters (``FunctionName``, ``EventSourceArn``, ...), and
``region``, the region to list in."""
ESM_LIST_RESPONSE: Key[JsonObject] = Key("listResponse")
"""Lambda's answer: ``EventSourceMappings`` and, when there are more, ``NextMarker``."""


def list_event_source_mappings(
    options: Options,
    port: LambdaPort,
    *,
    request: Key[JsonObject] = ESM_LIST_REQUEST,
    response: Key[JsonObject] = ESM_LIST_RESPONSE,
    parallel: int = 1,
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """A step listing event source mappings per uow (the JS library's listEventSourceMappings).

    The request's ``region`` (the options' region when absent) picks the region and is not
    sent; the answer is one page, as Lambda gives it. A uow without a request passes through
    untouched; a failed call is a fault of its uow, retryable when the error is.

    Args:
        options: the function's options.
        port: the Lambda connector.
        request: where the request is in the uow.
        response: where the answer goes.
        parallel: calls in flight (control-plane calls, with low rate limits).
    """

    async def call(sent: JsonObject) -> JsonObject:
        return await port.list_event_source_mappings(
            sent.remove("region"), region=sent.get_str("region")
        )

    return call_each(request=request, response=response, call=call, parallel=parallel)
