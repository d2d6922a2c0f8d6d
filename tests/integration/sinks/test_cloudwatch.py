"""put_metrics over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.cloudwatch import CloudWatchConnector
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.sinks.cloudwatch import PUT_METRICS_REQUEST, put_metrics
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule, throttling
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

NAMESPACE = "things"
Put = Callable[[str, int, int], list[UnitOfWork | Fault]]


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def put(aws: LocalAws, session: boto3.Session) -> Iterator[Put]:
    """Puts `uows` uows of `metrics` data points each through an endpoint."""
    made: list[Connections] = []

    def go(endpoint: str, uows: int, metrics: int) -> list[UnitOfWork | Fault]:
        options = resolve_options({}, parallel=1)
        connections = Connections(options, session=session, endpoint_url=endpoint)
        made.append(connections)
        items = [_uow(n, metrics) for n in range(uows)]
        sink = put_metrics(options, CloudWatchConnector(connections))
        return collect(Stream.of(items).through(sink))

    yield go
    for connections in made:
        connections.close()


def _uow(n: int, metrics: int) -> UnitOfWork:
    # One metric per uow, a data point per dimension value: counting the data points of a
    # metric tells whether any was stored twice, in one query per uow.
    data: list[JsonValue] = [
        {"MetricName": f"m{n}", "Dimensions": [{"Name": "i", "Value": str(i)}], "Value": 1.0}
        for i in range(metrics)
    ]
    request = JsonObject({"Namespace": NAMESPACE, "MetricData": data})
    return UnitOfWork(record=JsonObject({"n": n})).set(PUT_METRICS_REQUEST, request)


def _samples(aws: LocalAws, names: list[str]) -> Counter[str]:
    """How many data points each metric has (all dimensions together)."""
    cloudwatch = aws.client("cloudwatch")
    now = datetime.now(UTC)
    counts: Counter[str] = Counter()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        answer = cloudwatch.get_metric_data(
            MetricDataQueries=[
                {
                    "Id": f"q{index}",
                    "MetricStat": {
                        "Metric": {"Namespace": NAMESPACE, "MetricName": name},
                        "Period": 3600,
                        "Stat": "SampleCount",
                    },
                }
                for index, name in enumerate(chunk)
            ],
            StartTime=now - timedelta(hours=2),
            EndTime=now + timedelta(hours=2),
        )
        for result in answer["MetricDataResults"]:
            counts[chunk[int(result["Id"][1:])]] += int(sum(result["Values"]))
    return counts


def _names(uows: int) -> list[str]:
    return [f"m{n}" for n in range(uows)]


def _calls(proxy: FaultProxy) -> list[int]:
    return [call.status for call in proxy.calls if call.operation == "PutMetricData"]


def test_the_metrics_of_all_uows_go_out_in_as_few_calls_as_the_limit_allows(
    aws: LocalAws, fault_proxy: FaultProxy, put: Put
) -> None:
    out = put(fault_proxy.url, 30, 40)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert _calls(fault_proxy) == [200, 200]  # 1,200 metrics: 1,000 then 200
    assert set(_samples(aws, _names(30)).values()) == {40}


def test_under_throttling_and_5xx_each_metric_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy, put: Put
) -> None:
    fault_proxy.add(
        Rule(
            service="cloudwatch", operation="PutMetricData", error=throttling("cloudwatch"), every=3
        ),
        Rule(
            service="cloudwatch",
            operation="PutMetricData",
            error=InjectedError(500, "InternalServiceError", "internal error"),
            every=3,
            skip_first=1,
        ),
    )
    out = put(fault_proxy.url, 100, 45)
    assert [type(item) for item in out] == [UnitOfWork] * 100
    assert _calls(fault_proxy).count(200) == 5  # 4,500 metrics
    assert fault_proxy.stats.errors >= 3
    counts = _samples(aws, _names(100))
    assert len(counts) == 100
    assert set(counts.values()) == {45}


def test_when_the_retries_run_out_every_uow_fails_retryably_and_nothing_is_stored(
    aws: LocalAws, fault_proxy: FaultProxy, put: Put
) -> None:
    fault_proxy.add(
        Rule(service="cloudwatch", operation="PutMetricData", error=throttling("cloudwatch"))
    )
    out = put(fault_proxy.url, 10, 5)
    assert len(out) == 10
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert aws.client("cloudwatch").list_metrics(Namespace=NAMESPACE)["Metrics"] == []
