"""Per-entry answers of batch APIs, and batches refused as a whole split until the culprit."""

from __future__ import annotations

import asyncio

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from lambda_stream.connectors._entries import (
    error_code,
    results_by_id,
    results_in_order,
    send_by_id,
)
from lambda_stream.connectors._retry import EntryResult
from lambda_stream.core.json import JsonObject


def _in_order(response: dict[str, object], count: int) -> list[tuple[str | None, bool]]:
    results = results_in_order(
        JsonObject(response),  # type: ignore[arg-type]  # a literal response
        count,
        entries="Records",
        failed="FailedRecordCount",
    )
    return [(result.error_code, result.retryable) for result in results]


def test_in_order_answers_fail_by_their_error_code() -> None:
    response = {
        "FailedRecordCount": 2,
        "Records": [
            {"SequenceNumber": "1"},
            {"ErrorCode": "ProvisionedThroughputExceededException"},
            {"ErrorCode": "AccessDenied"},
        ],
    }
    assert _in_order(response, 3) == [
        (None, False),
        ("ProvisionedThroughputExceededException", True),
        ("AccessDenied", False),
    ]


def test_missing_answers_succeed_when_the_response_counts_no_failure() -> None:
    assert _in_order({"FailedRecordCount": 0, "Records": []}, 2) == [(None, False), (None, False)]


def test_missing_answers_fail_unretried_when_the_response_counts_failures() -> None:
    assert _in_order({"FailedRecordCount": 1, "Records": []}, 1) == [("MissingEntry", False)]


def _by_id(response: dict[str, object], ids: list[str]) -> list[tuple[str | None, bool]]:
    results = results_by_id(JsonObject(response), ids)  # type: ignore[arg-type]  # a literal
    return [(result.error_code, result.retryable) for result in results]


def test_answers_by_id_follow_the_order_of_the_request() -> None:
    response = {"Successful": [{"Id": "b"}, {"Id": "a"}], "Failed": []}
    results = results_by_id(JsonObject(response), ["a", "b"])
    assert [result.entry["Id"] for result in results] == ["a", "b"]


def test_a_sender_fault_is_not_retried_and_a_service_fault_is() -> None:
    failed = [
        {"Id": "a", "Code": "InvalidParameterValue", "SenderFault": True},
        {"Id": "b", "Code": "SomethingBroke", "SenderFault": False},
    ]
    assert _by_id({"Successful": [], "Failed": failed}, ["a", "b"]) == [
        ("InvalidParameterValue", False),
        ("SomethingBroke", True),
    ]


def test_a_throttled_entry_is_retried_even_as_a_sender_fault() -> None:
    failed = [{"Id": "a", "Code": "ThrottlingException", "SenderFault": True}]
    assert _by_id({"Successful": [], "Failed": failed}, ["a"]) == [("ThrottlingException", True)]


def test_an_entry_in_neither_list_fails_unretried() -> None:
    assert _by_id({"Successful": [], "Failed": []}, ["a"]) == [("MissingEntry", False)]


def _client_error(code: str, query_code: str | None = None) -> ClientError:
    details = {"Code": code, "Message": "no"}
    if query_code:
        details["QueryErrorCode"] = query_code
    response: dict[str, object] = {"Error": details}
    return ClientError(response, "SendMessageBatch")  # type: ignore[arg-type]  # a partial response


def test_error_code_reads_the_bare_sqs_code() -> None:
    error = _client_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
    assert error_code(error) == "BatchEntryIdsNotDistinct"


def test_error_code_names_a_request_botocore_refused_to_send() -> None:
    assert error_code(ParamValidationError(report="bad")) == "ParamValidationError"


def test_error_code_of_an_error_without_a_response_is_none() -> None:
    assert error_code(ValueError("x")) is None


class Service:
    """Refuses a call holding a bad entry, or an id twice, as a whole; else accepts it all."""

    def __init__(self, code: str = "BatchEntryIdsNotDistinct") -> None:
        self.code = code
        self.calls: list[list[str]] = []

    async def send(self, batch: list[str]) -> JsonObject:
        self.calls.append(batch)
        if any(entry.startswith("bad") for entry in batch) or len(set(batch)) < len(batch):
            raise _client_error(self.code)
        answers = [{"Id": entry, "MessageId": f"{entry}-{len(self.calls)}"} for entry in batch]
        return JsonObject({"Successful": answers, "Failed": []})


def _split(service: Service, batch: list[str]) -> list[EntryResult]:
    refusals = {"BatchEntryIdsNotDistinct"}
    _, results = asyncio.run(send_by_id(batch, service.send, ids=str, refusals=refusals))
    return results


def test_a_batch_refused_for_an_entry_is_split_until_the_entry_stands_alone() -> None:
    service = Service()
    results = _split(service, ["a", "bad", "c", "d"])
    assert [(result.error_code, result.retryable) for result in results] == [
        (None, False),
        ("BatchEntryIdsNotDistinct", False),
        (None, False),
        (None, False),
    ]
    assert service.calls == [["a", "bad", "c", "d"], ["a", "bad"], ["a"], ["bad"], ["c", "d"]]


def test_entries_sharing_an_id_each_get_the_answer_of_their_own_call() -> None:
    results = _split(Service(), ["a", "a"])
    assert [result.entry["MessageId"] for result in results] == ["a-2", "a-3"]


def test_the_response_lists_the_answers_of_every_call() -> None:
    response, _ = asyncio.run(
        send_by_id(["a", "a"], Service().send, ids=str, refusals={"BatchEntryIdsNotDistinct"})
    )
    assert response.thaw()["Successful"] == [
        {"Id": "a", "MessageId": "a-2"},
        {"Id": "a", "MessageId": "a-3"},
    ]


def test_a_batch_accepted_at_once_is_sent_once() -> None:
    service = Service()
    _split(service, ["a", "b"])
    assert service.calls == [["a", "b"]]


def test_an_error_that_is_not_about_the_entries_is_raised() -> None:
    with pytest.raises(ClientError):
        _split(Service(code="QueueDoesNotExist"), ["a", "bad"])
