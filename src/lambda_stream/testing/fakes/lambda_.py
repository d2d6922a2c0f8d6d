"""An in-memory Lambda port."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping

from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.json import JsonObject, JsonValue, dumps

__all__ = ["InMemoryLambda", "ResourceNotFound"]

Handler = Callable[[JsonValue], JsonValue]
"""A function's code: the parsed payload in, the result out (raising makes a function error)."""

_DEFAULT_REGION = "us-east-1"


class ResourceNotFound(LookupError):
    """No such function or mapping (Lambda answers ``ResourceNotFoundException``)."""


class InMemoryLambda:
    """A `LambdaPort` running Python handlers in place of functions, and keeping mappings.

    A handler that raises makes the answer carry ``FunctionError: Unhandled`` and the error
    payload, as Lambda does. `invocations` records ``(function, payload)`` per invocation;
    `mappings` holds the event source mappings by UUID, each with its ``region``.

    >>> import asyncio
    >>> fake = InMemoryLambda({"echo": lambda payload: payload})
    >>> asyncio.run(fake.invoke({"FunctionName": "echo", "Payload": '{"a": 1}'}))["Payload"]
    '{"a":1}'
    """

    def __init__(self, functions: Mapping[str, Handler] | None = None) -> None:
        self.functions: dict[str, Handler] = dict(functions or {})
        self.invocations: list[tuple[str, JsonValue]] = []
        self.mappings: dict[str, dict[str, JsonValue]] = {}

    async def invoke(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Run the handler of ``FunctionName`` (a name or an ARN) on the ``Payload``."""
        params = plain_request(request)
        name = str(params.get("FunctionName", "")).rsplit(":", 1)[-1]
        handler = self.functions.get(name)
        if handler is None:
            raise ResourceNotFound(f"Function not found: {name}")
        raw = params.get("Payload")
        payload: JsonValue = json.loads(raw) if isinstance(raw, str | bytes) and raw else raw
        self.invocations.append((name, payload))
        if params.get("InvocationType") == "Event":
            handler(payload)
            return JsonObject({"StatusCode": 202, "Payload": ""})
        try:
            result = handler(payload)
        except Exception as error:
            failure = {"errorMessage": str(error), "errorType": type(error).__name__}
            return JsonObject(
                {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": dumps(failure)}
            )
        return JsonObject({"StatusCode": 200, "Payload": dumps(result)})

    async def list_event_source_mappings(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """The mappings of `region` matching ``FunctionName`` and ``EventSourceArn``."""
        params = plain_request(request)
        found = [
            _public(mapping)
            for mapping in self.mappings.values()
            if mapping["region"] == (region or _DEFAULT_REGION)
            and all(
                params.get(name) in (None, mapping.get(name))
                for name in ("FunctionName", "EventSourceArn")
            )
        ]
        return JsonObject({"EventSourceMappings": found})

    async def create_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Keep a new mapping, enabled unless the request says otherwise."""
        params = plain_request(request)
        mapping_id = str(uuid.uuid4())
        enabled = params.pop("Enabled", True)
        mapping: dict[str, JsonValue] = {
            **params,
            "UUID": mapping_id,
            "State": "Enabled" if enabled else "Disabled",
            "region": region or _DEFAULT_REGION,
        }
        self.mappings[mapping_id] = mapping
        return JsonObject(_public(mapping))

    async def update_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Change the mapping ``UUID``."""
        params = plain_request(request)
        mapping = self._mapping(params, region)
        enabled = params.pop("Enabled", None)
        mapping.update(params)
        if enabled is not None:
            mapping["State"] = "Enabled" if enabled else "Disabled"
        return JsonObject(_public(mapping))

    async def delete_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Forget the mapping ``UUID``; the answer shows it ``Deleting``."""
        mapping = self._mapping(plain_request(request), region)
        del self.mappings[str(mapping["UUID"])]
        return JsonObject({**_public(mapping), "State": "Deleting"})

    def _mapping(self, params: Mapping[str, JsonValue], region: str | None) -> dict[str, JsonValue]:
        mapping = self.mappings.get(str(params.get("UUID")))
        if mapping is None or mapping["region"] != (region or _DEFAULT_REGION):
            raise ResourceNotFound(f"The resource you requested does not exist: {params}")
        return mapping


def _public(mapping: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    return {k: v for k, v in mapping.items() if k != "region"}
