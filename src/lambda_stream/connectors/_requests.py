"""Requests as boto3 takes them: the JSON a step put in a uow, copied out as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from lambda_stream.core.json import JsonValue, thaw

__all__ = ["plain_request"]


def plain_request(request: Mapping[str, JsonValue], **defaults: JsonValue) -> dict[str, JsonValue]:
    """A plain ``dict`` copy of `request` for boto3, over `defaults` (the request's keys win).

    Frozen views cannot go to boto3 as they are: it type-checks its parameters against
    ``dict`` and ``list``.

    >>> plain_request({"Key": "k"}, Bucket="b")
    {'Bucket': 'b', 'Key': 'k'}
    """
    copied = thaw(request)
    if not isinstance(copied, dict):
        raise TypeError(f"a request must be a JSON object, got {type(request).__name__}")
    # thaw copies JSON into plain dicts, lists and scalars: JSON values still
    return {**defaults, **cast(dict[str, JsonValue], copied)}
