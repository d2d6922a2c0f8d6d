"""InMemorySecretsManager: secrets as text, reads counted, missing secrets."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.testing.fakes import InMemorySecretsManager
from lambda_stream.testing.fakes.secretsmanager import SecretNotFound


def test_text_is_stored_as_it_is() -> None:
    store = InMemorySecretsManager({"s": "eyJhIjogMX0="})
    assert asyncio.run(store.get_secret_value(SecretId="s"))["SecretString"] == "eyJhIjogMX0="


def test_a_missing_secret_is_not_found_and_the_read_is_counted() -> None:
    store = InMemorySecretsManager()
    with pytest.raises(SecretNotFound):
        asyncio.run(store.get_secret_value(SecretId="none"))
    assert store.calls == ["none"]
