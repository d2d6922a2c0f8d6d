"""SchedulerConnector over real HTTP against moto: the JS defaults land in the schedule."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.scheduler import SchedulerConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonValue
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

BUS = "arn:aws:events:us-east-1:123456789012:event-bus/things"
ROLE = "arn:aws:iam::123456789012:role/scheduler"
REQUEST: dict[str, JsonValue] = {
    "Name": "thing-1-expires",
    "ScheduleExpression": "at(2030-01-01T00:00:00)",
    "FlexibleTimeWindow": {"Mode": "OFF"},
    "Target": {"Input": '{"id":"1","type":"thing-expired"}'},
}


def admin(aws: LocalAws) -> EventBridgeSchedulerClient:
    """A client of the test's own, to read the schedules back."""
    return boto3.client(
        "scheduler",
        endpoint_url=aws.endpoint_url,
        region_name=aws.region,
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=aws.secret_access_key,
    )


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def scheduler(aws: LocalAws, session: boto3.Session) -> Iterator[SchedulerConnector]:
    options = resolve_options({"BUS_ARN": BUS, "SCHEDULER_ROLE_ARN": ROLE})
    connections = Connections(options, session=session)
    yield SchedulerConnector(connections)
    connections.close()


def test_the_schedule_targets_the_bus_with_the_role_and_deletes_itself(
    aws: LocalAws, scheduler: SchedulerConnector
) -> None:
    answer = asyncio.run(scheduler.create_schedule(REQUEST))
    stored = admin(aws).get_schedule(Name="thing-1-expires")
    assert answer["ScheduleArn"] == stored["Arn"]
    assert (stored["Target"]["Arn"], stored["Target"]["RoleArn"]) == (BUS, ROLE)
    assert stored["Target"]["Input"] == '{"id":"1","type":"thing-expired"}'
    assert stored["ActionAfterCompletion"] == "DELETE"


def test_a_name_already_taken_raises_a_conflict_that_is_not_retryable(
    scheduler: SchedulerConnector,
) -> None:
    asyncio.run(scheduler.create_schedule(REQUEST))
    with pytest.raises(ClientError) as raised:
        asyncio.run(scheduler.create_schedule(REQUEST))
    assert raised.value.response["Error"]["Code"] == "ConflictException"
    assert not is_retryable(raised.value)
