"""get_secrets over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.secretsmanager import SecretsManagerConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.pipelines.context import PipelineContext
from lambda_stream.queries.secretsmanager import get_secrets
from lambda_stream.testing.faultproxy import FaultProxy, Rule, throttling
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

pytestmark = pytest.mark.usefixtures("instant_backoff")

OPTIONS = resolve_options({"PROJECT": "things", "STAGE": "dev"})
SECRETS = {"apiKey": "k", "db": {"password": "p"}}
Connect = Callable[[str], SecretsManagerConnector]


def admin(aws: LocalAws) -> SecretsManagerClient:
    """A client of the test's own, to set secrets up."""
    return boto3.client(
        "secretsmanager",
        endpoint_url=aws.endpoint_url,
        region_name=aws.region,
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=aws.secret_access_key,
    )


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def connect(aws: LocalAws, session: boto3.Session) -> Iterator[Connect]:
    made: list[Connections] = []

    def go(endpoint: str) -> SecretsManagerConnector:
        made.append(Connections(OPTIONS, session=session, endpoint_url=endpoint))
        return SecretsManagerConnector(made[-1])

    yield go
    for connections in made:
        connections.close()


def test_the_base64_secret_the_js_tooling_stores_is_merged_over_the_options(
    aws: LocalAws, connect: Connect
) -> None:
    stored = base64.b64encode(json.dumps(SECRETS).encode()).decode()
    admin(aws).create_secret(Name="things/dev", SecretString=stored)
    merged = asyncio.run(get_secrets(OPTIONS, connect(aws.endpoint_url)))
    assert (merged["apiKey"], merged["stage"]) == ("k", "dev")
    assert merged.get_object("db").get_str("password") == "p"


def test_the_pipelines_of_an_invocation_read_the_secret_once(
    aws: LocalAws, fault_proxy: FaultProxy, connect: Connect
) -> None:
    admin(aws).create_secret(Name="things/dev", SecretString=json.dumps(SECRETS))
    context = PipelineContext(id="p", options=OPTIONS, logger=logging.getLogger("p"))
    port = connect(fault_proxy.url)

    async def pipelines() -> None:
        for _ in range(3):
            assert (await get_secrets(OPTIONS, port, cache=context.cache))["apiKey"] == "k"

    asyncio.run(pipelines())
    assert len(fault_proxy.calls) == 1


def test_a_throttled_read_is_retried_until_it_passes(
    aws: LocalAws, fault_proxy: FaultProxy, connect: Connect
) -> None:
    admin(aws).create_secret(Name="things/dev", SecretString=json.dumps(SECRETS))
    fault_proxy.add(Rule(service="secretsmanager", error=throttling("secretsmanager"), max_hits=2))
    merged = asyncio.run(get_secrets(OPTIONS, connect(fault_proxy.url)))
    assert merged["apiKey"] == "k"
    assert [call.status for call in fault_proxy.calls] == [400, 400, 200]


def test_a_throttle_that_outlives_the_retries_raises_retryably(
    aws: LocalAws, fault_proxy: FaultProxy, connect: Connect
) -> None:
    admin(aws).create_secret(Name="things/dev", SecretString=json.dumps(SECRETS))
    fault_proxy.add(Rule(service="secretsmanager", error=throttling("secretsmanager")))
    with pytest.raises(ClientError) as raised:
        asyncio.run(get_secrets(OPTIONS, connect(fault_proxy.url)))
    assert is_retryable(raised.value)
