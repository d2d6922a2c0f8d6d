"""send_with_retries: only failed, retryable entries go again; one result per entry, in order."""

from __future__ import annotations

import asyncio
import random

from lambda_stream.connectors._retry import (
    BatchOutcome,
    EntryResult,
    backoff_ms,
    send_with_retries,
)
from lambda_stream.core.json import JsonObject

OK = EntryResult(entry=JsonObject({"Id": "ok"}))


def _fail(code: str, retryable: bool = True) -> EntryResult:
    return EntryResult(entry=JsonObject({"ErrorCode": code}), error_code=code, retryable=retryable)


class Script:
    """A service answering each call from a script: per call, per entry, a result."""

    def __init__(self, *answers: list[EntryResult]) -> None:
        self.answers = list(answers)
        self.calls: list[list[str]] = []
        self.waits: list[float] = []

    async def send(self, batch: list[str]) -> JsonObject:
        self.calls.append(batch)
        return JsonObject({"call": len(self.calls) - 1})

    def results_of(self, response: JsonObject, count: int) -> list[EntryResult]:
        call = response["call"]
        assert isinstance(call, int)
        answer = self.answers[call]
        assert len(answer) == count
        return answer

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def _run(script: Script, entries: list[str], max_retries: int = 8) -> BatchOutcome[str]:
    return asyncio.run(
        send_with_retries(
            entries,
            script.send,
            script.results_of,
            max_retries=max_retries,
            retry_wait_ms=100,
            sleep=script.sleep,
        )
    )


def test_only_the_failed_entries_are_sent_again() -> None:
    script = Script([OK, _fail("ThrottlingException"), OK], [OK])
    _run(script, ["a", "b", "c"])
    assert script.calls == [["a", "b", "c"], ["b"]]


def test_results_stay_aligned_with_the_entries() -> None:
    late = EntryResult(entry=JsonObject({"Id": "late"}))
    script = Script([_fail("InternalFailure"), OK, OK], [late])
    outcome = _run(script, ["a", "b", "c"])
    assert [result.entry for result in outcome.results] == [late.entry, OK.entry, OK.entry]
    assert outcome.failed_count == 0


def test_a_failure_not_worth_retrying_is_not_sent_again() -> None:
    script = Script([OK, _fail("MalformedDetail", retryable=False)])
    outcome = _run(script, ["a", "b"])
    assert script.calls == [["a", "b"]]
    assert outcome.results[1].error_code == "MalformedDetail"


def test_when_the_retries_run_out_the_entry_keeps_its_last_failure() -> None:
    script = Script([_fail("ThrottlingException")], [_fail("ThrottlingException")])
    outcome = _run(script, ["a"], max_retries=1)
    assert len(script.calls) == 2
    assert outcome.failed_count == 1
    assert outcome.results[0].retryable


def test_every_response_is_kept() -> None:
    script = Script([_fail("ThrottlingException")], [OK])
    outcome = _run(script, ["a"])
    assert [response["call"] for response in outcome.responses] == [0, 1]


def test_the_first_call_does_not_wait_and_retries_back_off() -> None:
    script = Script([_fail("T")], [_fail("T")], [_fail("T")], [OK])
    _run(script, ["a"])
    assert len(script.waits) == 3
    assert script.waits[0] <= script.waits[2]


def test_backoff_grows_exponentially_within_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    assert 50 <= backoff_ms(1, 100, rng) <= 100
    assert 200 <= backoff_ms(3, 100, rng) <= 400
    assert backoff_ms(20, 100, rng) <= 2_000
