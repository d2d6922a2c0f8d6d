"""InMemoryLambda: handlers run in place of functions, mappings kept by region."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonValue
from lambda_stream.testing.fakes import InMemoryLambda
from lambda_stream.testing.fakes.lambda_ import ResourceNotFound


def test_a_function_is_found_by_its_arn_too() -> None:
    fake = InMemoryLambda({"f": lambda payload: payload})
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    assert asyncio.run(fake.invoke({"FunctionName": arn, "Payload": "1"}))["Payload"] == "1"


def test_an_event_invocation_is_accepted_without_a_result() -> None:
    seen: list[JsonValue] = []
    fake = InMemoryLambda({"f": lambda payload: seen.append(payload)})
    answer = asyncio.run(
        fake.invoke({"FunctionName": "f", "Payload": "2", "InvocationType": "Event"})
    )
    assert (answer["StatusCode"], seen) == (202, [2])


def test_an_unknown_function_is_not_found() -> None:
    with pytest.raises(ResourceNotFound):
        asyncio.run(InMemoryLambda().invoke({"FunctionName": "none"}))


def test_a_mapping_can_be_disabled_by_an_update() -> None:
    fake = InMemoryLambda()
    made = asyncio.run(
        fake.create_event_source_mapping({"FunctionName": "f", "EventSourceArn": "q"})
    )
    update = {"UUID": made["UUID"], "Enabled": False}
    assert asyncio.run(fake.update_event_source_mapping(update))["State"] == "Disabled"
