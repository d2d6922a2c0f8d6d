"""InMemorySqs received from: visibility, receipt handles, deletes, attributes."""

from __future__ import annotations

import asyncio

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemorySqs

URL = "q"


def _receive(
    sqs: InMemorySqs, *, visibility_timeout_s: int | None = None, max_messages: int = 10
) -> tuple[JsonObject, ...]:
    return asyncio.run(
        sqs.receive_message(
            queue_url=URL, max_messages=max_messages, visibility_timeout_s=visibility_timeout_s
        )
    )


def _delete(sqs: InMemorySqs, *messages: JsonObject) -> list[str | None]:
    entries = [
        JsonObject({"Id": str(n), "ReceiptHandle": m.get_str("ReceiptHandle")})
        for n, m in enumerate(messages)
    ]
    outcome = asyncio.run(sqs.delete_message_batch(entries, queue_url=URL))
    return [result.error_code for result in outcome.results]


def test_a_received_message_is_hidden_until_its_timeout() -> None:
    now = [0.0]
    sqs = InMemorySqs(clock=lambda: now[0])
    sqs.enqueue(URL, "a")
    assert len(_receive(sqs, visibility_timeout_s=10)) == 1
    assert _receive(sqs) == ()
    now[0] = 11.0
    (again,) = _receive(sqs)
    assert again.get_object("Attributes")["ApproximateReceiveCount"] == "2"


def test_a_deleted_message_leaves_the_queue() -> None:
    sqs = InMemorySqs()
    sqs.enqueue(URL, "a")
    sqs.enqueue(URL, "b")
    first, _ = _receive(sqs)
    assert _delete(sqs, first) == [None]
    assert sqs.remaining(URL) == ["b"]


def test_only_the_latest_receipt_handle_deletes() -> None:
    sqs = InMemorySqs()
    sqs.enqueue(URL, "a")
    (old,) = _receive(sqs, visibility_timeout_s=0)
    _receive(sqs)
    assert _delete(sqs, old) == ["ReceiptHandleIsInvalid"]


def test_sent_messages_can_be_received() -> None:
    sqs = InMemorySqs()
    message = JsonObject(
        {
            "Id": "1",
            "MessageBody": "hi",
            "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": b"\x01"}},
        }
    )
    asyncio.run(sqs.send_message_batch([message], queue_url=URL))
    (received,) = _receive(sqs)
    assert received["Body"] == "hi"
    assert received.get_object("MessageAttributes")["b"] == {
        "DataType": "Binary",
        "BinaryValue": "AQ==",
    }


def test_at_most_ten_messages_come_at_once() -> None:
    sqs = InMemorySqs()
    for n in range(12):
        sqs.enqueue(URL, str(n))
    assert len(_receive(sqs, max_messages=20)) == 10
