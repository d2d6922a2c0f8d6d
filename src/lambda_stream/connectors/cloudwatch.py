"""CloudWatch: put metric data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.json import JsonObject, JsonValue

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

__all__ = ["MAX_METRICS", "MAX_REQUEST_BYTES", "CloudWatchConnector", "CloudWatchPort"]

MAX_METRICS: Final = 1_000
"""PutMetricData takes at most 1,000 metrics (``MetricData`` entries) per request."""
MAX_REQUEST_BYTES: Final = 1_000_000
"""PutMetricData requests are limited to 1 MB."""


class CloudWatchPort(Protocol):
    """Puts metric data."""

    async def put_metric_data(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """One ``PutMetricData`` call (``Namespace``, ``MetricData``, ...), within the limits.

        Raises:
            Exception: the call failed (after the SDK's own retries); nothing of it was stored.
        """
        ...


class CloudWatchConnector:
    """`CloudWatchPort` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self, connections: Connections | None = None, *, client: CloudWatchClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: CloudWatchClient = client or self.connections.session.client(
            "cloudwatch",
            config=self.connections.config("cloudwatch"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def put_metric_data(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Put the metric data (see `CloudWatchPort.put_metric_data`)."""
        params = plain_request(request)
        response = await self.connections.run(self.client.put_metric_data, **params)
        return frozen_response(response)
