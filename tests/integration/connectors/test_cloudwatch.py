"""CloudWatchConnector over real HTTP (smithy RPC v2 CBOR) against moto."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.cloudwatch import CloudWatchConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonValue
from lambda_stream.testing.faultproxy import FaultProxy, Rule, throttling
from lambda_stream.testing.moto import LocalAws


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def connections(aws: LocalAws, session: boto3.Session) -> Iterator[Connections]:
    made = Connections(resolve_options({}), session=session)
    yield made
    made.close()


def test_metric_data_in_json_form_is_stored(aws: LocalAws, connections: Connections) -> None:
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    request: dict[str, JsonValue] = {
        "Namespace": "things",
        "MetricData": [
            {"MetricName": "latency", "Timestamp": stamp, "Value": 12.5, "Unit": "Milliseconds"},
            {
                "MetricName": "count",
                "Dimensions": [{"Name": "type", "Value": "thing-created"}],
                "Values": [1.0, 2.0],
                "Counts": [3.0, 1.0],
            },
        ],
    }
    answer = asyncio.run(CloudWatchConnector(connections).put_metric_data(request))
    assert answer == {}
    listed = aws.client("cloudwatch").list_metrics(Namespace="things")["Metrics"]
    assert sorted(metric["MetricName"] for metric in listed) == ["count", "latency"]


def test_a_throttle_that_outlives_the_retries_is_read_from_cbor_and_retryable(
    aws: LocalAws, fault_proxy: FaultProxy, session: boto3.Session, instant_backoff: None
) -> None:
    fault_proxy.add(Rule(service="cloudwatch", error=throttling("cloudwatch")))
    connections = Connections(resolve_options({}), session=session, endpoint_url=fault_proxy.url)
    request: dict[str, JsonValue] = {
        "Namespace": "n",
        "MetricData": [{"MetricName": "m", "Value": 1.0}],
    }
    try:
        with pytest.raises(ClientError) as raised:
            asyncio.run(CloudWatchConnector(connections).put_metric_data(request))
    finally:
        connections.close()
    assert raised.value.response["Error"]["Code"] == "Throttling"
    assert is_retryable(raised.value)
