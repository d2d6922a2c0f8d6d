"""Reading from S3: get an object, read its metadata, list a bucket, split an object by line."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._call import call_each
from lambda_stream.sources.s3 import GET_REQUEST, GET_RESPONSE
from lambda_stream.stream import Stream

__all__ = [
    "GET_REQUEST",
    "GET_RESPONSE",
    "HEAD_REQUEST",
    "HEAD_RESPONSE",
    "LIST_OBJECTS_REQUEST",
    "LIST_OBJECTS_RESPONSE",
    "get_object_from_s3",
    "head_s3_object",
    "list_objects_from_s3",
    "split_s3_object",
]

HEAD_REQUEST: Key[JsonObject] = Key("headRequest")
"""The ``HeadObject`` parameters (``Key``; ``Bucket`` defaults to the option)."""
HEAD_RESPONSE: Key[JsonObject] = Key("headResponse")
"""The object's metadata."""
LIST_OBJECTS_REQUEST: Key[JsonObject] = Key("listRequest")
"""The ``ListObjectsV2`` parameters (``Prefix``, ...; ``Bucket`` defaults to the option)."""
LIST_OBJECTS_RESPONSE: Key[JsonObject] = Key("listResponse")
"""A listed page without its ``Contents``, and ``Content``: the one object of the uow."""

Step = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]

# getRequest takes what S3Port.get_object takes; a VersionId or Range silently dropped would
# read another object than the one asked for.
_GET_PARAMETERS = frozenset({"Bucket", "Key"})


def get_object_from_s3(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = GET_REQUEST,
    response: Key[JsonObject] = GET_RESPONSE,
    parallel: int | None = None,
) -> Step:
    """A step reading each uow's object (the JS library's ``getObjectFromS3``).

    ``getRequest`` (``{Bucket?, Key}``, ``Bucket`` defaulting to ``BUCKET_NAME``) in;
    ``getResponse``, S3's answer with the ``Body`` as text, out. A uow without a request
    passes through untouched. A missing object is a fault of its uow (`NoSuchKey`, not
    retryable); a body that is not UTF-8 too; a throttled read is a retryable fault.

    Args:
        options: the function's options (``BUCKET_NAME``, ``S3_PARALLEL``, ``PARALLEL``).
        port: the S3 connector.
        bucket_name: the default bucket; ``options.bucket_name`` when None.
        request: where the request is in the uow.
        response: where the answer goes.
        parallel: reads in flight.
    """
    bucket = bucket_name or options.bucket_name

    async def get(sent: JsonObject) -> JsonObject:
        unknown = sorted(set(sent) - _GET_PARAMETERS)
        if unknown:
            raise ValueError(f"get_object_from_s3 reads Bucket and Key only, got {unknown}")
        where = sent.get_str("Bucket") or bucket
        if not where:
            raise ValueError("getRequest names no Bucket, and neither BUCKET_NAME nor bucket_name")
        stored = await port.get_object(Bucket=where, Key=sent.get_str("Key") or "")
        return stored.response.set("Body", stored.text())

    return call_each(
        request=request, response=response, call=get, parallel=parallel or _parallel(options)
    )


def head_s3_object(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = HEAD_REQUEST,
    response: Key[JsonObject] = HEAD_RESPONSE,
    parallel: int | None = None,
) -> Step:
    """A step reading each uow's object metadata (the JS library's ``headS3Object``).

    ``headRequest`` in, ``headResponse`` out; otherwise as `get_object_from_s3`.
    """
    bucket = bucket_name or options.bucket_name

    async def head(sent: JsonObject) -> JsonObject:
        return await port.head_object(_with_bucket(sent, bucket))

    return call_each(
        request=request, response=response, call=head, parallel=parallel or _parallel(options)
    )


def list_objects_from_s3(
    options: Options,
    port: S3Port,
    *,
    bucket_name: str | None = None,
    request: Key[JsonObject] = LIST_OBJECTS_REQUEST,
    response: Key[JsonObject] = LIST_OBJECTS_RESPONSE,
    parallel: int | None = None,
) -> Step:
    """A step listing the objects each uow asks for, one uow per object (``pageObjectsFromS3``).

    Pages are followed through ``NextContinuationToken``. Each object's uow carries
    ``listRequest`` (the parameters of the page it came in, ``ContinuationToken`` included)
    and ``listResponse`` (that page without ``Contents``, plus ``Content``: the object). A
    uow without a request passes through untouched; a listing of nothing yields no uow.
    A page that cannot be read is a fault of the uow; the objects of the pages before it
    have gone on already. A uow's listing is held in memory until its last page is read.
    """
    bucket = bucket_name or options.bucket_name

    async def pages(uow: UnitOfWork) -> tuple[UnitOfWork, ...]:
        sent = uow.get(request)
        if sent is None:
            return (uow,)
        out: list[UnitOfWork] = []
        params = _with_bucket(sent, bucket)
        while True:
            page = await port.list_objects(params)
            rest = page.remove("Contents")
            for content in _contents(page):
                out.append(uow.set(request, params).set(response, rest.set("Content", content)))
            token = page.get_str("NextContinuationToken")
            if page.get("IsTruncated") is not True or not token:
                return tuple(out)
            params = params.set("ContinuationToken", token)

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.map_async(pages, parallel=parallel or _parallel(options)).flat_map(_each)

    return step


def split_s3_object(*, delimiter: str = "\n", response: Key[JsonObject] = GET_RESPONSE) -> Step:
    r"""A step splitting each uow's object into one uow per non-empty line (``splitS3Object``).

    Each line's uow has ``getResponse`` = the read response without ``Body``, plus ``line``.
    A uow without a response (or without a ``Body``) passes through untouched.

    >>> from lambda_stream.testing import collect
    >>> read = UnitOfWork(record=None).set(GET_RESPONSE, JsonObject({"Body": "a\n\nb\n"}))
    >>> [uow[GET_RESPONSE]["line"] for uow in collect(Stream.of([read]).through(split_s3_object()))]
    ['a', 'b']
    """

    def lines(uow: UnitOfWork) -> Iterable[UnitOfWork]:
        read = uow.get(response)
        body = read.get("Body") if read is not None else None
        if read is None or not isinstance(body, str | bytes):
            return (uow,)
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        rest = read.remove("Body")
        return [uow.set(response, rest.set("line", line)) for line in text.split(delimiter) if line]

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.flat_map(lines)

    return step


def _with_bucket(sent: JsonObject, bucket: str | None) -> JsonObject:
    return sent if bucket is None or "Bucket" in sent else sent.set("Bucket", bucket)


def _contents(page: JsonObject) -> JsonArray:
    contents = page.get("Contents")  # S3 leaves it out when nothing is listed
    return contents if isinstance(contents, JsonArray) else JsonArray()


def _each(items: tuple[UnitOfWork, ...]) -> Iterable[UnitOfWork | Fault]:
    return items


def _parallel(options: Options) -> int:
    return options.parallel_for("s3")
