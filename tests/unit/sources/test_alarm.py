"""from_alarm: an alarm action's payload, or the EventBridge alarm state change, as one event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import Fault, UnitOfWork
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.sources.alarm import ALARM_EVENT_TYPE, from_alarm
from lambda_stream.testing import collect

STATE: dict[str, JsonValue] = {
    "value": "ALARM",
    "reason": "Threshold Crossed",
    "timestamp": "2023-08-04T12:36:15.490+0000",
}
# What an alarm action invoking the function directly sends.
ACTION: dict[str, JsonValue] = {
    "source": "aws.cloudwatch",
    "alarmArn": "arn:aws:cloudwatch:us-east-1:444455556666:alarm:egress",
    "accountId": "444455556666",
    "time": "2023-08-04T12:36:15.490+0000",
    "region": "us-east-1",
    "alarmData": {"alarmName": "egress", "state": STATE, "previousState": {"value": "OK"}},
}
# What an EventBridge rule on the alarm's state changes sends.
STATE_CHANGE: dict[str, JsonValue] = {
    "version": "0",
    "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    "source": "aws.cloudwatch",
    "account": "123456789012",
    "time": "2019-10-02T17:04:40Z",
    "region": "us-east-1",
    "resources": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:egress"],
    "detail": {"alarmName": "egress", "state": STATE, "previousState": {"value": "OK"}},
}


def _decode(event: object) -> list[UnitOfWork | Fault]:
    return collect(from_alarm(cast(Mapping[str, object], event)))


def _only_event(event: object) -> Event:
    [item] = _decode(event)
    assert isinstance(item, UnitOfWork)
    assert item.event is not None
    return item.event


def test_the_record_is_the_payload_as_received() -> None:
    [uow] = _decode(ACTION)
    assert isinstance(uow, UnitOfWork)
    assert uow.record == ACTION


def test_an_alarm_action_keeps_every_member() -> None:
    event = _only_event(ACTION)
    assert event.to_dict() == {**ACTION, "id": event.id, "type": ALARM_EVENT_TYPE}


def test_an_alarm_action_gets_a_uuid4() -> None:
    assert uuid.UUID(_only_event(ACTION).id).version == 4


def test_an_alarm_state_change_keeps_its_id() -> None:
    assert _only_event(STATE_CHANGE).id == "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92"


def test_both_payloads_have_the_same_type() -> None:
    assert _only_event(ACTION).type == _only_event(STATE_CHANGE).type == ALARM_EVENT_TYPE


def test_the_state_is_read_from_the_event() -> None:
    detail = _only_event(STATE_CHANGE)["detail"]
    assert isinstance(detail, JsonObject)
    assert detail.get_object("state").get_str("value") == "ALARM"


@pytest.mark.parametrize("event", [None, [ACTION], {"id": 1}], ids=["null", "list", "bad id"])
def test_a_malformed_payload_is_one_fault_carrying_it(event: object) -> None:
    [fault] = _decode(event)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event


def test_a_fault_names_the_source() -> None:
    [fault] = _decode([ACTION])
    assert isinstance(fault, Fault)
    assert fault.message == "a CloudWatch alarm event must be a JSON object, got list"
