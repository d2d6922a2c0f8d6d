"""SqsConnector over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.sqs import SqsConnector
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


def _bodies(aws: LocalAws, url: str) -> list[str]:
    sqs = aws.client("sqs")
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return sorted(bodies)


def _send(endpoint: str, url: str, *ids: str) -> BatchOutcome[JsonObject]:
    options = resolve_options({}, batch_retry_wait_ms=1, timeout_ms=TIMEOUT_MS)
    messages = [JsonObject({"Id": i, "MessageBody": f"body-{n}"}) for n, i in enumerate(ids)]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        connector = SqsConnector(connections)
        return asyncio.run(connector.send_message_batch(messages, queue_url=url))


def test_the_messages_reach_the_queue(aws: LocalAws) -> None:
    url = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    outcome = _send(aws.endpoint_url, url, "a", "b")
    assert outcome.failed_count == 0
    assert _bodies(aws, url) == ["body-0", "body-1"]


def test_messages_that_failed_are_sent_again_and_each_is_stored_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    partial = Partial(indices=(1,))
    fault_proxy.add(Rule(service="sqs", operation="SendMessageBatch", partial=partial, max_hits=1))
    outcome = _send(fault_proxy.url, url, "a", "b", "c")
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2
    assert _bodies(aws, url) == ["body-0", "body-1", "body-2"]


def test_a_batch_with_a_repeated_id_is_split_and_every_message_sent(aws: LocalAws) -> None:
    url = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    outcome = _send(aws.endpoint_url, url, "a", "a", "b")
    assert outcome.failed_count == 0
    assert _bodies(aws, url) == ["body-0", "body-1", "body-2"]


def test_a_message_sqs_refuses_fails_alone_and_the_others_go(aws: LocalAws) -> None:
    url = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    outcome = _send(aws.endpoint_url, url, "a", "not valid", "c")
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        (None, False),
        ("InvalidBatchEntryId", False),
        (None, False),
    ]
    assert _bodies(aws, url) == ["body-0", "body-2"]
