"""Writing to DynamoDB: conditional updates, puts, deletes, and batch writes.

Each sink reads a request the pipeline put in the uow (``updateRequest``, ``putRequest``,
``deleteRequest``, ``batchWriteRequestEntry``), sends it with the table of the options unless
the request names its own ``TableName``, and adorns the uow with the answer. A uow without a
request passes through untouched, in place. A failed call is a fault of its uow: retryable
when DynamoDB throttled, failed inside or timed out; not when the request was invalid or a
condition the rule requires did not hold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.dynamodb import (
    MAX_WRITE_ITEMS,
    UNPROCESSED,
    ConditionFailed,
    DynamoDBPort,
    with_table,
    write_request_error,
)
from lambda_stream.core.json import EMPTY_OBJECT, JsonObject, JsonValue
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, batched
from lambda_stream.stream import Stream

__all__ = [
    "BATCH_WRITE_REQUEST",
    "BATCH_WRITE_REQUEST_ENTRY",
    "BATCH_WRITE_RESPONSE",
    "DELETE_REQUEST",
    "DELETE_RESPONSE",
    "FALLBACK_UPDATE_REQUEST",
    "PUT_REQUEST",
    "PUT_RESPONSE",
    "UPDATE_REQUEST",
    "UPDATE_RESPONSE",
    "batch_write_dynamodb",
    "delete_dynamodb",
    "delete_entry",
    "put_dynamodb",
    "put_entry",
    "update_dynamodb",
]

UPDATE_REQUEST: Key[JsonObject] = Key("updateRequest")
"""An UpdateItem request: ``Key``, ``UpdateExpression``, names, values, a condition."""
UPDATE_RESPONSE: Key[JsonObject] = Key("updateResponse")
"""The UpdateItem answer (``Attributes``), or ``{}`` when the condition did not hold."""
FALLBACK_UPDATE_REQUEST: Key[JsonObject] = Key("fallbackUpdateRequest")
"""An update to try once when the condition of ``updateRequest`` did not hold."""
PUT_REQUEST: Key[JsonObject] = Key("putRequest")
"""A PutItem request: ``Item``, maybe a condition."""
PUT_RESPONSE: Key[JsonObject] = Key("putResponse")
"""The PutItem answer."""
DELETE_REQUEST: Key[JsonObject] = Key("deleteRequest")
"""A DeleteItem request: ``Key``, maybe a condition."""
DELETE_RESPONSE: Key[JsonObject] = Key("deleteResponse")
"""The DeleteItem answer, or ``{}`` when the condition did not hold."""
BATCH_WRITE_REQUEST_ENTRY: Key[JsonObject] = Key("batchWriteRequestEntry")
"""The uow's own write: ``{"PutRequest": {"Item": ...}}`` or ``{"DeleteRequest": {"Key":
...}}`` (see `put_entry` and `delete_entry`)."""
BATCH_WRITE_REQUEST: Key[JsonObject] = Key("batchWriteRequest")
"""The request of the batch the uow went in: ``{"RequestItems": {table: [entries]}}``."""
BATCH_WRITE_RESPONSE: Key[JsonObject] = Key("batchWriteResponse")
"""The batch's answer: ``UnprocessedItems`` left after the retries, and ``attempts``, the
answers of every call, when unprocessed requests were sent again."""

_MAX_BATCH_BYTES: Final = 16 * 1024 * 1024  # BatchWriteItem's request limit

Send = Callable[[JsonObject], Awaitable[JsonObject]]


def update_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    request: Key[JsonObject] = UPDATE_REQUEST,
    response: Key[JsonObject] = UPDATE_RESPONSE,
    fallback: Key[JsonObject] = FALLBACK_UPDATE_REQUEST,
    throw_condition_failure: bool = False,
    parallel: int | None = None,
) -> Sink:
    """A sink updating an item per uow (the JS library's ``updateDynamoDB``).

    When the request's condition does not hold (the stored item is newer, say), the update is
    stale and ignored: ``updateResponse`` is ``{}``; when the uow also has a
    ``fallbackUpdateRequest``, that runs once instead, and is ignored the same way if its own
    condition fails. With `throw_condition_failure` a failed condition is a fault of the uow.

    Args:
        options: the function's options (``ENTITY_TABLE_NAME``, then ``EVENT_TABLE_NAME``;
            ``UPDATE_PARALLEL``).
        port: the DynamoDB connector.
        table_name: the table, over the options'.
        request: where the request is in the uow.
        response: where the answer goes.
        fallback: where the fallback request is.
        throw_condition_failure: a failed condition is a fault, and no fallback runs.
        parallel: updates in flight.
    """
    table = table_name or options.entity_table_name or options.event_table_name
    return _single(
        port.update,
        table,
        request,
        response,
        throw_condition_failure,
        parallel or options.parallel_for("update"),
        fallback=fallback,
    )


def put_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    request: Key[JsonObject] = PUT_REQUEST,
    response: Key[JsonObject] = PUT_RESPONSE,
    throw_condition_failure: bool = True,
    parallel: int | None = None,
) -> Sink:
    """A sink putting an item per uow (the JS library's ``putDynamoDB``).

    A failed condition (``attribute_not_exists(pk)``: create only) is a fault of the uow, as
    in the JS library; without `throw_condition_failure` it is ignored and ``putResponse`` is
    ``{}``.

    Args:
        options: the function's options (``EVENT_TABLE_NAME``, then ``ENTITY_TABLE_NAME``;
            ``UPDATE_PARALLEL``).
        port: the DynamoDB connector.
        table_name: the table, over the options'.
        request: where the request is in the uow.
        response: where the answer goes.
        throw_condition_failure: whether a failed condition is a fault.
        parallel: puts in flight.
    """
    table = table_name or options.event_table_name or options.entity_table_name
    return _single(
        port.put,
        table,
        request,
        response,
        throw_condition_failure,
        parallel or options.parallel_for("update"),
    )


def delete_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    request: Key[JsonObject] = DELETE_REQUEST,
    response: Key[JsonObject] = DELETE_RESPONSE,
    throw_condition_failure: bool = False,
    parallel: int | None = None,
) -> Sink:
    """A sink deleting an item per uow (the JS library has none).

    A failed condition is stale and ignored, as for updates (``deleteResponse`` is ``{}``),
    unless `throw_condition_failure`.

    Args:
        options: the function's options (``ENTITY_TABLE_NAME``, then ``EVENT_TABLE_NAME``;
            ``UPDATE_PARALLEL``).
        port: the DynamoDB connector.
        table_name: the table, over the options'.
        request: where the request is in the uow.
        response: where the answer goes.
        throw_condition_failure: whether a failed condition is a fault.
        parallel: deletes in flight.
    """
    table = table_name or options.entity_table_name or options.event_table_name
    return _single(
        port.delete,
        table,
        request,
        response,
        throw_condition_failure,
        parallel or options.parallel_for("update"),
    )


def put_entry(item: JsonValue) -> JsonObject:
    """The batch write entry putting `item`.

    >>> put_entry({"pk": "1"})
    JsonObject({'PutRequest': {'Item': {'pk': '1'}}})
    """
    return JsonObject({"PutRequest": {"Item": item}})


def delete_entry(key: JsonValue) -> JsonObject:
    """The batch write entry deleting the item of `key`."""
    return JsonObject({"DeleteRequest": {"Key": key}})


def batch_write_dynamodb(
    options: Options,
    port: DynamoDBPort,
    *,
    table_name: str | None = None,
    batch_size: int | None = None,
    parallel: int | None = None,
) -> Sink:
    """A sink putting or deleting an item per uow, 25 to a BatchWriteItem call.

    Each uow's ``batchWriteRequestEntry`` goes out in batches of at most 25 entries (and
    16 MiB); requests DynamoDB leaves unprocessed are sent again alone, with backoff. Each uow
    keeps the batch's ``batchWriteRequest`` and ``batchWriteResponse``; an entry still
    unprocessed when the retries run out is a retryable fault of its uow only, an entry
    DynamoDB rejects (malformed, too large, its key twice in a batch is split apart first) a
    fault that is not retryable. There are no conditions in a batch write: use `put_dynamodb`
    or `update_dynamodb` for those.

    Args:
        options: the function's options (``EVENT_TABLE_NAME``, then ``ENTITY_TABLE_NAME``;
            ``UPDATE_PARALLEL``).
        port: the DynamoDB connector.
        table_name: the table, over the options'.
        batch_size: entries per call, at most 25.
        parallel: calls in flight.

    Raises:
        ValueError: no table is named.
    """
    table = table_name or options.event_table_name or options.entity_table_name
    if not table:
        raise ValueError(
            "batch_write_dynamodb needs a table: pass table_name= or set EVENT_TABLE_NAME"
        )

    def prepare(uow: UnitOfWork) -> UnitOfWork:
        entry = uow.get(BATCH_WRITE_REQUEST_ENTRY)
        if entry is not None and (problem := write_request_error(entry)) is not None:
            raise ValueError(problem)
        return uow

    async def send(entries: list[JsonObject]) -> BatchOutcome[JsonObject]:
        return await port.batch_write(table, entries)

    def describe(outcome: BatchOutcome[JsonObject]) -> tuple[JsonObject, JsonObject]:
        pairs = zip(outcome.entries, outcome.results, strict=True)
        left = [entry for entry, result in pairs if result.error_code == UNPROCESSED]
        answer: dict[str, JsonValue] = {"UnprocessedItems": {table: left} if left else {}}
        if len(outcome.responses) > 1:
            answer["attempts"] = list(outcome.responses)
        return (
            JsonObject({"RequestItems": {table: list(outcome.entries)}}),
            JsonObject(answer),
        )

    return batched(
        prepare=prepare,
        entry=BATCH_WRITE_REQUEST_ENTRY,
        send=send,
        request=BATCH_WRITE_REQUEST,
        response=BATCH_WRITE_RESPONSE,
        describe=describe,
        batch_size=min(batch_size or MAX_WRITE_ITEMS, MAX_WRITE_ITEMS),
        max_bytes=_MAX_BATCH_BYTES,
        parallel=parallel or options.parallel_for("update"),
    )


def _single(
    call: Send,
    table: str | None,
    request: Key[JsonObject],
    response: Key[JsonObject],
    throw_condition_failure: bool,
    parallel: int,
    *,
    fallback: Key[JsonObject] | None = None,
) -> Sink:
    """One `call` per uow with a request; a failed condition answers ``{}`` unless thrown."""

    async def attempt(sent: JsonObject) -> JsonObject | None:
        """The answer, or None when the condition did not hold (the write was stale)."""
        try:
            return await call(with_table(sent, table))
        except ConditionFailed:
            if throw_condition_failure:
                raise
            return None

    async def write(uow: UnitOfWork) -> UnitOfWork:
        sent = uow.get(request)
        if sent is None:
            return uow
        answer = await attempt(sent)
        if answer is None and fallback is not None and (second := uow.get(fallback)) is not None:
            answer = await attempt(second)
        return uow.set(response, EMPTY_OBJECT if answer is None else answer)

    def sink(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.map_async(write, parallel=parallel)

    return sink
