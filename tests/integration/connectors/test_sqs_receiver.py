"""SqsConnector as a receiver over real HTTP: messages with their attributes, batch deletes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import cache

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sqs import SqsConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.moto import LocalAws


@cache
def _session() -> boto3.Session:
    # Made inside the first test, once `aws` has set the environment (0.2 s per new session).
    return boto3.Session(region_name="us-east-1")


@pytest.fixture
def connector(aws: LocalAws) -> Iterator[SqsConnector]:
    options = resolve_options({}, timeout_ms=30_000)
    connections = Connections(options, session=_session(), endpoint_url=aws.endpoint_url)
    yield SqsConnector(connections)
    connections.close()


def test_a_message_comes_with_its_attributes(aws: LocalAws, connector: SqsConnector) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody="hi",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "k1"}},
    )
    (message,) = asyncio.run(connector.receive_message(queue_url=url))
    assert message["Body"] == "hi"
    assert message.get_object("Attributes")["ApproximateReceiveCount"] == "1"
    assert message.get_object("MessageAttributes")["kind"] == {
        "StringValue": "k1",
        "DataType": "String",
    }


def test_deleted_messages_are_gone(aws: LocalAws, connector: SqsConnector) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a")
    (message,) = asyncio.run(connector.receive_message(queue_url=url, visibility_timeout_s=0))
    entry = JsonObject({"Id": "0", "ReceiptHandle": message.get_str("ReceiptHandle")})
    outcome = asyncio.run(connector.delete_message_batch([entry], queue_url=url))
    assert outcome.failed_count == 0
    assert asyncio.run(connector.receive_message(queue_url=url)) == ()
