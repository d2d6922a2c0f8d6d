"""Per-entry answers of batch APIs, and a batch the service refused as a whole, split.

Two answer shapes exist: Kinesis ``PutRecords`` and Firehose ``PutRecordBatch`` answer one entry
per request entry, in order, a failed one carrying ``ErrorCode``; SQS ``SendMessageBatch`` and
SNS ``PublishBatch`` answer ``Successful`` and ``Failed`` lists matched to the entries by ``Id``.

SQS and SNS send entries their callers built, and refuse a whole batch for one bad entry (two
entries with the same ``Id``, an ``Id`` with a space, a parameter out of range). Such a batch
is split in halves until the bad entries stand alone, so that each is a failure of its own entry
and its neighbours go through: at most ``2n - 1`` calls for a batch of ``n <= 10``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Final, TypeVar

from lambda_stream.connectors._retry import RETRYABLE_ENTRY_CODES, EntryResult
from lambda_stream.core.json import JsonObject, JsonValue

__all__ = ["error_code", "results_by_id", "results_in_order", "send_by_id"]

E = TypeVar("E")

_MISSING: Final = JsonObject({"ErrorCode": "MissingEntry", "ErrorMessage": "no answer"})
# SQS's JSON protocol prefixes its legacy query codes; the bare code is in QueryErrorCode too.
_SQS_PREFIX: Final = "AWS.SimpleQueueService."


def results_in_order(
    response: JsonObject, count: int, *, entries: str, failed: str
) -> list[EntryResult]:
    """The results of a response answering entry by entry, in order (Kinesis, Firehose).

    Args:
        response: the response.
        count: how many entries were sent.
        entries: the member holding the answers (``Records``, ``RequestResponses``).
        failed: the member counting the failures (``FailedRecordCount``, ``FailedPutCount``).

    An answer the response lacks is a success when it reports no failure, else a failure not
    worth retrying: whether that entry was stored cannot be known.

    >>> failure = {"ErrorCode": "InternalFailure"}
    >>> answer = JsonObject({"FailedPutCount": 1, "RequestResponses": [failure]})
    >>> results = results_in_order(answer, 2, entries="RequestResponses", failed="FailedPutCount")
    >>> [(r.error_code, r.retryable) for r in results]
    [('InternalFailure', True), ('MissingEntry', False)]
    """
    answers = response.get(entries)
    listed = answers if isinstance(answers, Sequence) else ()
    none_failed = response.get(failed) == 0
    out: list[EntryResult] = []
    for index in range(count):
        answer = listed[index] if index < len(listed) else None
        if not isinstance(answer, JsonObject):
            answer = JsonObject() if none_failed else _MISSING
        code = answer.get_str("ErrorCode")
        out.append(
            EntryResult(
                entry=answer,
                error_code=code,
                error_message=answer.get_str("ErrorMessage"),
                retryable=code in RETRYABLE_ENTRY_CODES,
            )
        )
    return out


def results_by_id(response: JsonObject, ids: Sequence[str]) -> list[EntryResult]:
    """The results of a ``Successful``/``Failed`` response, in the order of `ids` (SQS, SNS).

    A failure is retried when its code says so, or when the service says it was not the
    sender's fault (``SenderFault: false``); an entry in neither list is a failure not worth
    retrying.

    >>> response = JsonObject({"Successful": [{"Id": "a"}], "Failed": [
    ...     {"Id": "b", "Code": "InvalidParameterValue", "SenderFault": True}]})
    >>> [(r.error_code, r.retryable) for r in results_by_id(response, ["a", "b"])]
    [(None, False), ('InvalidParameterValue', False)]
    """
    answers: dict[str, tuple[JsonObject, bool]] = {}
    for member, failed in (("Successful", False), ("Failed", True)):
        listed = response.get(member)
        for answer in listed if isinstance(listed, Sequence) else ():
            if isinstance(answer, JsonObject):
                answers.setdefault(answer.get_str("Id") or "", (answer, failed))
    out: list[EntryResult] = []
    for entry_id in ids:
        answer, failed = answers.get(entry_id, (_MISSING, True))
        if not failed:
            out.append(EntryResult(entry=answer))
            continue
        code = answer.get_str("Code") or answer.get_str("ErrorCode")
        message = answer.get_str("Message") or answer.get_str("ErrorMessage")
        retryable = code in RETRYABLE_ENTRY_CODES or answer.get("SenderFault") is False
        out.append(EntryResult(answer, code, message, retryable))
    return out


def error_code(error: BaseException) -> str | None:
    """The AWS error code of `error` (SQS's bare one), or ``ParamValidationError``.

    botocore refuses a request it can tell is invalid before sending it, with a
    ``ParamValidationError`` that has no response.
    """
    if type(error).__name__ == "ParamValidationError":
        return "ParamValidationError"
    response = getattr(error, "response", None)
    details = response.get("Error") if isinstance(response, Mapping) else None
    if not isinstance(details, Mapping):
        return None
    code = details.get("QueryErrorCode") or details.get("Code")
    return code.removeprefix(_SQS_PREFIX) if isinstance(code, str) else None


async def send_by_id(
    batch: list[E],
    send: Callable[[list[E]], Awaitable[JsonObject]],
    *,
    ids: Callable[[E], str],
    refusals: Collection[str],
) -> tuple[JsonObject, list[EntryResult]]:
    """``send(batch)`` to a ``Successful``/``Failed`` API; the response, and the results in order.

    When the service refuses the whole batch for its entries, the halves are sent on their own,
    down to single entries; the response then lists the answers of every call. Results are
    matched by ``Id`` call by call (a call the service accepted has distinct ids), so two
    entries with the same ``Id`` in different calls still get their own answers.

    Args:
        batch: the entries.
        send: one call; returns the response.
        ids: the ``Id`` of an entry.
        refusals: the error codes that are about the entries (``BatchEntryIdsNotDistinct``...);
            any other error is raised as it is.
    """
    try:
        response = await send(batch)
    except Exception as error:
        code = error_code(error)
        if code not in refusals:
            raise
        if len(batch) > 1:
            middle = len(batch) // 2
            first, first_results = await send_by_id(
                batch[:middle], send, ids=ids, refusals=refusals
            )
            second, second_results = await send_by_id(
                batch[middle:], send, ids=ids, refusals=refusals
            )
            return _combined(first, second), first_results + second_results
        response = _refused(ids(batch[0]), code or "", str(error))
    return response, results_by_id(response, [ids(entry) for entry in batch])


def _combined(first: JsonObject, second: JsonObject) -> JsonObject:
    """Two ``Successful``/``Failed`` responses as one."""
    return JsonObject(
        {
            member: [*_listed(first, member), *_listed(second, member)]
            for member in ("Successful", "Failed")
        }
    )


def _refused(entry_id: str, code: str, message: str) -> JsonObject:
    """A ``Successful``/``Failed`` response in which entry `entry_id` was refused."""
    failed: dict[str, JsonValue] = {
        "Id": entry_id,
        "SenderFault": True,
        "Code": code,
        "Message": message,
    }
    return JsonObject({"Successful": [], "Failed": [failed]})


def _listed(response: JsonObject, member: str) -> list[JsonObject]:
    listed = response.get(member)
    if not isinstance(listed, Sequence):
        return []
    return [answer for answer in listed if isinstance(answer, JsonObject)]
