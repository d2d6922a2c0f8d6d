"""Reading DynamoDB: queries and batch gets that adorn the uow, and splits to a uow per item.

`query_all_dynamodb` and `batch_get_dynamodb` keep what they read in the cache they are given
(a pipeline passes ``context.cache``, shared by the pipelines of one invocation and dropped
after it), keyed by the request: uows asking the same thing cost one read, even when they ask
at the same time. The JS library keeps such reads in a process-wide cache without expiry.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias, TypeVar, cast

from lambda_stream.connectors.dynamodb import DynamoDBPort, Pager, with_table
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import JsonObject, JsonValue, thaw
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.stream import Stream

__all__ = [
    "BATCH_GET_REQUEST",
    "BATCH_GET_RESPONSE",
    "QUERY_REQUEST",
    "QUERY_RESPONSE",
    "QUERY_SPLIT_REQUEST",
    "QUERY_SPLIT_RESPONSE",
    "SCAN_REQUEST",
    "SCAN_RESPONSE",
    "Decrypt",
    "batch_get_dynamodb",
    "query_all_dynamodb",
    "query_split_dynamodb",
    "scan_split_dynamodb",
    "to_get_request",
    "to_index_query_request",
    "to_pk_query_request",
]

T = TypeVar("T")

QUERY_REQUEST: Key[JsonObject] = Key("queryRequest")
"""A Query request (``KeyConditionExpression``, names, values, ...)."""
QUERY_RESPONSE: Key[tuple[JsonObject, ...]] = Key("queryResponse")
"""Every item the query found."""
BATCH_GET_REQUEST: Key[JsonObject] = Key("batchGetRequest")
"""A BatchGetItem request: ``{"RequestItems": {table: {"Keys": [...]}}}``."""
BATCH_GET_RESPONSE: Key[JsonObject] = Key("batchGetResponse")
"""``{"Responses": {table: [items]}}``."""
SCAN_REQUEST: Key[JsonObject] = Key("scanRequest")
"""A Scan request; on each uow a split makes, the request of the page its item came in."""
SCAN_RESPONSE: Key[JsonObject] = Key("scanResponse")
"""The page an item came in, its ``Items`` replaced by the one ``Item``."""
QUERY_SPLIT_REQUEST: Key[JsonObject] = Key("querySplitRequest")
"""A Query request to split; on each uow, the request of its item's page."""
QUERY_SPLIT_RESPONSE: Key[JsonObject] = Key("querySplitResponse")
"""The page an item came in, its ``Items`` replaced by the one ``Item``."""

Decrypt: TypeAlias = Callable[[JsonObject], Awaitable[JsonObject]]
"""Turns a stored item into the item the pipeline reads (for encrypted tables)."""
Step: TypeAlias = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]


def query_all_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    cache: MutableMapping[str, object] | None = None,
    table_name: str | None = None,
    request: Key[JsonObject] = QUERY_REQUEST,
    response: Key[tuple[JsonObject, ...]] = QUERY_RESPONSE,
    decrypt: Decrypt | None = None,
    parallel: int | None = None,
) -> Step:
    """A step adding every item of each uow's query (the JS library's ``queryAllDynamoDB``).

    Pages are read until the last, or until ``Limit`` items. A uow without a request passes
    through untouched.

    Args:
        options: the function's options (``EVENT_TABLE_NAME``, then ``ENTITY_TABLE_NAME``;
            ``QUERY_PARALLEL``).
        port: the DynamoDB connector.
        cache: where reads are kept for the invocation (``context.cache``); None reads always.
        table_name: the table, over the options', unless the request names its own.
        request: where the request is in the uow.
        response: where the items go.
        decrypt: applied to each item read.
        parallel: queries in flight.
    """
    table = table_name or options.event_table_name or options.entity_table_name

    async def fetch(sent: JsonObject) -> tuple[JsonObject, ...]:
        items = await port.query(with_table(sent, table))
        return tuple(await _decrypted(items, decrypt))

    async def query(uow: UnitOfWork) -> UnitOfWork:
        sent = uow.get(request)
        if sent is None:
            return uow
        full = with_table(sent, table)
        return uow.set(response, await _cached(cache, "query", full, lambda: fetch(full)))

    return lambda stream: stream.map_async(
        query, parallel=parallel or options.parallel_for("query")
    )


def batch_get_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    cache: MutableMapping[str, object] | None = None,
    request: Key[JsonObject] = BATCH_GET_REQUEST,
    response: Key[JsonObject] = BATCH_GET_RESPONSE,
    decrypt: Decrypt | None = None,
    parallel: int | None = None,
) -> Step:
    """A step adding the items of each uow's keys (the JS library's ``batchGetDynamoDB``).

    Keys DynamoDB leaves unprocessed are asked again with backoff; when some still are after
    the retries, the uow is a retryable fault. A uow without a request passes through.

    Args:
        options: the function's options (``GET_PARALLEL``).
        port: the DynamoDB connector.
        cache: where reads are kept for the invocation (``context.cache``); None reads always.
        request: where the request is in the uow.
        response: where the answer goes.
        decrypt: applied to each item read.
        parallel: requests in flight.
    """

    async def fetch(sent: JsonObject) -> JsonObject:
        answer = await port.batch_get(sent)
        tables = answer.get_object("Responses")
        return answer.set(
            "Responses",
            {table: await _decrypted(_objects(tables.get(table)), decrypt) for table in tables},
        )

    async def get(uow: UnitOfWork) -> UnitOfWork:
        sent = uow.get(request)
        if sent is None:
            return uow
        return uow.set(response, await _cached(cache, "batchGet", sent, lambda: fetch(sent)))

    return lambda stream: stream.map_async(get, parallel=parallel or options.parallel_for("get"))


def scan_split_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    request: Key[JsonObject] = SCAN_REQUEST,
    response: Key[JsonObject] = SCAN_RESPONSE,
    decrypt: Decrypt | None = None,
    parallel: int | None = None,
) -> Step:
    """A step turning each uow's scan into a uow per item (the JS ``scanSplitDynamoDB``).

    Each new uow carries the request of its page (``ExclusiveStartKey`` included) and the
    page's answer with its one ``Item``. Pages are read until the last, or until ``Limit``
    items; a scan that finds nothing leaves no uow. A uow without a request passes through.
    A uow's pages are all read before its items go on (a failed page faults the uow alone).

    Args:
        options: the function's options (``EVENT_TABLE_NAME``, ``ENTITY_TABLE_NAME``, then
            ``TABLE_NAME``; ``SCAN_PARALLEL``).
        port: the DynamoDB connector.
        table_name: the table, over the options'.
        request: where the request is in the uow.
        response: where each item's page goes.
        decrypt: applied to each item read.
        parallel: scans in flight.
    """
    table = table_name or options.event_table_name or options.entity_table_name
    return _split(
        port.scan_page,
        table or options.table_name,
        request,
        response,
        decrypt,
        parallel or options.parallel_for("scan"),
    )


def query_split_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    request: Key[JsonObject] = QUERY_SPLIT_REQUEST,
    response: Key[JsonObject] = QUERY_SPLIT_RESPONSE,
    decrypt: Decrypt | None = None,
    parallel: int | None = None,
) -> Step:
    """A step turning each uow's query into a uow per item (the JS ``querySplitDynamoDB``).

    As `scan_split_dynamodb`, for a Query.
    """
    table = table_name or options.event_table_name or options.entity_table_name
    return _split(
        port.query_page,
        table or options.table_name,
        request,
        response,
        decrypt,
        parallel or options.parallel_for("scan"),
    )


def to_pk_query_request(uow: UnitOfWork, *, pk_fn: str = "pk") -> JsonObject:
    """The query for every item of the event's partition key (the JS ``toPkQueryRequest``).

    >>> from lambda_stream.core.event import Event
    >>> uow = UnitOfWork(record=None, event=Event(id="1", type="t", partition_key="p1"))
    >>> to_pk_query_request(uow)["ExpressionAttributeValues"]
    JsonObject({':pk': 'p1'})

    Raises:
        ValueError: the uow's event has no partition key.
    """
    return JsonObject(
        {
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk_fn},
            "ExpressionAttributeValues": {":pk": _partition_key(uow)},
            "ConsistentRead": True,
        }
    )


def to_index_query_request(uow: UnitOfWork, *, index_name: str, index_fn: str) -> JsonObject:
    """The query of index `index_name` whose key `index_fn` is the event's partition key.

    Raises:
        ValueError: the uow's event has no partition key.
    """
    return JsonObject(
        {
            "IndexName": index_name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": index_fn},
            "ExpressionAttributeValues": {":pk": _partition_key(uow)},
            "ConsistentRead": False,
        }
    )


def to_get_request(uow: UnitOfWork, *, fks: Sequence[str], table_name: str) -> JsonObject:
    """The batch get of the items the change event's foreign keys refer to.

    A foreign key holds ``"<discriminator>|<pk>"``; it refers to the item ``{pk, sk:
    discriminator}``. The new image is read, or the old one when there is no new one; a key
    that is absent or empty is skipped. A ``|`` in the pk is kept (the JS library cuts the pk
    at it).

    >>> from lambda_stream.core.event import Event
    >>> event = Event.from_dict({"id": "1", "type": "t", "raw": {"new": {"owner": "user|u1"}}})
    >>> to_get_request(UnitOfWork(record=None, event=event), fks=["owner"], table_name="t").thaw()
    {'RequestItems': {'t': {'Keys': [{'pk': 'u1', 'sk': 'user'}]}}}

    Raises:
        ValueError: a foreign key is not a ``"<discriminator>|<pk>"`` string.
    """
    raw = uow.event.raw if uow.event is not None else None
    image = raw.get_object("new") or raw.get_object("old") if isinstance(raw, JsonObject) else None
    keys: list[JsonValue] = []
    for fk in fks:
        value = image.get(fk) if image is not None else None
        if value is None or value == "":
            continue
        if not isinstance(value, str) or "|" not in value:
            raise ValueError(f"foreign key {fk} is not '<discriminator>|<pk>': {value!r:.80}")
        discriminator, _, pk = value.partition("|")
        keys.append({"pk": pk, "sk": discriminator})
    return JsonObject({"RequestItems": {table_name: {"Keys": keys}}})


def _split(
    page_of: Pager,
    table: str | None,
    request: Key[JsonObject],
    response: Key[JsonObject],
    decrypt: Decrypt | None,
    parallel: int,
) -> Step:
    async def read(uow: UnitOfWork) -> list[UnitOfWork]:
        sent = uow.get(request)
        if sent is None:
            return [uow]
        limit = sent.get("Limit")
        out: list[UnitOfWork] = []
        params = sent
        while True:
            page = await page_of(with_table(params, table))
            items = await _decrypted(_objects(page.get("Items")), decrypt)
            last = page.get("LastEvaluatedKey")
            rest = page.remove("Items", "LastEvaluatedKey")
            if isinstance(last, JsonObject):
                rest = rest.set("LastEvaluatedKey", last)
            for item in items:
                out.append(uow.set(request, params).set(response, rest.set("Item", item)))
            if not isinstance(last, JsonObject) or (isinstance(limit, int) and len(out) >= limit):
                return out
            params = sent.set("ExclusiveStartKey", last)

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.map_async(read, parallel=parallel).flat_map(_each)

    return step


def _each(uows: Iterable[UnitOfWork]) -> Iterable[UnitOfWork | Fault]:
    return uows


@dataclass(slots=True)
class _Reading:
    """A read in flight: who asks the same meanwhile waits for it."""

    done: asyncio.Event = field(default_factory=asyncio.Event)


async def _cached(
    cache: MutableMapping[str, object] | None,
    kind: str,
    request: JsonObject,
    fetch: Callable[[], Awaitable[T]],
) -> T:
    """``await fetch()``, read once per invocation for a `request` of `kind`."""
    if cache is None:
        return await fetch()
    key = f"dynamodb.{kind}:{_canonical(request)}"
    while isinstance(held := cache.get(key), _Reading):
        await held.done.wait()
    if key in cache:
        return cast(T, held)  # only this module writes its keys, with a T
    reading = _Reading()
    cache[key] = reading
    try:
        value = await fetch()
    except BaseException:
        del cache[key]  # a failed read is not kept: a waiter reads again itself
        raise
    finally:
        reading.done.set()
    cache[key] = value
    return value


def _canonical(request: JsonObject) -> str:
    return json.dumps(thaw(request), sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return {"N": str(value)}
    if isinstance(value, bytes):
        return {"B": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Set):
        return {"set": sorted(json.dumps(member, default=_plain) for member in value)}
    raise TypeError(f"not JSON: {type(value).__name__}")


def _objects(value: object) -> list[JsonObject]:
    return [v for v in value if isinstance(v, JsonObject)] if isinstance(value, Sequence) else []


async def _decrypted(items: Iterable[JsonObject], decrypt: Decrypt | None) -> list[JsonObject]:
    if decrypt is None:
        return list(items)
    return [await decrypt(item) for item in items]


def _partition_key(uow: UnitOfWork) -> str:
    key = uow.event.partition_key if uow.event is not None else None
    if key is None:
        raise ValueError("the uow's event has no partitionKey to query by")
    return key
