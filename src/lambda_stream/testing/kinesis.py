"""Kinesis events as Lambda delivers them, built from Events."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.testing._common import payload, region

__all__ = ["to_kinesis_records"]


def to_kinesis_records(
    events: Iterable[Event | Mapping[str, JsonValue]],
    approximate_arrival_timestamp: float | None = None,
    *,
    aws_region: str | None = None,
) -> dict[str, object]:
    """A Lambda Kinesis event with one record per event, shaped as the JS helper shapes it.

    >>> event = to_kinesis_records([{"id": "1", "type": "thing-created"}])
    >>> event["Records"][0]["kinesis"]["data"]
    'eyJpZCI6IjEiLCJ0eXBlIjoidGhpbmctY3JlYXRlZCJ9'
    """
    where = region(aws_region)
    out = []
    for index, event in enumerate(events):
        kinesis: dict[str, object] = {
            "sequenceNumber": str(index),
            "data": base64.b64encode(payload(event).encode("utf-8")).decode("ascii"),
        }
        if approximate_arrival_timestamp is not None:
            kinesis["approximateArrivalTimestamp"] = approximate_arrival_timestamp
        out.append(
            {
                "eventSource": "aws:kinesis",
                "eventID": f"shardId-000000000000:{index}",
                "awsRegion": where,
                "kinesis": kinesis,
            }
        )
    return {"Records": out}
