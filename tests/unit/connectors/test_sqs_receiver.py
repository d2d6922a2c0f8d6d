"""SqsConnector as a receiver: the ReceiveMessage request, messages, batch deletes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import closing

import boto3
import pytest
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sqs import SqsConnector
from lambda_stream.core.json import JsonObject

OPTIONS = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=2)
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


@pytest.fixture
def stubbed() -> Iterator[tuple[SqsConnector, Stubber]]:
    client = boto3.client(
        "sqs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with closing(Connections(OPTIONS, threads=1)) as connections, Stubber(client) as stubber:
        yield SqsConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def _deletions(*ids: str) -> list[JsonObject]:
    return [JsonObject({"Id": i, "ReceiptHandle": f"h-{i}"}) for i in ids]


def test_a_receive_asks_for_every_attribute(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    expected = {
        "QueueUrl": URL,
        "MaxNumberOfMessages": 10,
        "WaitTimeSeconds": 20,
        "MessageSystemAttributeNames": ["All"],
        "MessageAttributeNames": ["All"],
        "VisibilityTimeout": 5,
    }
    stubber.add_response("receive_message", {}, expected)
    messages = asyncio.run(
        connector.receive_message(
            queue_url=URL, max_messages=50, wait_time_s=60, visibility_timeout_s=5
        )
    )
    assert messages == ()


def test_binary_attributes_come_back_as_base64(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "h1",
        "Body": "hi",
        "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": b"\x01"}},
    }
    stubber.add_response("receive_message", {"Messages": [message]})
    (received,) = asyncio.run(connector.receive_message(queue_url=URL))
    assert received.get_object("MessageAttributes")["b"] == {
        "DataType": "Binary",
        "BinaryValue": "AQ==",
    }


def test_deleted_messages_are_matched_by_id(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    failed = {"Id": "b", "SenderFault": True, "Code": "ReceiptHandleIsInvalid"}
    expected = {
        "QueueUrl": URL,
        "Entries": [{"Id": "a", "ReceiptHandle": "h-a"}, {"Id": "b", "ReceiptHandle": "h-b"}],
    }
    stubber.add_response(
        "delete_message_batch", {"Successful": [{"Id": "a"}], "Failed": [failed]}, expected
    )
    outcome = asyncio.run(connector.delete_message_batch(_deletions("a", "b"), queue_url=URL))
    assert [result.error_code for result in outcome.results] == [None, "ReceiptHandleIsInvalid"]


def test_a_delete_that_failed_for_sqs_is_sent_again(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    failed = {"Id": "a", "SenderFault": False, "Code": "InternalError"}
    stubber.add_response("delete_message_batch", {"Successful": [], "Failed": [failed]})
    stubber.add_response("delete_message_batch", {"Successful": [{"Id": "a"}], "Failed": []})
    outcome = asyncio.run(connector.delete_message_batch(_deletions("a"), queue_url=URL))
    assert outcome.failed_count == 0
