"""schedule_event over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import boto3
import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.scheduler import SchedulerConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.scheduler import SCHEDULE_REQUEST, SCHEDULE_RESPONSE, schedule_event
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule, throttling
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

pytestmark = pytest.mark.usefixtures("instant_backoff")

BUS = "arn:aws:events:us-east-1:123456789012:event-bus/things"
ROLE = "arn:aws:iam::123456789012:role/scheduler"
CREATES = r"^POST /schedules/"
Schedule = Callable[[str, int, int], list[UnitOfWork | Fault]]


def admin(aws: LocalAws) -> EventBridgeSchedulerClient:
    """A client of the test's own, to read the schedules back."""
    return boto3.client(
        "scheduler",
        endpoint_url=aws.endpoint_url,
        region_name=aws.region,
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=aws.secret_access_key,
    )


def _stored(aws: LocalAws) -> list[str]:
    return sorted(item["Name"] for item in admin(aws).list_schedules()["Schedules"])


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def schedule(aws: LocalAws, session: boto3.Session) -> Iterator[Schedule]:
    """Schedules `count` events through an endpoint, `parallel` calls at a time."""
    made: list[Connections] = []

    def go(endpoint: str, count: int, parallel: int) -> list[UnitOfWork | Fault]:
        options = resolve_options({"BUS_ARN": BUS, "SCHEDULER_ROLE_ARN": ROLE}, parallel=parallel)
        made.append(Connections(options, session=session, endpoint_url=endpoint))
        sink = schedule_event(options, SchedulerConnector(made[-1]))
        return collect(Stream.of([_uow(n) for n in range(count)]).through(sink))

    yield go
    for connections in made:
        connections.close()


def _uow(n: int) -> UnitOfWork:
    request = JsonObject(
        {
            "Name": f"s{n:02}",
            "ScheduleExpression": "at(2030-01-01T00:00:00)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Input": f'{{"id":"{n}"}}'},
        }
    )
    return UnitOfWork(record=JsonObject({"n": n})).set(SCHEDULE_REQUEST, request)


def test_each_uow_gets_its_schedule_and_its_arn(aws: LocalAws, schedule: Schedule) -> None:
    out = schedule(aws.endpoint_url, 12, 4)
    assert _stored(aws) == [f"s{n:02}" for n in range(12)]
    arns = [
        str(uow[SCHEDULE_RESPONSE]["ScheduleArn"]) for uow in out if isinstance(uow, UnitOfWork)
    ]
    assert [arn.rsplit("/", 1)[-1] for arn in arns] == [f"s{n:02}" for n in range(12)]


def test_under_throttling_and_5xx_each_schedule_is_created_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy, schedule: Schedule
) -> None:
    fault_proxy.add(
        Rule(service="scheduler", path_regex=CREATES, error=throttling("scheduler"), every=3),
        Rule(
            service="scheduler",
            path_regex=CREATES,
            error=InjectedError(500, "InternalServerException", "internal error"),
            every=3,
            skip_first=1,
        ),
    )
    # One call at a time: a schedule's attempts are consecutive calls, and calls 3, 4, 6, 7,
    # ... fail, so none meets three failures in a row. A second creation would conflict.
    out = schedule(fault_proxy.url, 20, 1)
    assert [type(item) for item in out] == [UnitOfWork] * 20
    assert _stored(aws) == [f"s{n:02}" for n in range(20)]
    assert [call.status for call in fault_proxy.calls].count(200) == 20
    assert fault_proxy.stats.errors >= 10


def test_when_the_retries_run_out_every_uow_fails_retryably_and_none_is_created(
    aws: LocalAws, fault_proxy: FaultProxy, schedule: Schedule
) -> None:
    fault_proxy.add(Rule(service="scheduler", path_regex=CREATES, error=throttling("scheduler")))
    out = schedule(fault_proxy.url, 5, 4)
    assert len(out) == 5
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert _stored(aws) == []
