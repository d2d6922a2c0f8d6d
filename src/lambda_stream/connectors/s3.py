"""S3: put, get, head, list (V2, a page at a time), copy and delete objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import ClientError, ResponseStreamingError

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.errors import RetryableError
from lambda_stream.core.json import EMPTY_OBJECT, JsonObject, JsonValue

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["NoSuchKey", "S3Connector", "S3Object", "S3Port"]

# What S3 answers for a missing object: GetObject names the code, HeadObject (no body) only
# its status.
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class NoSuchKey(LookupError):
    """The object does not exist (S3 answered ``NoSuchKey``); retrying will not help."""

    def __init__(self, bucket: str, key: str) -> None:
        super().__init__(f"s3://{bucket}/{key} does not exist")
        self.bucket = bucket
        self.key = key


@dataclass(frozen=True, slots=True, kw_only=True)
class S3Object:
    """An object read in full.

    Attributes:
        body: the object's bytes.
        response: the rest of the response in S3's names (``ContentType``, ``ETag``, ...).
    """

    body: bytes
    response: JsonObject = field(default=EMPTY_OBJECT)

    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode("utf-8")


class S3Port(Protocol):
    """Reads and writes S3 objects.

    Requests are S3's own parameters (``Bucket``, ``Key``, ``Body``, ``CopySource``, ...);
    answers are S3's responses without their transport metadata, dates as ISO 8601 text.
    Every method raises when the call fails (after the SDK's own retries).
    """

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        """The object `Key` of `Bucket`, read in full; `NoSuchKey` when there is none."""
        ...

    async def put_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Store an object (``PutObject``: ``Bucket``, ``Key``, ``Body``, ...)."""
        ...

    async def head_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """An object's metadata (``HeadObject``); `NoSuchKey` when there is none."""
        ...

    async def list_objects(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """One page of ``ListObjectsV2``; the next starts at its ``NextContinuationToken``."""
        ...

    async def copy_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Copy an object (``CopyObject``: ``Bucket``, ``Key``, ``CopySource``, ...)."""
        ...

    async def delete_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Delete an object (``DeleteObject``); deleting a missing object succeeds."""
        ...


class S3Connector:
    """`S3Port` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self, connections: Connections | None = None, *, client: S3Client | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: S3Client = client or self.connections.session.client(
            "s3",
            config=self.connections.config("s3"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        """Read the object (see `S3Port.get_object`)."""
        return await self.connections.run(self._read, bucket=Bucket, key=Key)

    def _read(self, *, bucket: str, key: str) -> S3Object:
        # The body is read on the pool thread too: reading it is network IO.
        try:
            response = self.client.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise NoSuchKey(bucket, key) from error
            raise
        stream = response["Body"]
        try:
            body = stream.read()
        except ResponseStreamingError as error:  # the connection broke mid-body: transient
            raise RetryableError(f"s3://{bucket}/{key}: the body could not be read") from error
        finally:
            stream.close()
        rest = {name: value for name, value in response.items() if name != "Body"}
        return S3Object(body=body, response=frozen_response(rest))

    async def put_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Store the object (see `S3Port.put_object`)."""
        response = await self.connections.run(self.client.put_object, **plain_request(request))
        return frozen_response(response)

    async def head_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Read the metadata (see `S3Port.head_object`)."""
        params = plain_request(request)
        try:
            response = await self.connections.run(self.client.head_object, **params)
        except ClientError as error:
            if _is_missing(error):
                raise NoSuchKey(str(params.get("Bucket")), str(params.get("Key"))) from error
            raise
        return frozen_response(response)

    async def list_objects(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """List a page (see `S3Port.list_objects`)."""
        params = plain_request(request)
        response = await self.connections.run(self.client.list_objects_v2, **params)
        return frozen_response(response)

    async def copy_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Copy the object (see `S3Port.copy_object`)."""
        response = await self.connections.run(self.client.copy_object, **plain_request(request))
        return frozen_response(response)

    async def delete_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Delete the object (see `S3Port.delete_object`)."""
        params = plain_request(request)
        response = await self.connections.run(self.client.delete_object, **params)
        return frozen_response(response)


def _is_missing(error: ClientError) -> bool:
    """Whether S3 said the object does not exist."""
    return error.response.get("Error", {}).get("Code") in _MISSING
