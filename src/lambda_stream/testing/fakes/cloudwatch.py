"""An in-memory CloudWatch port."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lambda_stream.connectors._requests import plain_request
from lambda_stream.connectors.cloudwatch import MAX_METRICS
from lambda_stream.core.json import JsonObject, JsonValue

__all__ = ["InMemoryCloudWatch"]


class InMemoryCloudWatch:
    """A `CloudWatchPort` keeping the metric data it is given, per namespace.

    Every call is recorded in `calls`. `fail(request)` may return an exception for a call to
    raise instead (nothing of that call is kept, as CloudWatch keeps nothing of a refused
    call). A call over the service's limit of metrics raises ``ValueError``.

    >>> import asyncio
    >>> cw = InMemoryCloudWatch()
    >>> _ = asyncio.run(cw.put_metric_data({"Namespace": "n", "MetricData": [{"MetricName": "m"}]}))
    >>> cw.metrics
    {'n': [{'MetricName': 'm'}]}
    """

    def __init__(
        self, *, fail: Callable[[Mapping[str, object]], BaseException | None] | None = None
    ) -> None:
        self.metrics: dict[str, list[dict[str, JsonValue]]] = {}
        self.calls: list[dict[str, JsonValue]] = []
        self.fail = fail

    async def put_metric_data(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Keep the request's metric data under its namespace."""
        params = plain_request(request)
        self.calls.append(params)
        data = params.get("MetricData")
        if not isinstance(data, list) or not 0 < len(data) <= MAX_METRICS:
            raise ValueError(f"MetricData must hold 1 to {MAX_METRICS} metrics")
        entries = [entry for entry in data if isinstance(entry, dict)]
        if len(entries) != len(data):
            raise ValueError("MetricData entries must be objects")
        error = self.fail(params) if self.fail is not None else None
        if error is not None:
            raise error
        self.metrics.setdefault(str(params.get("Namespace")), []).extend(entries)
        return JsonObject()
