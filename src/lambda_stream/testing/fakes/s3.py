"""An in-memory S3 port."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from urllib.parse import unquote

from lambda_stream.connectors._requests import plain_request
from lambda_stream.connectors.s3 import NoSuchKey, S3Object
from lambda_stream.core.json import JsonObject, JsonValue

__all__ = ["InMemoryS3", "NoSuchKey"]

_PAGE = 1_000


class InMemoryS3:
    """An `S3Port` over a dict: objects put by the test or by the code under test.

    Every call is recorded in `calls` as ``(method, request)``. `fail(method, request)` may
    return an exception for a call to raise instead of answering (a throttle, say).

    >>> import asyncio
    >>> s3 = InMemoryS3()
    >>> s3.put("bucket", "key", b'{"id": "1"}')
    >>> asyncio.run(s3.get_object(Bucket="bucket", Key="key")).text(), s3.calls
    ('{"id": "1"}', [('get_object', {'Bucket': 'bucket', 'Key': 'key'})])
    """

    def __init__(
        self, *, fail: Callable[[str, Mapping[str, object]], BaseException | None] | None = None
    ) -> None:
        self.objects: dict[tuple[str, str], S3Object] = {}
        self.calls: list[tuple[str, dict[str, JsonValue]]] = []
        self.fail = fail

    def put(
        self, bucket: str, key: str, body: bytes | str, content_type: str = "application/json"
    ) -> None:
        """Store an object (not recorded as a call)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.objects[(bucket, key)] = S3Object(body=data, response=_type(content_type))

    def _called(self, method: str, request: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
        plain = plain_request(request)
        self.calls.append((method, plain))
        error = self.fail(method, plain) if self.fail is not None else None
        if error is not None:
            raise error
        return plain

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        """The stored object; `NoSuchKey` when there is none."""
        self._called("get_object", {"Bucket": Bucket, "Key": Key})
        found = self.objects.get((Bucket, Key))
        if found is None:
            raise NoSuchKey(Bucket, Key)
        return found

    async def put_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Store ``Body`` under ``Bucket``/``Key``; the answer carries its ``ETag``."""
        params = self._called("put_object", request)
        body = params.get("Body", b"")
        data = body.encode("utf-8") if isinstance(body, str) else body
        if not isinstance(data, bytes):
            raise TypeError(f"Body must be text or bytes, got {type(body).__name__}")
        bucket, key = _location(params)
        content_type = str(params.get("ContentType", "binary/octet-stream"))
        self.objects[(bucket, key)] = S3Object(body=data, response=_type(content_type))
        return JsonObject({"ETag": _etag(data)})

    async def head_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """The object's metadata; `NoSuchKey` when there is none."""
        bucket, key = _location(self._called("head_object", request))
        found = self.objects.get((bucket, key))
        if found is None:
            raise NoSuchKey(bucket, key)
        return found.response.update({"ContentLength": len(found.body), "ETag": _etag(found.body)})

    async def list_objects(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """A ``ListObjectsV2`` page: keys in order, ``Prefix``, ``MaxKeys``, continuation."""
        params = self._called("list_objects", request)
        bucket = _required(params, "Bucket")
        prefix = str(params.get("Prefix", ""))
        after = str(params.get("ContinuationToken") or params.get("StartAfter") or "")
        size = params.get("MaxKeys", _PAGE)
        limit = size if isinstance(size, int) else _PAGE
        keys = sorted(k for b, k in self.objects if b == bucket and k.startswith(prefix))
        keys = [k for k in keys if k > after]
        page, truncated = keys[:limit], len(keys) > limit
        answer: dict[str, JsonValue] = {
            "Name": bucket,
            "Prefix": prefix,
            "KeyCount": len(page),
            "MaxKeys": limit,
            "IsTruncated": truncated,
            "Contents": [_summary(k, self.objects[(bucket, k)].body) for k in page],
        }
        if truncated:
            answer["NextContinuationToken"] = page[-1]
        return JsonObject(answer)

    async def copy_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Copy ``CopySource`` (``bucket/key`` text or ``{Bucket, Key}``) to ``Bucket``/``Key``."""
        params = self._called("copy_object", request)
        source = params.get("CopySource")
        if isinstance(source, dict):
            from_bucket, from_key = str(source.get("Bucket")), str(source.get("Key"))
        else:
            from_bucket, _, from_key = unquote(str(source)).lstrip("/").partition("/")
        found = self.objects.get((from_bucket, from_key))
        if found is None:
            raise NoSuchKey(from_bucket, from_key)
        self.objects[_location(params)] = found
        return JsonObject({"CopyObjectResult": {"ETag": _etag(found.body)}})

    async def delete_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Forget the object (a missing one too, as S3 does)."""
        self.objects.pop(_location(self._called("delete_object", request)), None)
        return JsonObject()


def _required(params: Mapping[str, object], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"Missing required parameter {name!r}")
    return value


def _location(params: Mapping[str, object]) -> tuple[str, str]:
    return _required(params, "Bucket"), _required(params, "Key")


def _etag(data: bytes) -> str:
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'


def _type(content_type: str) -> JsonObject:
    return JsonObject({"ContentType": content_type})


def _summary(key: str, data: bytes) -> dict[str, JsonValue]:
    return {"Key": key, "Size": len(data), "ETag": _etag(data)}
