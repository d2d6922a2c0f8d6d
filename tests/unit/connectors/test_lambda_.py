"""LambdaConnector: the invoke payload both ways, and one client per region."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import closing

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.lambda_ import LambdaConnector


@pytest.fixture
def stubbed() -> Iterator[tuple[LambdaConnector, Stubber]]:
    client = boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    session = boto3.Session(
        region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    connections = Connections(resolve_options({}), session=session, threads=1)
    with closing(connections), Stubber(client) as stubber:
        yield LambdaConnector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


def _answer(payload: bytes, **more: object) -> dict[str, object]:
    return {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(payload), len(payload)), **more}


def test_the_payload_of_the_answer_is_text(stubbed: tuple[LambdaConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_response("invoke", _answer(b'{"ok":true}'), {"FunctionName": "f", "Payload": "{}"})
    answer = asyncio.run(connector.invoke({"FunctionName": "f", "Payload": "{}"}))
    assert answer == {"StatusCode": 200, "Payload": '{"ok":true}'}


def test_a_payload_that_is_not_utf8_stays_bytes(stubbed: tuple[LambdaConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_response("invoke", _answer(b"\xff\xfe"), {"FunctionName": "f"})
    assert asyncio.run(connector.invoke({"FunctionName": "f"}))["Payload"] == b"\xff\xfe"


def test_a_json_value_payload_is_sent_as_its_text(stubbed: tuple[LambdaConnector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_response("invoke", _answer(b""), {"FunctionName": "f", "Payload": '{"a":[1]}'})
    asyncio.run(connector.invoke({"FunctionName": "f", "Payload": {"a": [1]}}))


def test_a_function_error_is_in_the_answer_not_raised(
    stubbed: tuple[LambdaConnector, Stubber],
) -> None:
    connector, stubber = stubbed
    stubber.add_response("invoke", _answer(b'{"errorMessage":"x"}', FunctionError="Unhandled"))
    answer = asyncio.run(connector.invoke({"FunctionName": "f"}))
    assert answer["FunctionError"] == "Unhandled"


def test_the_session_region_uses_the_given_client(stubbed: tuple[LambdaConnector, Stubber]) -> None:
    connector, _ = stubbed
    assert connector.client_in(None) is connector.client
    assert connector.client_in("us-east-1") is connector.client


def test_another_region_gets_a_client_of_its_own_made_once(
    stubbed: tuple[LambdaConnector, Stubber],
) -> None:
    """Deliberate difference: the JS mapping sinks rewrite the region of one shared client
    before each call, which races when calls overlap."""
    connector, _ = stubbed
    other = connector.client_in("eu-west-1")
    assert other.meta.region_name == "eu-west-1"
    assert connector.client_in("eu-west-1") is other
