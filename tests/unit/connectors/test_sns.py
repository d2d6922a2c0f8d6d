"""SnsConnector: Publish with its topic, PublishBatch with numbered entries and retries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import closing

import boto3
import pytest
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.sns import SnsConnector
from lambda_stream.core.json import JsonObject

OPTIONS = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=2)
TOPIC = "arn:aws:sns:us-east-1:123456789012:t"


@pytest.fixture
def stubbed() -> Iterator[tuple[SnsConnector, Stubber]]:
    client = boto3.client(
        "sns", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with closing(Connections(OPTIONS, threads=1)) as connections, Stubber(client) as stubber:
        yield SnsConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def _ok(*ids: str) -> dict[str, object]:
    return {"Successful": [{"Id": i, "MessageId": f"m-{i}"} for i in ids], "Failed": []}


def _batch(connector: SnsConnector, *messages: str) -> BatchOutcome[JsonObject]:
    entries = [JsonObject({"Message": message}) for message in messages]
    return asyncio.run(connector.publish_batch(entries, topic_arn=TOPIC))


def test_publish_sends_the_message_to_the_topic(stubbed: tuple[SnsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    expected = {"TopicArn": TOPIC, "Message": "hi", "Subject": "s"}
    stubber.add_response("publish", {"MessageId": "m-1"}, expected)
    message = JsonObject({"Message": "hi", "Subject": "s"})
    response = asyncio.run(connector.publish(message, topic_arn=TOPIC))
    assert response == JsonObject({"MessageId": "m-1"})


def test_a_message_naming_its_target_keeps_it(stubbed: tuple[SnsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    target = "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/1"
    expected = {"TargetArn": target, "Message": "hi"}
    stubber.add_response("publish", {"MessageId": "m-1"}, expected)
    asyncio.run(connector.publish(JsonObject(expected), topic_arn=TOPIC))


def test_batch_entries_are_numbered_by_position(stubbed: tuple[SnsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    expected = {
        "TopicArn": TOPIC,
        "PublishBatchRequestEntries": [{"Id": "0", "Message": "a"}, {"Id": "1", "Message": "b"}],
    }
    stubber.add_response("publish_batch", _ok("1", "0"), expected)
    outcome = _batch(connector, "a", "b")
    assert [result.entry["MessageId"] for result in outcome.results] == ["m-0", "m-1"]


def test_a_failed_message_is_sent_again_alone(stubbed: tuple[SnsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    failure = {"Id": "1", "Code": "InternalError", "SenderFault": False, "Message": "x"}
    stubber.add_response("publish_batch", {**_ok("0"), "Failed": [failure]})
    again = {"TopicArn": TOPIC, "PublishBatchRequestEntries": [{"Id": "1", "Message": "b"}]}
    stubber.add_response("publish_batch", _ok("1"), again)
    assert _batch(connector, "a", "b").failed_count == 0


def test_a_message_refused_by_validation_fails_alone(
    stubbed: tuple[SnsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("publish_batch", "InvalidParameter")
    stubber.add_response("publish_batch", _ok("0"))
    stubber.add_client_error("publish_batch", "InvalidParameter")
    outcome = _batch(connector, "a", "b")
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        (None, False),
        ("InvalidParameter", False),
    ]


def test_a_missing_topic_fails_the_call(stubbed: tuple[SnsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("publish_batch", "NotFound", http_status_code=404)
    with pytest.raises(connector.client.exceptions.NotFoundException):
        _batch(connector, "a", "b")
