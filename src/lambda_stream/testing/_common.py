"""Shared by the event builders: event payloads as JSON, the default region."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.core.options import configured_region
from lambda_stream.utils.compression import compressed_json

__all__: list[str] = []

DEFAULT_REGION = "us-west-2"
"""The region the JS helpers fall back to when ``AWS_REGION`` is unset."""

# The JS helpers serialise with compress()'s default threshold.
BUILDER_COMPRESSION_THRESHOLD = 10_240


def region(given: str | None) -> str:
    """`given`, else the configured region, else the JS helpers' default."""
    return given or configured_region() or DEFAULT_REGION


def payload(event: Event | Mapping[str, JsonValue]) -> str:
    """The JSON text a JS producer would write for `event`."""
    body = event.wire() if isinstance(event, Event) else event
    return compressed_json(body, threshold=BUILDER_COMPRESSION_THRESHOLD)
