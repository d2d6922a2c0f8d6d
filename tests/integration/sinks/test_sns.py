"""publish_to_sns over real HTTP: moto delivering to a subscribed queue, and the fault proxy."""

from __future__ import annotations

from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sns import SnsConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.sns import MESSAGE, PUBLISH_RESPONSE, publish_to_sns
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


def _topic_to_queue(aws: LocalAws) -> tuple[str, str]:
    """A topic delivering raw messages to a queue: the topic's ARN and the queue's URL."""
    sqs, sns = aws.client("sqs"), aws.client("sns")
    url = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    topic = sns.create_topic(Name="things")["TopicArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"RawMessageDelivery": "true"},
    )
    return topic, url


def _delivered(aws: LocalAws, url: str) -> list[str]:
    """The messages the subscribed queue received (each once)."""
    sqs = aws.client("sqs")
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return sorted(bodies)


def _publish(endpoint: str, topic: str, count: int, retries: int = 8) -> list[UnitOfWork | Fault]:
    options = resolve_options(
        {},
        topic_arn=topic,
        batch_retry_wait_ms=1,
        timeout_ms=TIMEOUT_MS,
        batch_max_retries=retries,
        parallel=4,
    )
    uows = [
        UnitOfWork(record=JsonObject({"n": n})).set(MESSAGE, JsonObject({"Message": f"m{n}"}))
        for n in range(count)
    ]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        return collect(Stream.of(uows).through(publish_to_sns(options, SnsConnector(connections))))


def _expected(count: int) -> list[str]:
    return sorted(f"m{n}" for n in range(count))


def test_every_message_reaches_the_subscribers_each_uow_with_its_answer(aws: LocalAws) -> None:
    topic, url = _topic_to_queue(aws)
    out = _publish(aws.endpoint_url, topic, 25)
    assert [type(item) for item in out] == [UnitOfWork] * 25
    ids = {item[PUBLISH_RESPONSE]["MessageId"] for item in out if isinstance(item, UnitOfWork)}
    assert len(ids) == 25
    assert _delivered(aws, url) == _expected(25)


def test_under_partial_failures_and_throttling_each_message_is_delivered_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    topic, url = _topic_to_queue(aws)
    fault_proxy.add(
        Rule(service="sns", operation="PublishBatch", partial=Partial(fraction=0.3)),
        Rule(service="sns", operation="PublishBatch", error=throttling("sns"), every=4),
    )
    out = _publish(fault_proxy.url, topic, 60)
    assert [type(item) for item in out] == [UnitOfWork] * 60
    assert _delivered(aws, url) == _expected(60)  # each exactly once
    assert fault_proxy.stats.failed_entries > 0
    assert fault_proxy.stats.errors > 0


def test_when_the_retries_run_out_the_uows_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    topic, url = _topic_to_queue(aws)
    fault_proxy.add(Rule(service="sns", operation="PublishBatch", partial=Partial(indices=(0,))))
    out = _publish(fault_proxy.url, topic, 25, retries=2)
    faults = [item for item in out if isinstance(item, Fault)]
    published = [
        item[MESSAGE].get_str("Message") or "" for item in out if isinstance(item, UnitOfWork)
    ]
    assert len(faults) == 3  # the first message of each of the 3 batches
    assert all(fault.retryable for fault in faults)
    assert _delivered(aws, url) == sorted(published)
    assert len(faults) + len(published) == 25


def test_a_call_that_keeps_failing_fails_each_of_its_uows_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    topic, url = _topic_to_queue(aws)
    error = InjectedError(500, "InternalError", "down")
    fault_proxy.add(Rule(service="sns", operation="PublishBatch", error=error))
    out = _publish(fault_proxy.url, topic, 15)
    assert [type(item) for item in out] == [Fault] * 15
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert _delivered(aws, url) == []
