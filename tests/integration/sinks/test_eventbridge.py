"""publish_to_event_bridge over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import json

import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.eventbridge import EventBridgeConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.eventbridge import publish_to_event_bridge
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Partial, Rule, throttling
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

BUS = "thing-bus"


def _bus_to_queue(aws: LocalAws) -> str:
    """A bus whose rule sends every event of source ``custom`` to a queue; the queue's URL."""
    events, sqs = aws.client("events"), aws.client("sqs")
    events.create_event_bus(Name=BUS)
    queue = sqs.create_queue(QueueName="published")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": ["custom"]}))
    events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn["QueueArn"]}])
    return queue


def _received(aws: LocalAws, queue: str) -> list[str]:
    """The ids of the events the queue received (each message once)."""
    sqs = aws.client("sqs")
    ids: list[str] = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages"):
        for message in batch:
            ids.append(json.loads(message["Body"])["detail"]["id"])
        sqs.delete_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return ids


def _publish(endpoint: str, count: int, retries: int = 8) -> list[UnitOfWork | Fault]:
    options = resolve_options(
        {},
        bus_name=BUS,
        batch_retry_wait_ms=1,
        batch_max_retries=retries,
        parallel=4,
        timeout_ms=30_000,  # a timed-out call that moto served anyway would be resent
    )
    port = EventBridgeConnector(Connections(options, endpoint_url=endpoint))
    uows = [
        UnitOfWork(record=JsonObject({"n": n}), event=Event(id=f"e{n}", type="thing-created"))
        for n in range(count)
    ]
    return collect(Stream.of(uows).through(publish_to_event_bridge(options, port)))


def test_every_event_reaches_the_bus(aws: LocalAws) -> None:
    queue = _bus_to_queue(aws)
    out = _publish(aws.endpoint_url, 25)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert sorted(_received(aws, queue)) == sorted(f"e{n}" for n in range(25))


def test_under_partial_failures_and_throttling_each_event_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    queue = _bus_to_queue(aws)
    fault_proxy.add(
        Rule(service="events", operation="PutEvents", partial=Partial(fraction=0.3)),
        Rule(service="events", operation="PutEvents", error=throttling("events"), every=4),
    )
    out = _publish(fault_proxy.url, 60)
    assert [type(item) for item in out] == [UnitOfWork] * 60
    received = _received(aws, queue)
    assert sorted(received) == sorted(f"e{n}" for n in range(60))  # each exactly once
    assert fault_proxy.stats.failed_entries > 0


def test_when_the_retries_run_out_the_uows_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    queue = _bus_to_queue(aws)
    fault_proxy.add(Rule(service="events", operation="PutEvents", partial=Partial(indices=(0,))))
    out = _publish(fault_proxy.url, 20, retries=2)
    faults = [item for item in out if isinstance(item, Fault)]
    delivered = [item.event.id for item in out if isinstance(item, UnitOfWork) and item.event]
    assert faults
    assert all(fault.retryable for fault in faults)
    assert sorted(_received(aws, queue)) == sorted(delivered)
    assert len(faults) + len(delivered) == 20


def test_a_call_that_keeps_failing_fails_every_uow_of_its_batch_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _bus_to_queue(aws)
    fault_proxy.add(
        Rule(service="events", operation="PutEvents", error=InjectedError(500, "InternalFailure"))
    )
    out = _publish(fault_proxy.url, 12)
    assert [type(item) for item in out] == [Fault] * 2  # two batches, one fault each
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert sum(len(item.uows) for item in out if isinstance(item, Fault)) == 12
