"""Secrets Manager: read a secret's value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.core.json import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

__all__ = ["SecretsManagerConnector", "SecretsManagerPort"]


class SecretsManagerPort(Protocol):
    """Reads secrets."""

    async def get_secret_value(self, *, SecretId: str) -> JsonObject:
        """``GetSecretValue``: ``SecretString`` (or ``SecretBinary``), ``Name``, ``ARN``, ...

        The answer holds the secret: never log it.

        Raises:
            Exception: the call failed (after the SDK's own retries), e.g. no such secret.
        """
        ...


class SecretsManagerConnector:
    """`SecretsManagerPort` over a boto3 client, on the shared thread pool of `connections`."""

    def __init__(
        self,
        connections: Connections | None = None,
        *,
        client: SecretsManagerClient | None = None,
    ) -> None:
        self.connections = connections or Connections()
        self.client: SecretsManagerClient = client or self.connections.session.client(
            "secretsmanager",
            config=self.connections.config("secretsmanager"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def get_secret_value(self, *, SecretId: str) -> JsonObject:
        """Read the secret (see `SecretsManagerPort.get_secret_value`)."""
        response = await self.connections.run(self.client.get_secret_value, SecretId=SecretId)
        return frozen_response(response)
