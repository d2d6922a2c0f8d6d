"""Secrets: read a function's secrets once per invocation, merged over its options."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable, Mapping, MutableMapping

from lambda_stream.connectors.secretsmanager import SecretsManagerPort
from lambda_stream.core.json import JsonObject, JsonValue, _adopt_object
from lambda_stream.core.options import Options

__all__ = ["SecretError", "decode_secret", "get_secrets"]

_CACHE_PREFIX = "secretsmanager:"


class SecretError(ValueError):
    """A secret's value is not a JSON object, as text or as base64 of the text."""


def decode_secret(response: Mapping[str, JsonValue]) -> JsonObject:
    """The JSON object a ``GetSecretValue`` answer holds.

    ``SecretString`` is the object's JSON text, or base64 of it: the JS library's default
    decoder (and the serverless-secrets-mgr-plugin that stores the secrets) uses base64, and
    a base64 text never starts with ``{``, so both read unambiguously. ``SecretBinary`` is the
    JSON's bytes. The error names neither the secret nor any of it.

    >>> decode_secret({"SecretString": '{"apiKey": "k"}'})["apiKey"]
    'k'
    >>> decode_secret({"SecretString": "eyJhcGlLZXkiOiAiayJ9"})["apiKey"]
    'k'
    """
    text = response.get("SecretString")
    if isinstance(text, str):
        stripped = text.strip()
        if not stripped.startswith("{"):
            try:
                stripped = base64.b64decode(stripped, validate=True).decode("utf-8").strip()
            except (binascii.Error, UnicodeDecodeError):
                raise SecretError("the secret is neither JSON nor base64 of JSON") from None
        return _object(stripped)
    binary = response.get("SecretBinary")
    if isinstance(binary, bytes):
        try:
            return _object(binary.decode("utf-8"))
        except UnicodeDecodeError:
            raise SecretError("the binary secret is not UTF-8 JSON") from None
    raise SecretError("the answer holds no SecretString or SecretBinary")


def _object(text: str) -> JsonObject:
    try:
        value = json.loads(text)
    except ValueError:
        raise SecretError("the secret is not JSON") from None  # the message could quote it
    if not isinstance(value, dict):
        raise SecretError("the secret is not a JSON object")
    return _adopt_object(value)


async def get_secrets(
    options: Options | Mapping[str, JsonValue],
    port: SecretsManagerPort,
    *,
    secret_id: str | None = None,
    cache: MutableMapping[str, object] | None = None,
    decode: Callable[[JsonObject], JsonObject] = decode_secret,
) -> JsonObject:
    """The options with the function's secrets merged over them (the JS ``getSecrets``).

    All of a function's secrets live in one secret, ``<project>/<stage>`` by default (as the
    JS library names it), a JSON object. The result is a new object: the options' fields by
    name (or the mapping given), then every secret (secrets win on a clash). With a `cache`,
    such as the invocation's ``PipelineContext.cache``, the secret is read once per
    invocation; the next invocation reads it afresh, so a rotated secret is picked up.

    >>> import asyncio
    >>> from lambda_stream.testing.fakes.secretsmanager import InMemorySecretsManager
    >>> store = InMemorySecretsManager({"svc/dev": {"apiKey": "k"}})
    >>> merged = asyncio.run(get_secrets({"stage": "dev"}, store, secret_id="svc/dev"))
    >>> merged["stage"], merged["apiKey"]
    ('dev', 'k')

    Args:
        options: the function's options, or a mapping of settings.
        port: the Secrets Manager connector.
        secret_id: the secret; ``<service>/<stage>`` of the options when None.
        cache: where the decoded secret is kept between calls.
        decode: reads the secret out of the ``GetSecretValue`` answer.

    Raises:
        ValueError: no `secret_id`, and the options name no service and stage.
        SecretError: the secret is not a JSON object.
        Exception: the secret could not be read.
    """
    settings = _settings(options)
    name = secret_id or _default_id(options)
    key = _CACHE_PREFIX + name
    found = cache.get(key) if cache is not None else None
    if isinstance(found, JsonObject):
        secrets = found
    else:
        secrets = decode(await port.get_secret_value(SecretId=name))
        if cache is not None:
            cache[key] = secrets
    return settings.update(secrets)


def _settings(options: Options | Mapping[str, JsonValue]) -> JsonObject:
    if isinstance(options, Options):
        return JsonObject({f.name: getattr(options, f.name) for f in dataclasses.fields(options)})
    return JsonObject(options)


def _default_id(options: Options | Mapping[str, JsonValue]) -> str:
    if isinstance(options, Options) and options.service and options.stage:
        return f"{options.service}/{options.stage}"
    raise ValueError("get_secrets needs secret_id=, or options with a service and a stage")
