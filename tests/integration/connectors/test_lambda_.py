"""LambdaConnector over real HTTP against moto: invoke, and event source mappings by region.

Invocations run against moto's simple backend, which answers with the payload it was given
(see `tests.integration.lambdas`). Mappings are made on SQS queues only: a moto mapping on a
stream destroys the stream's records.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.lambda_ import LambdaConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.testing.moto import LocalAws, MotoServer
from tests.integration.lambdas import configure_lambda, function_in


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def connector(aws: LocalAws, session: boto3.Session) -> Iterator[LambdaConnector]:
    connections = Connections(resolve_options({}), session=session)
    yield LambdaConnector(connections)
    connections.close()


@pytest.fixture
def echoing(moto_server: MotoServer) -> Iterator[None]:
    """moto's Lambda answers an invocation with its payload instead of running Docker."""
    configure_lambda(moto_server, use_docker=False)
    yield
    configure_lambda(moto_server, use_docker=True)


@pytest.mark.usefixtures("echoing")
def test_an_invocation_answers_with_the_payload_as_text(
    aws: LocalAws, connector: LambdaConnector
) -> None:
    function_in(aws, "us-east-1")
    answer = asyncio.run(connector.invoke({"FunctionName": "f", "Payload": {"a": [1]}}))
    assert answer == {"StatusCode": 200, "Payload": '{"a":[1]}'}


def test_invoking_a_missing_function_raises_a_fault_that_is_not_retryable(
    aws: LocalAws, connector: LambdaConnector
) -> None:
    with pytest.raises(ClientError) as raised:
        asyncio.run(connector.invoke({"FunctionName": "none"}))
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert not is_retryable(raised.value)


def _mappings(answer: JsonObject) -> list[JsonObject]:
    found = answer["EventSourceMappings"]
    assert isinstance(found, JsonArray)
    return [mapping for mapping in found if isinstance(mapping, JsonObject)]


def test_a_mapping_is_created_updated_listed_and_deleted_in_its_region(
    aws: LocalAws, connector: LambdaConnector
) -> None:
    function_in(aws, "us-east-1")
    queue = function_in(aws, "eu-west-1")

    async def calls() -> None:
        made = await connector.create_event_source_mapping(
            {"FunctionName": "f", "EventSourceArn": queue, "BatchSize": 5}, region="eu-west-1"
        )
        uuid = made.get_str("UUID") or ""
        updated = await connector.update_event_source_mapping(
            {"UUID": uuid, "BatchSize": 7}, region="eu-west-1"
        )
        assert updated["BatchSize"] == 7
        there = await connector.list_event_source_mappings(
            {"FunctionName": "f"}, region="eu-west-1"
        )
        here = await connector.list_event_source_mappings({"FunctionName": "f"})
        assert [m.get_str("UUID") for m in _mappings(there)] == [uuid]
        assert _mappings(here) == []
        deleted = await connector.delete_event_source_mapping({"UUID": uuid}, region="eu-west-1")
        assert deleted["UUID"] == uuid

    asyncio.run(calls())
