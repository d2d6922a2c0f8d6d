"""InMemorySns: keeps published messages with their topic, refuses on demand."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonObject
from lambda_stream.testing.fakes import InMemorySns
from lambda_stream.testing.fakes._refusals import ServiceError


def test_a_published_message_keeps_its_own_target() -> None:
    sns = InMemorySns()
    asyncio.run(sns.publish(JsonObject({"Message": "m", "PhoneNumber": "+1"}), topic_arn="t"))
    assert sns.messages == [JsonObject({"Message": "m", "PhoneNumber": "+1"})]


def test_a_refused_publish_raises_an_error_carrying_the_code() -> None:
    sns = InMemorySns(refuse=lambda message, attempt: "Throttling")
    with pytest.raises(ServiceError) as raised:
        asyncio.run(sns.publish(JsonObject({"Message": "m"}), topic_arn="t"))
    assert raised.value.response["Error"]["Code"] == "Throttling"


def test_batch_entries_are_kept_without_their_ids() -> None:
    sns = InMemorySns()
    entries = [JsonObject({"Message": "a", "Subject": "s"}), JsonObject({"Message": "b"})]
    asyncio.run(sns.publish_batch(entries, topic_arn="t"))
    assert sns.messages == [
        JsonObject({"Message": "a", "Subject": "s", "TopicArn": "t"}),
        JsonObject({"Message": "b", "TopicArn": "t"}),
    ]
