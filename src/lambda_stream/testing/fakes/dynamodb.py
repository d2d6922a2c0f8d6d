"""An in-memory DynamoDB port."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Final

from lambda_stream.connectors._retry import BatchOutcome, EntryResult, send_with_retries
from lambda_stream.connectors.dynamodb import (
    MAX_GET_KEYS,
    MAX_WRITE_ITEMS,
    UNPROCESSED,
    ConditionFailed,
    Request,
    read_all,
    write_request_error,
)
from lambda_stream.core.json import EMPTY_OBJECT, FrozenJson, JsonObject, freeze
from lambda_stream.testing.fakes._dynamodb_expressions import Expressions, UnsupportedExpression
from lambda_stream.testing.fakes._refusals import no_wait

__all__ = ["InMemoryDynamoDB", "UnsupportedExpression"]

_UNPROCESSED: Final = JsonObject(
    {"ErrorCode": UNPROCESSED, "ErrorMessage": "left unprocessed (fake)"}
)

KeyTuple = tuple[tuple[str, FrozenJson], ...]


class InMemoryDynamoDB:
    """A `DynamoDBPort` over dicts, evaluating the expressions the library writes.

    Tables appear when first written. An item's key is its values of the table's key
    attributes (``("pk", "sk")`` unless `keys` names others), those it has: a table keyed by
    ``pk`` alone needs no entry. Conditions, filters, key conditions and update expressions
    are evaluated for top-level attributes (see `lambda_stream.testing.fakes._dynamodb_expressions`
    for the forms; others raise `UnsupportedExpression`); queries and scans read the items in
    key order, ``Limit`` items a page. Every call is recorded in `calls`.

    Faults can be injected: `fail(operation, request)` returns an exception to raise for a
    call (``"update"``, ``"batch_write"``, ...), or None; `unprocess(request, attempt)` leaves
    a batch write request unprocessed on that attempt (0 first), which is retried as the real
    connector retries it, at most `max_retries` times.

    >>> import asyncio
    >>> db = InMemoryDynamoDB()
    >>> _ = asyncio.run(db.put({"TableName": "t", "Item": {"pk": "1", "sk": "a", "n": 1}}))
    >>> asyncio.run(db.get({"TableName": "t", "Key": {"pk": "1", "sk": "a"}}))["Item"]
    JsonObject({'pk': '1', 'sk': 'a', 'n': 1})
    """

    def __init__(
        self,
        *,
        keys: Mapping[str, tuple[str, ...]] | None = None,
        fail: Callable[[str, JsonObject], BaseException | None] | None = None,
        unprocess: Callable[[JsonObject, int], bool] | None = None,
        max_retries: int = 8,
    ) -> None:
        self.keys = dict(keys or {})
        self.tables: dict[str, dict[KeyTuple, JsonObject]] = {}
        self.calls: list[tuple[str, JsonObject]] = []
        self.fail = fail
        self.unprocess = unprocess
        self.max_retries = max_retries

    def items(self, table: str) -> list[JsonObject]:
        """The items of `table`, in key order (not recorded as a call)."""
        stored = self.tables.get(table, {})
        return [stored[key] for key in sorted(stored, key=_order)]

    def seed(self, table: str, *items: Mapping[str, object]) -> None:
        """Store `items` as they are (not recorded as a call, no condition)."""
        for item in items:
            frozen = _object(item)
            self.tables.setdefault(table, {})[self._key(table, frozen)] = frozen

    def _key(self, table: str, item: Mapping[str, FrozenJson]) -> KeyTuple:
        names = self.keys.get(table, ("pk", "sk"))
        key = tuple((name, item[name]) for name in names if name in item)
        if not key:
            raise ValueError(f"the item has none of the key attributes {names} of table {table}")
        return key

    def _call(self, operation: str, request: Request) -> JsonObject:
        frozen = _object(request)
        self.calls.append((operation, frozen))
        error = self.fail(operation, frozen) if self.fail else None
        if error is not None:
            raise error
        return frozen

    def _stored(self, request: JsonObject) -> tuple[str, KeyTuple, JsonObject | None]:
        table = _table(request)
        key = self._key(table, request.get_object("Key") or request.get_object("Item"))
        return table, key, self.tables.get(table, {}).get(key)

    def _check(self, request: JsonObject, old: JsonObject | None) -> None:
        condition = request.get_str("ConditionExpression")
        if condition and not Expressions.of(request).condition(condition)(old or EMPTY_OBJECT):
            wanted = request.get_str("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            raise ConditionFailed(
                "The conditional request failed (fake)", item=old if wanted else None
            )

    async def update(self, request: Request) -> JsonObject:
        """UpdateItem: the update expression applied to the stored item (or the key)."""
        frozen = self._call("update", request)
        table, key, old = self._stored(frozen)
        self._check(frozen, old)
        base = old if old is not None else frozen.get_object("Key")
        text = frozen.get_str("UpdateExpression") or ""
        new = Expressions.of(frozen).update(text, base)
        for name, value in key:
            if new.get(name) != value:
                raise UnsupportedExpression(f"Cannot update attribute {name}: part of the key")
        stored = _object(new)
        self.tables.setdefault(table, {})[key] = stored
        return _returned(frozen.get_str("ReturnValues"), old, stored)

    async def put(self, request: Request) -> JsonObject:
        """PutItem: replaces the stored item when the condition holds."""
        frozen = self._call("put", request)
        table, key, old = self._stored(frozen)
        self._check(frozen, old)
        self.tables.setdefault(table, {})[key] = frozen.get_object("Item")
        return _returned(frozen.get_str("ReturnValues"), old, None)

    async def delete(self, request: Request) -> JsonObject:
        """DeleteItem: removes the stored item when the condition holds."""
        frozen = self._call("delete", request)
        table, key, old = self._stored(frozen)
        self._check(frozen, old)
        self.tables.get(table, {}).pop(key, None)
        return _returned(frozen.get_str("ReturnValues"), old, None)

    async def get(self, request: Request) -> JsonObject:
        """GetItem: ``{"Item": item}``, or ``{}`` when there is none."""
        frozen = self._call("get", request)
        _, _, item = self._stored(frozen)
        return JsonObject() if item is None else JsonObject({"Item": item})

    async def batch_write(
        self, table: str, requests: Sequence[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        """BatchWriteItem in calls of 25; unprocessed requests are retried without waiting."""
        results: list[EntryResult] = []
        responses: list[JsonObject] = []
        attempts: dict[int, int] = {}  # by id(): the same request objects are sent again

        async def send(batch: list[JsonObject]) -> JsonObject:
            return self._write_batch(table, batch, attempts)

        for start in range(0, len(requests), MAX_WRITE_ITEMS):
            chunk = requests[start : start + MAX_WRITE_ITEMS]
            outcome = await send_with_retries(
                chunk,
                send,
                self._write_results,
                max_retries=self.max_retries,
                retry_wait_ms=1,
                sleep=no_wait,
            )
            results.extend(outcome.results)
            responses.extend(outcome.responses)
        return BatchOutcome(
            entries=tuple(requests), results=tuple(results), responses=tuple(responses)
        )

    def _write_batch(
        self, table: str, batch: list[JsonObject], attempts: dict[int, int]
    ) -> JsonObject:
        self._call("batch_write", {"RequestItems": {table: list(batch)}})
        answers: list[JsonObject] = []
        for request in batch:
            attempt = attempts.get(id(request), 0)
            attempts[id(request)] = attempt + 1
            problem = write_request_error(request)
            if problem is not None:
                answers.append(
                    JsonObject({"ErrorCode": "ValidationException", "ErrorMessage": problem})
                )
            elif self.unprocess is not None and self.unprocess(request, attempt):
                answers.append(_UNPROCESSED)
            else:
                self._apply(table, request)
                answers.append(EMPTY_OBJECT)
        return JsonObject({"answers": answers})

    def _apply(self, table: str, request: JsonObject) -> None:
        put = request.get_object("PutRequest")
        if put:
            item = put.get_object("Item")
            self.tables.setdefault(table, {})[self._key(table, item)] = item
        else:
            key = request.get_object("DeleteRequest").get_object("Key")
            self.tables.get(table, {}).pop(self._key(table, key), None)

    @staticmethod
    def _write_results(response: JsonObject, count: int) -> list[EntryResult]:
        answers = response["answers"]
        assert isinstance(answers, Sequence)  # built by _write_batch
        out: list[EntryResult] = []
        for answer in answers:
            assert isinstance(answer, JsonObject)
            code = answer.get_str("ErrorCode")
            out.append(
                EntryResult(
                    entry=answer,
                    error_code=code,
                    error_message=answer.get_str("ErrorMessage"),
                    retryable=code == UNPROCESSED,
                )
            )
        return out

    async def batch_get(self, request: Request) -> JsonObject:
        """BatchGetItem: the stored items of the keys, per table (in calls of 100 keys)."""
        frozen = _object(request)
        specs = frozen.get_object("RequestItems")
        keys = [
            (table, key) for table in specs for key in _list(specs.get_object(table).get("Keys"))
        ]
        responses: dict[str, list[JsonObject]] = {table: [] for table in specs}
        for start in range(0, len(keys), MAX_GET_KEYS):
            chunk = keys[start : start + MAX_GET_KEYS]
            items: dict[str, list[JsonObject]] = {}
            for table, key in chunk:
                items.setdefault(table, []).append(key)
            self._call(
                "batch_get",
                {"RequestItems": {t: {**specs.get_object(t), "Keys": k} for t, k in items.items()}},
            )
            for table, key in chunk:
                found = self.tables.get(table, {}).get(self._key(table, key))
                if found is not None:
                    responses[table].append(found)
        return JsonObject({"Responses": responses})

    async def query(self, request: Request) -> tuple[JsonObject, ...]:
        """Query, every page."""
        return await read_all(self.query_page, request)

    async def query_page(self, request: Request) -> JsonObject:
        """One page of a Query: the items matching ``KeyConditionExpression``, in key order."""
        frozen = self._call("query_page", request)
        condition = Expressions.of(frozen).condition(frozen.get_str("KeyConditionExpression") or "")
        return self._page(frozen, condition)

    async def scan(self, request: Request) -> tuple[JsonObject, ...]:
        """Scan, every page."""
        return await read_all(self.scan_page, request)

    async def scan_page(self, request: Request) -> JsonObject:
        """One page of a Scan, in key order."""
        return self._page(self._call("scan_page", request), lambda item: True)

    def _page(self, request: JsonObject, matches: Callable[[JsonObject], bool]) -> JsonObject:
        table = _table(request)
        rows = [item for item in self.items(table) if matches(item)]
        if request.get("ScanIndexForward") is False:
            rows.reverse()
        start = request.get_object("ExclusiveStartKey")
        if start:
            after = self._key(table, start)
            keys = [self._key(table, item) for item in rows]
            rows = rows[keys.index(after) + 1 :] if after in keys else rows
        limit = request.get("Limit")
        page = rows[:limit] if isinstance(limit, int) else rows
        more = isinstance(limit, int) and len(rows) > limit
        filter_text = request.get_str("FilterExpression")
        kept = (
            [item for item in page if Expressions.of(request).condition(filter_text)(item)]
            if filter_text
            else page
        )
        answer: dict[str, object] = {"Items": kept, "Count": len(kept), "ScannedCount": len(page)}
        if more and page:
            answer["LastEvaluatedKey"] = dict(self._key(table, page[-1]))
        return _object(answer)


def _object(value: Mapping[str, object]) -> JsonObject:
    frozen = freeze(value)  # type: ignore[arg-type]  # requests hold JSON values
    assert isinstance(frozen, JsonObject)
    return frozen


def _table(request: JsonObject) -> str:
    table = request.get_str("TableName")
    if not table:
        raise ValueError("the request names no TableName")
    return table


def _list(value: object) -> list[JsonObject]:
    return [v for v in value if isinstance(v, JsonObject)] if isinstance(value, Sequence) else []


def _order(key: KeyTuple) -> tuple[tuple[int, Decimal, str], ...]:
    """Numbers in numeric order, then strings (a key attribute holds one kind)."""
    return tuple(
        (0, Decimal(str(value)), "")
        if isinstance(value, int | float | Decimal)
        else (1, Decimal(0), str(value))
        for _, value in key
    )


def _returned(kind: str | None, old: JsonObject | None, new: JsonObject | None) -> JsonObject:
    if kind in ("ALL_NEW", "UPDATED_NEW") and new is not None:
        return JsonObject({"Attributes": new})
    if kind in ("ALL_OLD", "UPDATED_OLD") and old is not None:
        return JsonObject({"Attributes": old})
    return JsonObject()
