"""send_to_sqs over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sqs import SqsConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.sqs import MESSAGE, send_to_sqs
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Partial, Rule, throttling
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

# A call that times out is sent again by botocore, and may be stored twice if the first one
# went through: on a loaded machine moto can take longer than the default second.
TIMEOUT_MS = 30_000


@cache
def _session() -> boto3.Session:
    # One session for the module, made inside the first test (after the `aws` fixture has set
    # the environment): a new session loads the service models again, 0.2 s a test.
    return boto3.Session(region_name="us-east-1")


def _queue(aws: LocalAws, name: str = "out") -> str:
    sqs = aws.client("sqs")
    if name.endswith(".fifo"):
        return sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    return sqs.create_queue(QueueName=name)["QueueUrl"]


def _received(aws: LocalAws, url: str) -> list[str]:
    """The bodies the queue holds, in the order it hands them out (each message once)."""
    sqs = aws.client("sqs")
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return bodies


def _message(n: int, fifo: bool) -> JsonObject:
    message = JsonObject({"Id": f"m{n}", "MessageBody": f"b{n}"})
    return (
        message.update({"MessageGroupId": "g", "MessageDeduplicationId": f"d{n}"})
        if fifo
        else message
    )


def _send(
    endpoint: str, url: str, count: int, retries: int = 8, fifo: bool = False
) -> list[UnitOfWork | Fault]:
    options = resolve_options(
        {},
        queue_url=url,
        batch_retry_wait_ms=1,
        timeout_ms=TIMEOUT_MS,
        batch_max_retries=retries,
        parallel=4,
    )
    uows = [
        UnitOfWork(record=JsonObject({"n": n})).set(MESSAGE, _message(n, fifo))
        for n in range(count)
    ]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        return collect(Stream.of(uows).through(send_to_sqs(options, SqsConnector(connections))))


def test_every_message_reaches_the_queue(aws: LocalAws) -> None:
    url = _queue(aws)
    out = _send(aws.endpoint_url, url, 25)
    assert [type(item) for item in out] == [UnitOfWork] * 25
    assert sorted(_received(aws, url)) == sorted(f"b{n}" for n in range(25))


def test_fifo_messages_of_a_group_arrive_in_order(aws: LocalAws) -> None:
    url = _queue(aws, "out.fifo")
    out = _send(aws.endpoint_url, url, 45, fifo=True)
    assert [type(item) for item in out] == [UnitOfWork] * 45
    assert _received(aws, url) == [f"b{n}" for n in range(45)]


def test_under_partial_failures_and_throttling_each_message_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = _queue(aws)
    fault_proxy.add(
        Rule(service="sqs", operation="SendMessageBatch", partial=Partial(fraction=0.3)),
        Rule(service="sqs", operation="SendMessageBatch", error=throttling("sqs"), every=4),
    )
    out = _send(fault_proxy.url, url, 60)
    assert [type(item) for item in out] == [UnitOfWork] * 60
    assert sorted(_received(aws, url)) == sorted(f"b{n}" for n in range(60))  # exactly once
    assert fault_proxy.stats.failed_entries > 0
    assert fault_proxy.stats.errors > 0


def test_when_the_retries_run_out_the_uows_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = _queue(aws)
    partial = Partial(indices=(0,))
    fault_proxy.add(Rule(service="sqs", operation="SendMessageBatch", partial=partial))
    out = _send(fault_proxy.url, url, 25, retries=2)
    faults = [item for item in out if isinstance(item, Fault)]
    delivered = [
        item[MESSAGE].get_str("MessageBody") for item in out if isinstance(item, UnitOfWork)
    ]
    assert len(faults) == 3  # the first message of each of the 3 batches
    assert all(fault.retryable for fault in faults)
    assert sorted(_received(aws, url)) == sorted(body or "" for body in delivered)
    assert len(faults) + len(delivered) == 25


def test_a_call_that_keeps_failing_fails_every_uow_of_its_batch_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = _queue(aws)
    error = InjectedError(500, "InternalError", "down")
    fault_proxy.add(Rule(service="sqs", operation="SendMessageBatch", error=error))
    out = _send(fault_proxy.url, url, 15)
    assert [type(item) for item in out] == [Fault] * 2  # two batches, one fault each
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert _received(aws, url) == []
