"""Writing to S3: put, delete and copy the object each uow asks for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks._call import call_each

__all__ = [
    "COPY_OBJECT_REQUEST",
    "COPY_OBJECT_RESPONSE",
    "DELETE_OBJECT_REQUEST",
    "DELETE_OBJECT_RESPONSE",
    "PUT_OBJECT_REQUEST",
    "PUT_OBJECT_RESPONSE",
    "copy_s3_object",
    "delete_object_from_s3",
    "put_object_to_s3",
]

PUT_OBJECT_REQUEST: Key[JsonObject] = Key("putRequest")
"""The ``PutObject`` parameters (``Key``, ``Body``, ...; ``Bucket`` defaults to the option)."""
PUT_OBJECT_RESPONSE: Key[JsonObject] = Key("putResponse")
"""S3's answer (``ETag``, ...)."""
DELETE_OBJECT_REQUEST: Key[JsonObject] = Key("deleteRequest")
"""The ``DeleteObject`` parameters (``Key``, ...; ``Bucket`` defaults to the option)."""
DELETE_OBJECT_RESPONSE: Key[JsonObject] = Key("deleteResponse")
"""S3's answer."""
COPY_OBJECT_REQUEST: Key[JsonObject] = Key("copyRequest")
"""The ``CopyObject`` parameters (``Key``, ``CopySource``, ...; ``Bucket`` defaults to the
option)."""
COPY_OBJECT_RESPONSE: Key[JsonObject] = Key("copyResponse")
"""S3's answer (``CopyObjectResult``, ...)."""

_Call = Callable[[JsonObject], Awaitable[JsonObject]]


def put_object_to_s3(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = PUT_OBJECT_REQUEST,
    response: Key[JsonObject] = PUT_OBJECT_RESPONSE,
    parallel: int | None = None,
) -> Sink:
    """A sink storing each uow's object (the JS library's ``putObjectToS3``).

    Each uow's ``putRequest`` goes out as ``PutObject`` with ``Bucket`` defaulting to
    `bucket_name` (``BUCKET_NAME``); S3's answer is kept as ``putResponse``. A uow without a
    request passes through untouched, in place; the order of the uows is kept. A call that
    failed with throttling, a 5xx or a timeout (after the SDK's retries) is a retryable fault
    of its uow; any other failure (no bucket, a bad request) is a fault of that uow only.

    >>> import asyncio
    >>> from lambda_stream import Stream, UnitOfWork, resolve_options
    >>> from lambda_stream.testing import InMemoryS3, collect
    >>> s3 = InMemoryS3()
    >>> uow = UnitOfWork(record=None).set(PUT_OBJECT_REQUEST, JsonObject({"Key": "k", "Body": "x"}))
    >>> sink = put_object_to_s3(resolve_options({}, bucket_name="b"), s3)
    >>> [done] = collect(Stream.of([uow]).through(sink))
    >>> s3.objects[("b", "k")].body, done[PUT_OBJECT_RESPONSE]["ETag"]
    (b'x', '"9dd4e461268c8034f5c8564e155c67a6"')

    Args:
        options: the function's options (``BUCKET_NAME``, ``S3_PARALLEL``, ``PARALLEL``).
        port: the S3 connector.
        bucket_name: the default bucket; ``options.bucket_name`` when None.
        request: where the request is in the uow.
        response: where the answer goes.
        parallel: calls in flight (``S3_PARALLEL``, ``PARALLEL``).
    """
    return _each(options, port.put_object, bucket_name, request, response, parallel)


def delete_object_from_s3(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = DELETE_OBJECT_REQUEST,
    response: Key[JsonObject] = DELETE_OBJECT_RESPONSE,
    parallel: int | None = None,
) -> Sink:
    """A sink deleting each uow's object (the JS library's ``deleteObjectFromS3``).

    ``deleteRequest`` in, ``deleteResponse`` out; otherwise as `put_object_to_s3`. Deleting
    an object that does not exist succeeds, as S3 says.
    """
    return _each(options, port.delete_object, bucket_name, request, response, parallel)


def copy_s3_object(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = COPY_OBJECT_REQUEST,
    response: Key[JsonObject] = COPY_OBJECT_RESPONSE,
    parallel: int | None = None,
) -> Sink:
    """A sink copying each uow's object (the JS library's ``copyS3Object``).

    ``copyRequest`` in (``CopySource`` names the source, ``Bucket`` and ``Key`` the copy),
    ``copyResponse`` out; otherwise as `put_object_to_s3`.
    """
    return _each(options, port.copy_object, bucket_name, request, response, parallel)


def _each(
    options: Options,
    send: _Call,
    bucket_name: str | None,
    request: Key[JsonObject],
    response: Key[JsonObject],
    parallel: int | None,
) -> Sink:
    bucket = bucket_name or options.bucket_name

    async def call(sent: JsonObject) -> JsonObject:
        # The uow keeps its request as given; the bucket is added to the call only (as JS).
        return await send(
            sent if bucket is None or "Bucket" in sent else sent.set("Bucket", bucket)
        )

    return call_each(
        request=request,
        response=response,
        call=call,
        parallel=parallel or options.parallel_for("s3"),
    )
