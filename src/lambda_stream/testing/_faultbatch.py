"""Real partial batch failures: cut entries from a request, splice failures into its response.

The failed entries are removed from the request before it is forwarded, so the emulator never
stores them; the response then reports each of them at its original index, in the service's
own wire format, as AWS does when a batch partly fails.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final
from urllib.parse import parse_qsl, urlencode
from xml.etree import ElementTree
from xml.sax.saxutils import escape

__all__: list[str] = []


def _object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return {str(k): v for k, v in value.items()}


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a JSON array")
    return list(value)


def _load(body: bytes) -> dict[str, object]:
    return _object(json.loads(body))


def _dump(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _in_order(*groups: Sequence[tuple[int, object]]) -> list[object]:
    """The entries of `groups` sorted by their original index."""
    return [entry for _, entry in sorted((p for g in groups for p in g), key=lambda p: p[0])]


class Batch:
    """How one batch operation fails part of its entries; subclasses know the wire format.

    Attributes:
        code: the entry error code used when a rule names none.
        message: the entry error message used when a rule names none.
    """

    code: str = ""
    message: str = ""

    def count(self, body: bytes) -> int:
        """The number of entries in request `body`."""
        raise NotImplementedError

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        """`body` without the entries at `failed`; ``None`` when no entry is left to forward."""
        raise NotImplementedError

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        """The response with entries `failed` reported as failures at their original index.

        Args:
            upstream: the emulator's response to the cut request; ``None`` when nothing
                was forwarded.
            body: the original request.
            failed: the sorted indices of the failed entries.
            code: the entry error code.
            message: the entry error message.
        """
        raise NotImplementedError


class _JsonList(Batch):
    """Kinesis, EventBridge, Firehose: one response entry per request entry, in order."""

    def __init__(self, keys: tuple[str, str, str], code: str, message: str, **extra: object):
        self.request_key, self.response_key, self.count_key = keys
        self.code, self.message, self.extra = code, message, extra

    def count(self, body: bytes) -> int:
        return len(_list(_load(body).get(self.request_key, [])))

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        request = _load(body)
        kept = [e for i, e in enumerate(_list(request[self.request_key])) if i not in failed]
        return _dump({**request, self.request_key: kept}) if kept else None

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        response = _load(upstream) if upstream is not None else {self.count_key: 0, **self.extra}
        answered = iter(_list(response.get(self.response_key, [])))
        lost = frozenset(failed)
        entries = [
            {"ErrorCode": code, "ErrorMessage": message} if i in lost else next(answered)
            for i in range(self.count(body))
        ]
        already = response.get(self.count_key, 0)
        total = (already if isinstance(already, int) else 0) + len(lost)
        return _dump({**response, self.count_key: total, self.response_key: entries})


class _Sqs(Batch):
    """SQS batches (JSON protocol): ``Successful`` and ``Failed`` lists, matched by ``Id``."""

    code = "InternalError"
    message = "Injected failure"

    def count(self, body: bytes) -> int:
        return len(_list(_load(body).get("Entries", [])))

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        request = _load(body)
        kept = [e for i, e in enumerate(_list(request["Entries"])) if i not in failed]
        return _dump({**request, "Entries": kept}) if kept else None

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        response = _load(upstream) if upstream is not None else {"Successful": []}
        ids = [_object(e).get("Id") for e in _list(_load(body)["Entries"])]
        position = {entry_id: i for i, entry_id in enumerate(ids)}
        own = [
            (position.get(_object(e).get("Id"), -1), e) for e in _list(response.get("Failed", []))
        ]
        injected = [
            (i, {"Id": ids[i], "SenderFault": False, "Code": code, "Message": message})
            for i in failed
        ]
        return _dump({**response, "Failed": _in_order(own, injected)})


_SNS_ENTRY: Final = "PublishBatchRequestEntries.member."


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _SnsPublishBatch(Batch):
    """SNS ``PublishBatch``: numbered form fields in, ``Successful``/``Failed`` XML out."""

    code = "InternalError"
    message = "Injected failure"

    @staticmethod
    def _split(body: bytes) -> tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]:
        """The form's other fields, and each entry's fields (name suffixes) in order."""
        rest: list[tuple[str, str]] = []
        entries: dict[int, list[tuple[str, str]]] = {}
        for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            if name.startswith(_SNS_ENTRY):
                index, _, suffix = name.removeprefix(_SNS_ENTRY).partition(".")
                entries.setdefault(int(index), []).append((suffix, value))
            else:
                rest.append((name, value))
        return rest, [entries[i] for i in sorted(entries)]

    def count(self, body: bytes) -> int:
        return len(self._split(body)[1])

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        rest, entries = self._split(body)
        kept = [fields for i, fields in enumerate(entries) if i not in failed]
        renumbered = [
            (f"{_SNS_ENTRY}{n}.{suffix}", value)
            for n, fields in enumerate(kept, start=1)
            for suffix, value in fields
        ]
        return urlencode([*rest, *renumbered]).encode() if kept else None

    @staticmethod
    def _members(root: ElementTree.Element, name: str) -> list[dict[str, str]]:
        """The ``member`` children of the first element called `name`, namespaces ignored."""
        element = next((e for e in root.iter() if _local(e.tag) == name), None)
        members = [] if element is None else list(element)
        return [{_local(f.tag): f.text or "" for f in member} for member in members]

    @staticmethod
    def _xml(members: Sequence[object]) -> str:
        return "".join(
            "<member>"
            + "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in _object(m).items())
            + "</member>"
            for m in members
        )

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        root = ElementTree.fromstring(upstream or b"<PublishBatchResponse/>")
        ids = [dict(fields).get("Id", "") for fields in self._split(body)[1]]
        position = {entry_id: i for i, entry_id in enumerate(ids)}
        own = [(position.get(m.get("Id", ""), -1), m) for m in self._members(root, "Failed")]
        injected = [
            (i, {"Id": ids[i], "Code": code, "Message": message, "SenderFault": "false"})
            for i in failed
        ]
        request_id = next((e.text or "" for e in root.iter() if _local(e.tag) == "RequestId"), "")
        return (
            '<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
            f"<PublishBatchResult><Successful>{self._xml(self._members(root, 'Successful'))}"
            f"</Successful><Failed>{self._xml(_in_order(own, injected))}</Failed>"
            f"</PublishBatchResult><ResponseMetadata><RequestId>{escape(request_id)}</RequestId>"
            "</ResponseMetadata></PublishBatchResponse>"
        ).encode()


def _group(pairs: Sequence[tuple[str, object]]) -> dict[str, list[object]]:
    """Entries grouped by table, each table's in their original order."""
    grouped: dict[str, list[object]] = {}
    for table, entry in pairs:
        grouped.setdefault(table, []).append(entry)
    return grouped


class _BatchWriteItem(Batch):
    """DynamoDB ``BatchWriteItem``: the failed requests come back in ``UnprocessedItems``."""

    @staticmethod
    def _requests(body: bytes) -> list[tuple[str, object]]:
        items = _object(_load(body).get("RequestItems", {}))
        return [(table, r) for table, requests in items.items() for r in _list(requests)]

    def count(self, body: bytes) -> int:
        return len(self._requests(body))

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        kept = [p for i, p in enumerate(self._requests(body)) if i not in failed]
        return _dump({**_load(body), "RequestItems": _group(kept)}) if kept else None

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        response = _load(upstream) if upstream is not None else {}
        requests = self._requests(body)
        unprocessed = _group([requests[i] for i in failed])
        for table, entries in _object(response.get("UnprocessedItems", {})).items():
            unprocessed.setdefault(table, []).extend(_list(entries))
        return _dump({**response, "UnprocessedItems": unprocessed})


class _BatchGetItem(Batch):
    """DynamoDB ``BatchGetItem``: the failed keys come back in ``UnprocessedKeys``."""

    @staticmethod
    def _keys(body: bytes) -> list[tuple[str, object]]:
        items = _object(_load(body).get("RequestItems", {}))
        return [(t, key) for t, spec in items.items() for key in _list(_object(spec)["Keys"])]

    @staticmethod
    def _request_items(body: bytes, keys: Sequence[tuple[str, object]]) -> dict[str, object]:
        """The request's table specs (projection, consistency...) holding only `keys`."""
        specs = _object(_load(body).get("RequestItems", {}))
        return {t: {**_object(specs[t]), "Keys": ks} for t, ks in _group(keys).items()}

    def count(self, body: bytes) -> int:
        return len(self._keys(body))

    def cut(self, body: bytes, failed: frozenset[int]) -> bytes | None:
        kept = [p for i, p in enumerate(self._keys(body)) if i not in failed]
        items = self._request_items(body, kept)
        return _dump({**_load(body), "RequestItems": items}) if kept else None

    def splice(
        self, upstream: bytes | None, body: bytes, failed: Sequence[int], code: str, message: str
    ) -> bytes:
        tables = _object(_load(body).get("RequestItems", {}))
        response = (
            _load(upstream) if upstream is not None else {"Responses": {t: [] for t in tables}}
        )
        keys = self._keys(body)
        unprocessed = self._request_items(body, [keys[i] for i in failed])
        for table, spec in _object(response.get("UnprocessedKeys", {})).items():
            theirs = _list(_object(spec).get("Keys", []))
            mine = _object(unprocessed.get(table, {**_object(spec), "Keys": []}))
            unprocessed[table] = {**mine, "Keys": [*_list(mine["Keys"]), *theirs]}
        return _dump({**response, "UnprocessedKeys": unprocessed})


BATCHES: Final[dict[tuple[str, str], Batch]] = {
    ("kinesis", "PutRecords"): _JsonList(
        ("Records", "Records", "FailedRecordCount"),
        "ProvisionedThroughputExceededException",
        "Rate exceeded for shard in stream under account 123456789012.",
    ),
    ("events", "PutEvents"): _JsonList(
        ("Entries", "Entries", "FailedEntryCount"), "ThrottlingException", "Rate exceeded"
    ),
    ("firehose", "PutRecordBatch"): _JsonList(
        ("Records", "RequestResponses", "FailedPutCount"),
        "ServiceUnavailableException",
        "Slow down.",
        Encrypted=False,
    ),
    ("sqs", "SendMessageBatch"): _Sqs(),
    ("sqs", "DeleteMessageBatch"): _Sqs(),
    ("sns", "PublishBatch"): _SnsPublishBatch(),
    ("dynamodb", "BatchWriteItem"): _BatchWriteItem(),
    ("dynamodb", "BatchGetItem"): _BatchGetItem(),
}
"""The batch operations that support partial failures, by ``(service, operation)``."""
