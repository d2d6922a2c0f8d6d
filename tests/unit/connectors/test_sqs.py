"""SqsConnector: the request, results matched by Id, retries, batches refused as a whole."""

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
from lambda_stream.connectors.sqs import SqsConnector
from lambda_stream.core.json import JsonObject, JsonValue

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


def _messages(*ids: str) -> list[JsonObject]:
    return [JsonObject({"Id": i, "MessageBody": f"body-{i}"}) for i in ids]


def _ok(*ids: str) -> dict[str, object]:
    return {
        "Successful": [{"Id": i, "MessageId": f"m-{i}", "MD5OfMessageBody": "0"} for i in ids],
        "Failed": [],
    }


def _failed(entry_id: str, code: str, sender: bool) -> dict[str, object]:
    return {"Id": entry_id, "SenderFault": sender, "Code": code, "Message": code}


def _send(connector: SqsConnector, messages: list[JsonObject]) -> BatchOutcome[JsonObject]:
    return asyncio.run(connector.send_message_batch(messages, queue_url=URL))


def test_the_messages_go_as_given_with_the_queue_url(
    stubbed: tuple[SqsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    given: dict[str, JsonValue] = {
        "Id": "1",
        "MessageBody": "b",
        "DelaySeconds": 5,
        "MessageGroupId": "g",
    }
    stubber.add_response("send_message_batch", _ok("1"), {"QueueUrl": URL, "Entries": [given]})
    assert _send(connector, [JsonObject(given)]).failed_count == 0


def test_results_follow_the_entries_whatever_the_order_of_the_answer(
    stubbed: tuple[SqsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_response("send_message_batch", _ok("b", "a"))
    outcome = _send(connector, _messages("a", "b"))
    assert [result.entry["MessageId"] for result in outcome.results] == ["m-a", "m-b"]


def test_a_service_failure_is_sent_again_alone(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    first = {**_ok("a"), "Failed": [_failed("b", "InternalError", sender=False)]}
    stubber.add_response("send_message_batch", first)
    again = {"QueueUrl": URL, "Entries": [{"Id": "b", "MessageBody": "body-b"}]}
    stubber.add_response("send_message_batch", _ok("b"), again)
    assert _send(connector, _messages("a", "b")).failed_count == 0


def test_a_sender_fault_is_not_sent_again(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    answer = {"Successful": [], "Failed": [_failed("a", "InvalidParameterValue", sender=True)]}
    stubber.add_response("send_message_batch", answer)
    outcome = _send(connector, _messages("a"))
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("InvalidParameterValue", False)
    ]


def test_a_batch_refused_for_a_repeated_id_is_split_and_the_rest_sent(
    stubbed: tuple[SqsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_client_error(
        "send_message_batch", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    )
    stubber.add_response("send_message_batch", _ok("a"))
    stubber.add_response("send_message_batch", _ok("a"))
    outcome = _send(connector, _messages("a", "a"))
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 1  # one attempt, split in two calls


def test_a_lone_refused_message_is_a_failure_of_its_own(
    stubbed: tuple[SqsConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("send_message_batch", "AWS.SimpleQueueService.InvalidBatchEntryId")
    outcome = _send(connector, _messages("a b"))
    assert [(r.error_code, r.retryable) for r in outcome.results] == [
        ("InvalidBatchEntryId", False)
    ]


def test_a_missing_queue_fails_the_call(stubbed: tuple[SqsConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("send_message_batch", "QueueDoesNotExist")
    with pytest.raises(connector.client.exceptions.QueueDoesNotExist):
        _send(connector, _messages("a", "b"))
