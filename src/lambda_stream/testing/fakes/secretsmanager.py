"""An in-memory Secrets Manager port."""

from __future__ import annotations

import json
from collections.abc import Mapping

from lambda_stream.core.json import JsonObject, JsonValue

__all__ = ["InMemorySecretsManager", "SecretNotFound"]


class SecretNotFound(LookupError):
    """The fake holds no such secret (Secrets Manager answers ``ResourceNotFoundException``)."""


class InMemorySecretsManager:
    """A `SecretsManagerPort` over a dict of secrets; `calls` counts the reads.

    A secret given as a mapping is stored as its JSON text; text is stored as it is (base64
    of JSON, say, as the JS library's tooling stores it).

    >>> import asyncio
    >>> store = InMemorySecretsManager({"svc/dev": {"apiKey": "k"}})
    >>> asyncio.run(store.get_secret_value(SecretId="svc/dev"))["SecretString"]
    '{"apiKey": "k"}'
    """

    def __init__(self, secrets: Mapping[str, Mapping[str, JsonValue] | str] | None = None) -> None:
        self.secrets: dict[str, str] = {}
        self.calls: list[str] = []
        for name, value in (secrets or {}).items():
            self.put(name, value)

    def put(self, name: str, value: Mapping[str, JsonValue] | str) -> None:
        """Store a secret (not recorded as a call)."""
        self.secrets[name] = value if isinstance(value, str) else json.dumps(dict(value))

    async def get_secret_value(self, *, SecretId: str) -> JsonObject:
        """The secret's answer; `SecretNotFound` when there is none."""
        self.calls.append(SecretId)
        if SecretId not in self.secrets:
            raise SecretNotFound(f"Secrets Manager can't find the secret {SecretId}")
        return JsonObject({"Name": SecretId, "SecretString": self.secrets[SecretId]})
