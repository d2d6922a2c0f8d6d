"""get_secrets and decode_secret: JSON or base64 of JSON, merged over the options, cached."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest

from lambda_stream import resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.queries.secretsmanager import SecretError, decode_secret, get_secrets
from lambda_stream.testing.fakes import InMemorySecretsManager

SECRETS = {"apiKey": "k", "db": {"password": "p"}}


def _b64(value: object) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_a_secret_string_of_json_is_read() -> None:
    """Deliberate difference: the JS default decoder reads base64 of JSON only; plain JSON,
    what the console and most tools store, is read too (it cannot be mistaken for base64)."""
    assert decode_secret({"SecretString": json.dumps(SECRETS)}) == SECRETS


def test_a_secret_string_of_base64_json_is_read_as_the_js_library_stores_it() -> None:
    assert decode_secret({"SecretString": _b64(SECRETS)}) == SECRETS


def test_a_binary_secret_of_json_is_read() -> None:
    assert decode_secret({"SecretBinary": json.dumps(SECRETS).encode()}) == SECRETS


@pytest.mark.parametrize(
    "answer",
    [
        {"SecretString": "not json, not base64!"},
        {"SecretString": _b64([1, 2])},
        {"SecretString": "{broken"},
        {"SecretBinary": b"\xff"},
        {"Name": "no value"},
    ],
    ids=["neither", "not an object", "broken json", "binary not utf-8", "no value"],
)
def test_a_secret_that_is_not_a_json_object_is_an_error_that_does_not_quote_it(
    answer: dict[str, object],
) -> None:
    with pytest.raises(SecretError) as raised:
        decode_secret(answer)  # type: ignore[arg-type]  # JSON answers
    assert "broken" not in str(raised.value)
    assert raised.value.__cause__ is None


def test_the_secrets_are_merged_over_the_options_fields() -> None:
    store = InMemorySecretsManager({"svc/dev": {"apiKey": "k", "bus_name": "secret-bus"}})
    options = resolve_options({}, service="svc", stage="dev", bus_name="bus", parallel=3)
    merged = asyncio.run(get_secrets(options, store))
    assert (merged["parallel"], merged["apiKey"], merged["bus_name"]) == (3, "k", "secret-bus")


def test_the_default_secret_is_named_after_the_service_and_stage() -> None:
    """The JS library names it ``${PROJECT}/${STAGE}``; the service here is ``SERVICE``, then
    ``PROJECT``, then ``SERVERLESS_PROJECT``, as for the ``source`` tag."""
    store = InMemorySecretsManager({"svc/prod": {"a": 1}})
    asyncio.run(get_secrets(resolve_options({"PROJECT": "svc", "STAGE": "prod"}), store))
    assert store.calls == ["svc/prod"]


def test_a_mapping_of_settings_is_merged_too() -> None:
    store = InMemorySecretsManager({"s": _b64({"b": 2})})
    merged = asyncio.run(get_secrets({"a": 1}, store, secret_id="s"))
    assert merged == JsonObject({"a": 1, "b": 2})


def test_with_a_cache_the_secret_is_read_once() -> None:
    store = InMemorySecretsManager({"s": {"a": 1}})
    cache: dict[str, object] = {}

    async def twice() -> None:
        await get_secrets({}, store, secret_id="s", cache=cache)
        await get_secrets({}, store, secret_id="s", cache=cache)

    asyncio.run(twice())
    assert store.calls == ["s"]


def test_without_a_cache_every_call_reads_the_secret() -> None:
    store = InMemorySecretsManager({"s": {"a": 1}})
    for _ in range(2):
        asyncio.run(get_secrets({}, store, secret_id="s"))
    assert store.calls == ["s", "s"]


def test_a_fresh_cache_reads_a_rotated_secret() -> None:
    """Deliberate difference: the JS getSecrets keeps the secret in module state for the life
    of the container, so a rotated secret is never read again."""
    store = InMemorySecretsManager({"s": {"a": 1}})
    asyncio.run(get_secrets({}, store, secret_id="s", cache={}))
    store.put("s", {"a": 2})
    assert asyncio.run(get_secrets({}, store, secret_id="s", cache={}))["a"] == 2


def test_without_a_secret_id_or_service_and_stage_it_says_what_is_missing() -> None:
    with pytest.raises(ValueError, match="secret_id"):
        asyncio.run(get_secrets(resolve_options({}), InMemorySecretsManager()))
