"""Firehose data-transformation invocations as Firehose makes them, built from Events."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.testing._common import payload, region

__all__ = ["to_firehose_records"]


def to_firehose_records(
    events: Iterable[Event | Mapping[str, JsonValue]],
    approximate_arrival_timestamp: float | None = None,
    *,
    aws_region: str | None = None,
) -> dict[str, object]:
    """A transformation invocation with one record per event, shaped as the JS helper does.

    Record ids count from ``"0"``; ``data`` is base64 of the event's JSON, members over 10 KiB
    compressed as a JS producer writes them.

    >>> invocation = to_firehose_records([{"id": "1", "type": "t"}], 1495072949453)
    >>> [record] = invocation["records"]
    >>> record["recordId"], record["data"], record["approximateArrivalTimestamp"]
    ('0', 'eyJpZCI6IjEiLCJ0eXBlIjoidCJ9', 1495072949453)
    """
    records = []
    for index, event in enumerate(events):
        record: dict[str, object] = {
            "recordId": str(index),
            "data": base64.b64encode(payload(event).encode("utf-8")).decode("ascii"),
        }
        if approximate_arrival_timestamp is not None:
            record["approximateArrivalTimestamp"] = approximate_arrival_timestamp
        records.append(record)
    return {
        "invocationId": "invocationIdExample",
        "deliveryStreamArn": "arn:aws:kinesis:TEST",
        "region": region(aws_region),
        "records": records,
    }
