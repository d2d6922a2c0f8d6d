"""InMemoryCloudWatch: metrics kept per namespace, the service's limit, refused calls."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonValue
from lambda_stream.testing.fakes import InMemoryCloudWatch


def _request(count: int) -> dict[str, JsonValue]:
    return {"Namespace": "n", "MetricData": [{"MetricName": f"m{i}"} for i in range(count)]}


def test_a_call_over_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 1000"):
        asyncio.run(InMemoryCloudWatch().put_metric_data(_request(1_001)))


def test_a_failed_call_keeps_nothing() -> None:
    cw = InMemoryCloudWatch(fail=lambda request: TimeoutError())
    with pytest.raises(TimeoutError):
        asyncio.run(cw.put_metric_data(_request(2)))
    assert (cw.metrics, len(cw.calls)) == ({}, 1)
