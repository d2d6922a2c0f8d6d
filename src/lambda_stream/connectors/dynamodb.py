"""DynamoDB: single-item writes and reads, batches, and paged queries, in native values.

Requests and responses use plain values (``"t1"``, ``12``, ``frozenset({"a"})``), as the JS
library's DocumentClient does: ``Key``, ``Item``, ``ExclusiveStartKey`` and
``ExpressionAttributeValues`` are marshalled on the way out, and ``Attributes``, ``Item``,
``Items``, ``LastEvaluatedKey``, ``Responses`` and the unprocessed requests unmarshalled on the
way back (`lambda_stream.utils.dynamodb`: numbers stay exact, binaries are `Base64` text).
Every request names its table (``TableName``, or the tables of ``RequestItems``).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, Protocol, cast

from botocore.exceptions import ClientError

from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._entries import error_code
from lambda_stream.connectors._retry import BatchOutcome, EntryResult, backoff_ms, send_with_retries
from lambda_stream.core.errors import RetryableError
from lambda_stream.core.json import EMPTY_OBJECT, JsonObject, JsonValue, thaw
from lambda_stream.utils.dynamodb import marshall, unmarshall

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = [
    "MAX_GET_KEYS",
    "MAX_WRITE_ITEMS",
    "UNPROCESSED",
    "ConditionFailed",
    "DynamoDBConnector",
    "DynamoDBPort",
    "Pager",
    "Request",
    "UnprocessedKeysError",
    "read_all",
    "with_table",
    "write_request_error",
]

MAX_WRITE_ITEMS: Final = 25
"""BatchWriteItem takes at most 25 put or delete requests."""
MAX_GET_KEYS: Final = 100
"""BatchGetItem takes at most 100 keys."""
UNPROCESSED: Final = "UnprocessedItems"
"""The error code of a batch write DynamoDB still left unprocessed after the retries."""

Request = Mapping[str, JsonValue]
"""An API request in native values, such as ``{"TableName": "t", "Key": {"pk": "1"}}``."""

Pager = Callable[[Request], Awaitable[JsonObject]]
"""Reads one page of a Query or a Scan."""

_ATTRIBUTE_MAPS: Final = frozenset(
    {"Key", "Item", "ExclusiveStartKey", "ExpressionAttributeValues"}
)
# DynamoDB rejects an empty map here ("ExpressionAttributeValues must not be empty"), which an
# update that only removes attributes produces: such a map is left out instead.
_OMIT_WHEN_EMPTY: Final = frozenset({"ExpressionAttributeValues", "ExpressionAttributeNames"})
# Errors about the requests of a batch rather than the call (botocore's own check included).
_REFUSALS: Final = frozenset({"ValidationException", "ParamValidationError"})
_UNPROCESSED_MESSAGE: Final = "DynamoDB left the request unprocessed"
_UNPROCESSED_ENTRY: Final = JsonObject(
    {"ErrorCode": UNPROCESSED, "ErrorMessage": _UNPROCESSED_MESSAGE}
)


class ConditionFailed(Exception):
    """A write's ``ConditionExpression`` did not hold (``ConditionalCheckFailedException``).

    Attributes:
        item: the stored item, when the request asked for it with
            ``ReturnValuesOnConditionCheckFailure: "ALL_OLD"``.
    """

    def __init__(self, message: str, *, item: JsonObject | None = None) -> None:
        super().__init__(message)
        self.item = item


class UnprocessedKeysError(RetryableError):
    """BatchGetItem still left keys unprocessed when the retries ran out (worth retrying later).

    Attributes:
        unprocessed: the ``UnprocessedKeys`` of the last answer, in native values.
    """

    def __init__(self, message: str, *, unprocessed: JsonObject) -> None:
        super().__init__(message)
        self.unprocessed = unprocessed


class DynamoDBPort(Protocol):
    """Reads and writes DynamoDB items in native values.

    A call that fails raises (after the SDK's own retries): throttling, 5xx and timeouts are
    retryable for `lambda_stream.core.errors.is_retryable`, validation errors are not.
    """

    async def update(self, request: Request) -> JsonObject:
        """UpdateItem; the response, ``Attributes`` in native values.

        Raises:
            ConditionFailed: the request's condition did not hold.
        """
        ...

    async def put(self, request: Request) -> JsonObject:
        """PutItem; the response.

        Raises:
            ConditionFailed: the request's condition did not hold.
        """
        ...

    async def delete(self, request: Request) -> JsonObject:
        """DeleteItem; the response.

        Raises:
            ConditionFailed: the request's condition did not hold.
        """
        ...

    async def get(self, request: Request) -> JsonObject:
        """GetItem; the response, without ``Item`` when there is none."""
        ...

    async def batch_write(
        self, table: str, requests: Sequence[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        """BatchWriteItem, 25 requests per call, unprocessed ones retried with backoff.

        A request is ``{"PutRequest": {"Item": item}}`` or ``{"DeleteRequest": {"Key": key}}``.
        One result per request, in order: failed when it was still unprocessed after the
        retries (retryable), or rejected on its own (malformed, too large: not retryable).
        """
        ...

    async def batch_get(self, request: Request) -> JsonObject:
        """BatchGetItem, 100 keys per call, unprocessed keys retried with backoff.

        The request is ``{"RequestItems": {table: {"Keys": [...], ...}}}``; the answer is
        ``{"Responses": {table: [items]}}``.

        Raises:
            UnprocessedKeysError: keys were still unprocessed when the retries ran out.
        """
        ...

    async def query(self, request: Request) -> tuple[JsonObject, ...]:
        """The items of a Query, page after page until the last or until ``Limit`` items."""
        ...

    async def query_page(self, request: Request) -> JsonObject:
        """One page of a Query: ``Items``, ``LastEvaluatedKey`` when there is more, counts."""
        ...

    async def scan(self, request: Request) -> tuple[JsonObject, ...]:
        """The items of a Scan, paged as `query` pages."""
        ...

    async def scan_page(self, request: Request) -> JsonObject:
        """One page of a Scan, as `query_page`."""
        ...


class DynamoDBConnector:
    """`DynamoDBPort` over a boto3 client, on the shared thread pool of `connections`.

    Batch retries follow ``options.batch_max_retries`` and ``options.batch_retry_wait_ms``.
    """

    def __init__(
        self, connections: Connections | None = None, *, client: DynamoDBClient | None = None
    ) -> None:
        self.connections = connections or Connections()
        self.client: DynamoDBClient = client or self.connections.session.client(
            "dynamodb",
            config=self.connections.config("dynamodb"),
            endpoint_url=self.connections.endpoint_url,
        )

    async def update(self, request: Request) -> JsonObject:
        """UpdateItem (see `DynamoDBPort.update`)."""
        return await self._write(self.client.update_item, request)

    async def put(self, request: Request) -> JsonObject:
        """PutItem (see `DynamoDBPort.put`)."""
        return await self._write(self.client.put_item, request)

    async def delete(self, request: Request) -> JsonObject:
        """DeleteItem (see `DynamoDBPort.delete`)."""
        return await self._write(self.client.delete_item, request)

    async def _write(
        self, call: Callable[..., Mapping[str, object]], request: Request
    ) -> JsonObject:
        try:
            response = await self.connections.run(call, **wire(request))
        except ClientError as error:
            if _code(error) != "ConditionalCheckFailedException":
                raise
            old = cast(Mapping[str, object], error.response).get("Item")
            item = unmarshall(old) if isinstance(old, Mapping) else None
            raise ConditionFailed(str(error), item=item) from error
        return native(response)

    async def get(self, request: Request) -> JsonObject:
        """GetItem (see `DynamoDBPort.get`)."""
        return native(await self.connections.run(self.client.get_item, **wire(request)))

    async def batch_write(
        self, table: str, requests: Sequence[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        """BatchWriteItem (see `DynamoDBPort.batch_write`)."""
        results: list[EntryResult | None] = [None] * len(requests)
        sendable: list[int] = []
        for index, request in enumerate(requests):
            problem = write_request_error(request)
            if problem is None:
                sendable.append(index)
            else:
                results[index] = _rejected(problem)
        chunks = [
            sendable[start : start + MAX_WRITE_ITEMS]
            for start in range(0, len(sendable), MAX_WRITE_ITEMS)
        ]
        outcomes = await asyncio.gather(
            *(self._write_chunk(table, [requests[i] for i in chunk]) for chunk in chunks)
        )
        for chunk, outcome in zip(chunks, outcomes, strict=True):
            for index, result in zip(chunk, outcome.results, strict=True):
                results[index] = result
        return BatchOutcome(
            entries=tuple(requests),
            results=tuple(result for result in results if result is not None),
            responses=tuple(response for outcome in outcomes for response in outcome.responses),
        )

    async def _write_chunk(
        self, table: str, requests: list[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        try:
            return await self._send_writes(table, requests)
        except Exception as error:
            code = error_code(error)
            if code not in _REFUSALS:
                raise
            if len(requests) == 1:
                rejected = _rejected(str(error), code or "ValidationException")
                return BatchOutcome(entries=tuple(requests), results=(rejected,), responses=())
        # One bad request (too large, a key attribute missing, a key written twice) fails the
        # whole call: the halves go one after the other, in order, until it stands alone.
        middle = len(requests) // 2
        first = await self._write_chunk(table, requests[:middle])
        second = await self._write_chunk(table, requests[middle:])
        return BatchOutcome(
            entries=first.entries + second.entries,
            results=first.results + second.results,
            responses=first.responses + second.responses,
        )

    async def _send_writes(
        self, table: str, requests: list[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        unprocessed: set[int] = set()  # positions in the batch just sent

        async def send(batch: list[JsonObject]) -> JsonObject:
            wired = [_wire_write(request) for request in batch]
            response = await self.connections.run(
                self.client.batch_write_item, RequestItems={table: wired}
            )
            left = cast(
                list[Mapping[str, object]], response.get("UnprocessedItems", {}).get(table, [])
            )
            unprocessed.clear()
            unprocessed.update(_positions(wired, left))
            return _frozen(
                {"UnprocessedItems": {table: [_native_write(r) for r in left]} if left else {}}
            )

        def results_of(response: JsonObject, count: int) -> list[EntryResult]:
            return [
                EntryResult(
                    entry=_UNPROCESSED_ENTRY,
                    error_code=UNPROCESSED,
                    error_message=_UNPROCESSED_MESSAGE,
                    retryable=True,
                )
                if index in unprocessed
                else EntryResult(entry=EMPTY_OBJECT)
                for index in range(count)
            ]

        options = self.connections.options
        return await send_with_retries(
            requests,
            send,
            results_of,
            max_retries=options.batch_max_retries,
            retry_wait_ms=options.batch_retry_wait_ms,
        )

    async def batch_get(self, request: Request) -> JsonObject:
        """BatchGetItem (see `DynamoDBPort.batch_get`)."""
        specs = request.get("RequestItems")
        if not isinstance(specs, Mapping):
            raise ValueError("a BatchGetItem request needs RequestItems")
        keys = [
            (table, key)
            for table, spec in specs.items()
            if isinstance(spec, Mapping)
            for key in _members(spec.get("Keys"))
        ]
        chunks = [keys[start : start + MAX_GET_KEYS] for start in range(0, len(keys), MAX_GET_KEYS)]
        answers = await asyncio.gather(*(self._get_chunk(specs, chunk) for chunk in chunks))
        responses: dict[str, list[JsonObject]] = {table: [] for table in specs}
        for answer in answers:
            for table, found in answer.items():
                responses.setdefault(table, []).extend(found)
        return JsonObject({"Responses": responses})

    async def _get_chunk(
        self, specs: Mapping[str, JsonValue], keys: list[tuple[str, object]]
    ) -> dict[str, list[JsonObject]]:
        pending: dict[str, dict[str, object]] = {}
        for table, key in keys:
            if table not in pending:
                spec = specs[table]
                rest = (
                    {k: v for k, v in spec.items() if k != "Keys"}
                    if isinstance(spec, Mapping)
                    else {}
                )
                pending[table] = {**wire(rest), "Keys": []}
            cast(list[object], pending[table]["Keys"]).append(_wire_attributes(key))
        found: dict[str, list[JsonObject]] = {}
        options = self.connections.options
        attempt = 0
        while True:
            response = await self.connections.run(self.client.batch_get_item, RequestItems=pending)
            for table, items in response.get("Responses", {}).items():
                found.setdefault(table, []).extend(unmarshall(item) for item in items)
            left = cast(dict[str, dict[str, object]], response.get("UnprocessedKeys") or {})
            if not left:
                return found
            if attempt >= options.batch_max_retries:
                count = sum(len(_members(spec.get("Keys"))) for spec in left.values())
                raise UnprocessedKeysError(
                    f"BatchGetItem left {count} key(s) unprocessed after {attempt + 1} call(s)",
                    unprocessed=_native_keys(left),
                )
            attempt += 1
            await asyncio.sleep(backoff_ms(attempt, options.batch_retry_wait_ms) / 1000)
            pending = left

    async def query(self, request: Request) -> tuple[JsonObject, ...]:
        """Query, every page (see `DynamoDBPort.query`)."""
        return await read_all(self.query_page, request)

    async def query_page(self, request: Request) -> JsonObject:
        """One page of a Query (see `DynamoDBPort.query_page`)."""
        return native(await self.connections.run(self.client.query, **wire(request)))

    async def scan(self, request: Request) -> tuple[JsonObject, ...]:
        """Scan, every page (see `DynamoDBPort.scan`)."""
        return await read_all(self.scan_page, request)

    async def scan_page(self, request: Request) -> JsonObject:
        """One page of a Scan (see `DynamoDBPort.scan_page`)."""
        return native(await self.connections.run(self.client.scan, **wire(request)))


async def read_all(page: Pager, request: Request) -> tuple[JsonObject, ...]:
    """The items of every page `page` reads for `request`.

    Pages follow ``LastEvaluatedKey`` until there is none, or until ``Limit`` items were
    read (``Limit`` bounds each page too, so the last page may bring the total above it).
    """
    limit = request.get("Limit")
    params = dict(request)
    items: list[JsonObject] = []
    while True:
        answer = await page(params)
        items.extend(item for item in _members(answer.get("Items")) if isinstance(item, JsonObject))
        last = answer.get("LastEvaluatedKey")
        if not isinstance(last, JsonObject) or (isinstance(limit, int) and len(items) >= limit):
            return tuple(items)
        params["ExclusiveStartKey"] = last


def with_table(request: JsonObject, table: str | None) -> JsonObject:
    """`request` naming `table`, unless it names its own ``TableName`` (which wins).

    >>> with_table(JsonObject({"Key": {"pk": "1"}}), "t")
    JsonObject({'TableName': 't', 'Key': {'pk': '1'}})

    Raises:
        ValueError: neither the request nor `table` names a table.
    """
    if "TableName" in request:
        return request
    if not table:
        raise ValueError("the request names no TableName, and no table is configured")
    return JsonObject({"TableName": table, **request})


def write_request_error(request: JsonObject) -> str | None:
    """Why `request` is not a BatchWriteItem request, or None when it is one."""
    put, delete = request.get("PutRequest"), request.get("DeleteRequest")
    if len(request) == 1 and isinstance(put, JsonObject) and isinstance(put.get("Item"), Mapping):
        return None
    if (
        len(request) == 1
        and isinstance(delete, JsonObject)
        and isinstance(delete.get("Key"), Mapping)
    ):
        return None
    return 'a write request is {"PutRequest": {"Item": ...}} or {"DeleteRequest": {"Key": ...}}'


def wire(request: Mapping[str, object]) -> dict[str, object]:
    """The boto3 parameters of a request in native values."""
    out: dict[str, object] = {}
    for name, value in request.items():
        if name in _OMIT_WHEN_EMPTY and isinstance(value, Mapping) and not value:
            continue
        if name in _ATTRIBUTE_MAPS and isinstance(value, Mapping):
            out[name] = _wire_attributes(value)
        else:
            out[name] = thaw(value)  # type: ignore[arg-type]  # request members are JSON
    return out


def native(response: Mapping[str, object]) -> JsonObject:
    """A boto3 response in native values, without its transport metadata."""
    out: dict[str, object] = {}
    for name, value in response.items():
        if name == "ResponseMetadata":
            continue
        if name in ("Attributes", "Item", "LastEvaluatedKey") and isinstance(value, Mapping):
            out[name] = unmarshall(value)
        elif name == "Items" and isinstance(value, list):
            out[name] = [unmarshall(item) for item in value]
        elif name == "Responses" and isinstance(value, Mapping):
            out[name] = {
                table: [unmarshall(item) for item in items] for table, items in value.items()
            }
        else:
            out[name] = value
    return _frozen(out)


def _code(error: ClientError) -> str | None:
    return error.response.get("Error", {}).get("Code")


def _rejected(message: str, code: str = "ValidationException") -> EntryResult:
    entry = JsonObject({"ErrorCode": code, "ErrorMessage": message})
    return EntryResult(entry=entry, error_code=code, error_message=message)


def _members(value: object) -> list[object]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else []


def _wire_attributes(value: object) -> dict[str, object]:
    """An attribute map for boto3: marshalled, binaries as bytes (boto3 base64-encodes them)."""
    return {name: _binaries_as_bytes(attribute) for name, attribute in marshall(value).items()}  # type: ignore[arg-type]  # checked by marshall


def _binaries_as_bytes(attribute: dict[str, object]) -> dict[str, object]:
    [(tag, raw)] = attribute.items()
    if tag == "B":
        return {"B": base64.b64decode(cast(str, raw))}
    if tag == "BS":
        return {"BS": [base64.b64decode(cast(str, member)) for member in cast(list[object], raw)]}
    if tag == "M":
        members = cast(dict[str, dict[str, object]], raw)
        return {"M": {name: _binaries_as_bytes(member) for name, member in members.items()}}
    if tag == "L":
        return {"L": [_binaries_as_bytes(member) for member in cast(list[dict[str, object]], raw)]}
    return attribute


def _wire_write(request: JsonObject) -> dict[str, object]:
    put = request.get("PutRequest")
    if isinstance(put, JsonObject):
        return {"PutRequest": {"Item": _wire_attributes(put["Item"])}}
    delete = request.get_object("DeleteRequest")
    return {"DeleteRequest": {"Key": _wire_attributes(delete["Key"])}}


def _native_write(request: Mapping[str, object]) -> dict[str, object]:
    put, delete = request.get("PutRequest"), request.get("DeleteRequest")
    if isinstance(put, Mapping):
        return {"PutRequest": {"Item": _item(put["Item"])}}
    assert isinstance(delete, Mapping)  # BatchWriteItem knows no third kind
    return {"DeleteRequest": {"Key": _item(delete["Key"])}}


def _native_keys(specs: Mapping[str, Mapping[str, object]]) -> JsonObject:
    return _frozen(
        {
            table: {**spec, "Keys": [_item(key) for key in _members(spec.get("Keys"))]}
            for table, spec in specs.items()
        }
    )


def _item(attributes: object) -> JsonObject:
    if not isinstance(attributes, Mapping):
        raise TypeError(f"not an attribute map: {attributes!r:.80}")
    return unmarshall(attributes)


def _frozen(value: Mapping[str, object]) -> JsonObject:
    """A JsonObject of unmarshalled items and the JSON-like values boto3 answers."""
    return JsonObject(value)  # type: ignore[arg-type]  # JSON-like, as the docstring says


def _positions(sent: list[dict[str, object]], left: list[Mapping[str, object]]) -> set[int]:
    """The positions in `sent` of the `left` (unprocessed) requests.

    DynamoDB answers with the requests themselves, not their positions; they are matched by
    content. One that matches nothing would be lost, so every request is sent again then
    (puts and deletes without conditions can be repeated).
    """
    index: dict[str, list[int]] = {}
    for position, request in enumerate(sent):
        index.setdefault(_canonical(request), []).append(position)
    found: set[int] = set()
    for answer in left:
        positions = index.get(_canonical(answer))
        if not positions:
            return set(range(len(sent)))
        found.add(positions.pop(0))
    return found


def _canonical(request: object) -> str:
    return json.dumps(request, sort_keys=True, default=_text)


def _text(value: object) -> object:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON: {type(value).__name__}")
