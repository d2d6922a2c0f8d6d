"""SecretsManagerConnector over real HTTP against moto."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.secretsmanager import SecretsManagerConnector
from lambda_stream.core.errors import is_retryable
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


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
def secrets(aws: LocalAws, session: boto3.Session) -> Iterator[SecretsManagerConnector]:
    connections = Connections(resolve_options({}), session=session)
    yield SecretsManagerConnector(connections)
    connections.close()


def test_a_text_secret_is_read(aws: LocalAws, secrets: SecretsManagerConnector) -> None:
    admin(aws).create_secret(Name="svc/dev", SecretString='{"a":1}')
    answer = asyncio.run(secrets.get_secret_value(SecretId="svc/dev"))
    assert (answer["Name"], answer["SecretString"]) == ("svc/dev", '{"a":1}')


def test_a_binary_secret_is_read_as_bytes(aws: LocalAws, secrets: SecretsManagerConnector) -> None:
    admin(aws).create_secret(Name="bin", SecretBinary=b'{"a":1}')
    assert asyncio.run(secrets.get_secret_value(SecretId="bin"))["SecretBinary"] == b'{"a":1}'


def test_a_missing_secret_raises_an_error_that_is_not_retryable(
    secrets: SecretsManagerConnector,
) -> None:
    with pytest.raises(ClientError) as raised:
        asyncio.run(secrets.get_secret_value(SecretId="none"))
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert not is_retryable(raised.value)
