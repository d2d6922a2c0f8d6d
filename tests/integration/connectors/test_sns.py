"""SnsConnector over real HTTP: moto delivering to a subscribed queue, and the fault proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import closing
from functools import cache
from typing import TypeVar

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sns import SnsConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
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


T = TypeVar("T")


def _topic_to_queue(aws: LocalAws) -> tuple[str, str]:
    """A topic delivering raw messages to a queue: the topic's ARN and the queue's URL."""
    sqs, sns = aws.client("sqs"), aws.client("sns")
    url = sqs.create_queue(QueueName="fan")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"RawMessageDelivery": "true"},
    )
    return topic, url


def _delivered(aws: LocalAws, url: str) -> list[str]:
    sqs = aws.client("sqs")
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return sorted(bodies)


def _run(endpoint: str, call: Callable[[SnsConnector], Coroutine[object, object, T]]) -> T:
    options = resolve_options({}, batch_retry_wait_ms=1, timeout_ms=TIMEOUT_MS)
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        return asyncio.run(call(SnsConnector(connections)))


def test_a_published_message_reaches_the_subscribers(aws: LocalAws) -> None:
    topic, url = _topic_to_queue(aws)
    response = _run(
        aws.endpoint_url, lambda sns: sns.publish(JsonObject({"Message": "hi"}), topic_arn=topic)
    )
    assert "MessageId" in response
    assert _delivered(aws, url) == ["hi"]


def test_messages_that_failed_in_a_batch_are_published_again_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    topic, url = _topic_to_queue(aws)
    partial = Partial(indices=(0, 2))
    fault_proxy.add(Rule(service="sns", operation="PublishBatch", partial=partial, max_hits=1))
    messages = [JsonObject({"Message": f"m{n}"}) for n in range(4)]
    outcome = _run(fault_proxy.url, lambda sns: sns.publish_batch(messages, topic_arn=topic))
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2
    assert _delivered(aws, url) == ["m0", "m1", "m2", "m3"]
