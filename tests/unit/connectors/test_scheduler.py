"""schedule_request and SchedulerConnector: the JS connector's defaults."""

from __future__ import annotations

import asyncio
from contextlib import closing

import boto3
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.scheduler import SchedulerConnector, schedule_request
from lambda_stream.core.json import JsonObject, JsonValue

BASE: dict[str, JsonValue] = {
    "Name": "n",
    "ScheduleExpression": "at(2030-01-01T00:00:00)",
    "FlexibleTimeWindow": {"Mode": "OFF"},
}


def _defaults(request: dict[str, JsonValue], kms: str | None = None) -> dict[str, JsonValue]:
    return schedule_request(request, bus_arn="arn:bus", role_arn="arn:role", kms_key_arn=kms)


def test_the_target_defaults_to_the_bus_and_the_role() -> None:
    params = _defaults({**BASE, "Target": {"Input": "{}"}})
    assert params["Target"] == {"Input": "{}", "Arn": "arn:bus", "RoleArn": "arn:role"}


def test_a_target_the_request_names_wins() -> None:
    params = _defaults({**BASE, "Target": {"Arn": "arn:q", "RoleArn": "arn:r", "Input": "{}"}})
    assert params["Target"] == {"Arn": "arn:q", "RoleArn": "arn:r", "Input": "{}"}


def test_a_request_without_a_target_gets_one() -> None:
    assert _defaults(dict(BASE))["Target"] == {"Arn": "arn:bus", "RoleArn": "arn:role"}


def test_the_schedule_always_deletes_itself_after_it_ran() -> None:
    params = _defaults({**BASE, "ActionAfterCompletion": "NONE"})
    assert params["ActionAfterCompletion"] == "DELETE"


def test_the_key_defaults_to_the_master_key_and_is_left_out_without_one() -> None:
    assert _defaults(dict(BASE), kms="arn:key")["KmsKeyArn"] == "arn:key"
    assert "KmsKeyArn" not in _defaults(dict(BASE))
    assert _defaults({**BASE, "KmsKeyArn": "arn:mine"}, kms="arn:key")["KmsKeyArn"] == "arn:mine"


def test_the_request_given_is_not_changed() -> None:
    request = JsonObject({**BASE, "Target": {"Input": "{}"}})
    _defaults(dict(request))
    assert request["Target"] == {"Input": "{}"}


def test_the_connector_takes_its_defaults_from_the_options() -> None:
    options = resolve_options(
        {"BUS_ARN": "arn:bus", "SCHEDULER_ROLE_ARN": "arn:role", "MASTER_KEY_ARN": "arn:key"}
    )
    client = boto3.client(
        "scheduler", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    expected = {
        **BASE,
        "Target": {"Input": "{}", "Arn": "arn:bus", "RoleArn": "arn:role"},
        "ActionAfterCompletion": "DELETE",
        "KmsKeyArn": "arn:key",
    }
    with closing(Connections(options, threads=1)) as connections, Stubber(client) as stubber:
        stubber.add_response("create_schedule", {"ScheduleArn": "arn:s"}, expected)
        connector = SchedulerConnector(connections, client=client)
        answer = asyncio.run(connector.create_schedule({**BASE, "Target": {"Input": "{}"}}))
        assert answer == {"ScheduleArn": "arn:s"}
