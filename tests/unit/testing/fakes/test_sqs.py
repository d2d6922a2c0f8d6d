"""InMemorySqs: keeps accepted messages, refuses bad batches as SQS does, refuses on demand."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemorySqs
from lambda_stream.testing.fakes._refusals import ServiceError


def _messages(*ids: str) -> list[JsonObject]:
    return [JsonObject({"Id": i, "MessageBody": f"b-{i}"}) for i in ids]


def test_a_batch_repeating_an_id_is_refused_as_a_whole() -> None:
    with pytest.raises(ServiceError, match="BatchEntryIdsNotDistinct"):
        asyncio.run(InMemorySqs().send_message_batch(_messages("a", "a"), queue_url="q"))


def test_more_than_10_messages_are_refused_as_a_whole() -> None:
    ids = [str(n) for n in range(11)]
    with pytest.raises(ServiceError, match="TooManyEntriesInBatchRequest"):
        asyncio.run(InMemorySqs().send_message_batch(_messages(*ids), queue_url="q"))


def test_a_refusal_worth_retrying_is_not_the_senders_fault() -> None:
    sqs = InMemorySqs(refuse=lambda message, attempt: "InternalError", max_retries=0)
    outcome = asyncio.run(sqs.send_message_batch(_messages("a"), queue_url="q"))
    assert outcome.results[0].entry["SenderFault"] is False
    assert outcome.results[0].retryable
