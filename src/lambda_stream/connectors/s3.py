"""S3: the port the library reads and writes objects through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from lambda_stream.core.json import EMPTY_OBJECT, JsonObject

__all__ = ["S3Object", "S3Port"]


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
    """Reads objects from S3 (the boto3 implementation comes with the connectors)."""

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        """The object `Key` of `Bucket`; raises when it cannot be read."""
        ...
