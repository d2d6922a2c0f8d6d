"""Fault events through the real EventBridge connector, to moto: the default fault publisher."""

from __future__ import annotations

import json

import pytest

from lambda_stream import (
    FaultPublishError,
    Pipeline,
    PipelineContext,
    UnitOfWork,
    from_kinesis,
    initialize,
    resolve_options,
)
from lambda_stream.testing import to_kinesis_records
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule
from lambda_stream.testing.moto import LocalAws

BUS = "fault-bus"


def _faults_queue(aws: LocalAws) -> str:
    events, sqs = aws.client("events"), aws.client("sqs")
    events.create_event_bus(Name=BUS)
    queue = sqs.create_queue(QueueName="faults")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    pattern = json.dumps({"detail-type": ["fault"]})
    events.put_rule(Name="faults", EventBusName=BUS, EventPattern=pattern)
    events.put_targets(
        Rule="faults", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn["QueueArn"]}]
    )
    return queue


def _poison(context: PipelineContext) -> Pipeline:
    def step(uow: UnitOfWork) -> UnitOfWork:
        if uow.event is not None and uow.event.id == "poison":
            raise ValueError("cannot handle poison")
        return uow

    return lambda s: s.map(step)


EVENT = to_kinesis_records(
    [{"id": "good", "type": "thing-created"}, {"id": "poison", "type": "thing-created"}]
)


def test_a_fault_event_reaches_the_bus_through_the_default_publisher(aws: LocalAws) -> None:
    queue = _faults_queue(aws)
    pipelines = initialize({"p": _poison}, resolve_options(bus_name=BUS))
    invocation = pipelines.invoke(from_kinesis(EVENT))
    assert len(invocation.fault_events) == 1
    [message] = aws.client("sqs").receive_message(QueueUrl=queue)["Messages"]
    fault = json.loads(message["Body"])["detail"]
    assert (fault["type"], fault["err"]["name"], fault["tags"]["pipeline"]) == (
        "fault",
        "ValueError",
        "p",
    )
    assert fault["uow"]["record"] == EVENT["Records"][1]  # type: ignore[index]  # built JSON


@pytest.mark.usefixtures("instant_backoff")
def test_when_the_bus_is_unreachable_the_invocation_fails(
    aws: LocalAws, fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _faults_queue(aws)
    fault_proxy.add(Rule(service="events", error=InjectedError(500, "InternalFailure")))
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.url)
    pipelines = initialize({"p": _poison}, resolve_options(bus_name=BUS))
    with pytest.raises(FaultPublishError, match="InternalFailure"):
        pipelines.invoke(from_kinesis(EVENT))
