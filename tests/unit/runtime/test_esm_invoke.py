"""Calling a handler as Lambda does, and reading its answer as Lambda reads it."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from lambda_stream.core.context import LambdaContext
from lambda_stream.runtime.esm_invoke import (
    BatchResponseError,
    LocalLambdaContext,
    Outcome,
    call_handler,
    failed_items,
)

CONTEXT = LocalLambdaContext(
    function_name="f", invoked_function_arn="arn:aws:lambda:r:1:function:f"
)
IDS = frozenset({"1", "2"})


def _answering(answer: object) -> Outcome:
    def handler(event: Mapping[str, object], context: LambdaContext) -> object:
        return answer

    return call_handler(
        handler, [{}, {}], CONTEXT, identifiers=IDS, report_batch_item_failures=True
    )


def test_the_handler_gets_the_records_under_records() -> None:
    seen: list[Mapping[str, object]] = []

    def handler(event: Mapping[str, object], context: LambdaContext) -> None:
        seen.append(event)

    call_handler(handler, [{"a": 1}], CONTEXT, identifiers=IDS, report_batch_item_failures=True)
    assert seen == [{"Records": [{"a": 1}]}]


@pytest.mark.parametrize(
    "answer", [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, "done"]
)
def test_an_empty_answer_is_a_success(answer: object) -> None:
    assert _answering(answer).succeeded


def test_listed_items_are_the_failed_ones() -> None:
    answer = {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert _answering(answer) == Outcome(failed_items=("2",))


@pytest.mark.parametrize(
    "answer",
    [
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"itemId": "1"}]},
        {"batchItemFailures": [{"itemIdentifier": "3"}]},
        {"batchItemFailures": "1"},
    ],
)
def test_a_malformed_or_unknown_item_fails_the_whole_batch(answer: object) -> None:
    assert isinstance(_answering(answer).error, BatchResponseError)


def test_an_answer_that_is_not_json_fails_the_whole_batch() -> None:
    assert isinstance(_answering({"x": object()}).error, TypeError)


def test_a_handler_that_raises_fails_the_whole_batch() -> None:
    def handler(event: Mapping[str, object], context: LambdaContext) -> object:
        raise OSError("down")

    outcome = call_handler(handler, [{}], CONTEXT, identifiers=IDS, report_batch_item_failures=True)
    assert isinstance(outcome.error, OSError)
    assert not outcome.succeeded


def test_without_reporting_item_failures_the_answer_is_ignored() -> None:
    def handler(event: Mapping[str, object], context: LambdaContext) -> object:
        return {"batchItemFailures": [{"itemIdentifier": "nope"}]}

    outcome = call_handler(
        handler, [{}], CONTEXT, identifiers=IDS, report_batch_item_failures=False
    )
    assert outcome.succeeded


def test_failed_items_keep_the_order_of_the_answer() -> None:
    answer = {"batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "1"}]}
    assert failed_items(answer, IDS) == ("2", "1")


def test_the_context_has_the_members_of_lambdas_python_runtime() -> None:
    assert CONTEXT.function_version == "$LATEST"
    assert CONTEXT.memory_limit_in_mb == 128
    assert CONTEXT.log_group_name == "/aws/lambda/f"
    assert CONTEXT.aws_request_id.replace("-", "") in CONTEXT.log_stream_name
    assert CONTEXT.invoked_function_arn.endswith(":function:f")


def test_the_remaining_time_counts_down_from_the_timeout() -> None:
    context = LocalLambdaContext(function_name="f", invoked_function_arn="arn", timeout_s=3)
    assert 2_000 < context.get_remaining_time_in_millis() <= 3_000
