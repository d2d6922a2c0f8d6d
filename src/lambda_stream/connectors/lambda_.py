"""Lambda: invoke functions, and manage event source mappings in any region."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.json import JsonObject, JsonValue, dumps

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_lambda.type_defs import InvocationResponseTypeDef

__all__ = ["LambdaConnector", "LambdaPort"]


class LambdaPort(Protocol):
    """Invokes functions and manages event source mappings.

    Requests are Lambda's own parameters; answers are its responses without their transport
    metadata. `region` names the region of an event source mapping (the client's own when
    None). Every method raises when the call fails (after the SDK's own retries).
    """

    async def invoke(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """``Invoke``; ``Payload`` in the answer is text (bytes when it is not UTF-8).

        A function that failed is no failed call: its answer carries ``FunctionError``.
        """
        ...

    async def list_event_source_mappings(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """One page of ``ListEventSourceMappings`` (the next starts at its ``NextMarker``)."""
        ...

    async def create_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """``CreateEventSourceMapping``."""
        ...

    async def update_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """``UpdateEventSourceMapping``."""
        ...

    async def delete_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """``DeleteEventSourceMapping``."""
        ...


class LambdaConnector:
    """`LambdaPort` over boto3 clients, on the shared thread pool of `connections`.

    `client` serves the session's region; a mapping in another region gets a client of its
    own, made once and kept (the JS library rewrites the region of one shared client before
    each call, which races when calls overlap).
    """

    def __init__(
        self, connections: Connections | None = None, *, client: LambdaClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: LambdaClient = client or self._client_for(None)
        self._regional: dict[str, LambdaClient] = {}

    def _client_for(self, region: str | None) -> LambdaClient:
        return self.connections.session.client(
            "lambda",
            region_name=region,
            config=self.connections.config("lambda"),
            endpoint_url=self.connections.endpoint_url,
        )

    def client_in(self, region: str | None) -> LambdaClient:
        """The client for `region`: the default one when None or the session's region."""
        if region is None or region == self.client.meta.region_name:
            return self.client
        if region not in self._regional:
            self._regional[region] = self._client_for(region)
        return self._regional[region]

    async def invoke(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Invoke the function (see `LambdaPort.invoke`)."""
        params = plain_request(request)
        payload = params.get("Payload")
        if payload is not None and not isinstance(payload, str | bytes):
            params["Payload"] = dumps(payload)  # a JSON value given as such: send its text
        return await self.connections.run(self._invoke, params=params)

    def _invoke(self, *, params: dict[str, object]) -> JsonObject:
        # The payload is read on the pool thread too: reading it is network IO.
        call: Callable[..., InvocationResponseTypeDef] = self.client.invoke  # botocore checks
        response = call(**params)
        raw = response["Payload"]
        try:
            body = raw.read()
        finally:
            raw.close()
        rest = {name: value for name, value in response.items() if name != "Payload"}
        try:
            rest["Payload"] = body.decode("utf-8")
        except UnicodeDecodeError:
            rest["Payload"] = body
        return frozen_response(rest)

    async def list_event_source_mappings(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """List mappings (see `LambdaPort.list_event_source_mappings`)."""
        client = self.client_in(region)
        params = plain_request(request)
        response = await self.connections.run(client.list_event_source_mappings, **params)
        return frozen_response(response)

    async def create_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Create a mapping (see `LambdaPort.create_event_source_mapping`)."""
        client = self.client_in(region)
        params = plain_request(request)
        response = await self.connections.run(client.create_event_source_mapping, **params)
        return frozen_response(response)

    async def update_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Update a mapping (see `LambdaPort.update_event_source_mapping`)."""
        client = self.client_in(region)
        params = plain_request(request)
        response = await self.connections.run(client.update_event_source_mapping, **params)
        return frozen_response(response)

    async def delete_event_source_mapping(
        self, request: Mapping[str, JsonValue], *, region: str | None = None
    ) -> JsonObject:
        """Delete a mapping (see `LambdaPort.delete_event_source_mapping`)."""
        client = self.client_in(region)
        params = plain_request(request)
        response = await self.connections.run(client.delete_event_source_mapping, **params)
        return frozen_response(response)
