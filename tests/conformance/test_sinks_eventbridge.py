"""publish_to_event_bridge against the requests the JS library's publishToEventBridge made."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from lambda_stream import Event, Fault, Key, Stream, UnitOfWork, freeze, resolve_options
from lambda_stream.connectors._retry import BatchOutcome, send_with_retries
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.eventbridge import PUBLISH_RESPONSE, publish_to_event_bridge
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name([case for case in load("sinks") if case["function"] == "publishToEventBridge"])
PARTIAL = "eventbridge-partial-failure-retry"


class Recorder:
    """An EventBridge port answering as the JS test stubs did, from `responses` when given."""

    def __init__(self, responses: Sequence[object] = ()) -> None:
        self.responses = list(responses)
        self.calls: list[list[JsonObject]] = []

    async def put_events(
        self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        async def send(batch: list[JsonObject]) -> JsonObject:
            self.calls.append(batch)
            if self.responses:
                answer = freeze(self.responses.pop(0))  # type: ignore[arg-type]  # recorded JSON
                assert isinstance(answer, JsonObject)
                return answer
            ids = [{"EventId": f"eb-{n}"} for n in range(len(batch))]
            return JsonObject({"FailedEntryCount": 0, "Entries": ids})

        async def now(_: float) -> None:
            return None

        return await send_with_retries(
            entries, send, results_of, max_retries=8, retry_wait_ms=1, sleep=now
        )


def _run(case: Case, port: Recorder) -> list[UnitOfWork | Fault]:
    settings = case["options"]
    assert isinstance(settings, dict)
    env = {"AWS_REGION": "us-west-2", **case.get("env", {})}  # type: ignore[dict-item]  # recorded env
    options = resolve_options(env, bus_name=settings["busName"])
    emit = Key[Event]("emit")
    uows = []
    for given in case["input_uows"]:  # type: ignore[attr-defined]  # recorded JSON list
        uow = UnitOfWork(
            record=freeze(given["record"]) if "record" in given else None,
            event=Event.from_dict(given["event"]),
            pipeline=given.get("pipeline"),
        )
        if "emit" in given:
            uow = uow.set(emit, Event.from_dict(given["emit"]))
        uows.append(uow)
    sink = publish_to_event_bridge(
        options,
        port,
        source=settings.get("source"),
        event=emit if settings.get("eventField") == "emit" else None,
        max_request_size=settings.get("maxPublishRequestSize"),
    )
    return collect(Stream.of(uows).through(sink))


def _portable(value: object) -> object:
    """Event ids blanked, Detail strings parsed (JS and Python order keys differently)."""
    if isinstance(value, dict):
        return {
            key: "*"
            if key == "EventId"
            else json.loads(member)
            if key == "Detail"
            else _portable(member)
            for key, member in value.items()
            if key != "attempts"
        }
    if isinstance(value, list):
        return [_portable(member) for member in value]
    return value


def _ours(out: list[UnitOfWork | Fault]) -> list[object]:
    return [
        _portable({k: v for k, v in uow.to_dict().items() if not (k == "record" and v is None)})
        for uow in out
        if isinstance(uow, UnitOfWork)
    ]


@pytest.mark.parametrize("name", sorted(set(CASES) - {PARTIAL}))
def test_the_uows_and_requests_match_the_js_library(name: str) -> None:
    case = CASES[name]
    port = Recorder()
    out = _run(case, port)
    assert _ours(out) == _portable(case["expected_uows"])
    assert _portable([{"Entries": [dict(e) for e in call]} for call in port.calls]) == _portable(
        [call["input"] for call in case["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON
    )
    assert [fault.message for fault in out if isinstance(fault, Fault)] == [
        error["message"]
        for error in case["expected_errors"]  # type: ignore[attr-defined]  # recorded JSON
    ]


def test_after_a_partial_failure_each_answer_lines_up_with_its_entry() -> None:
    """Deliberate difference 6: the JS library answers ``[ok-1, ok-3, retry-0]`` (earlier
    successes first), which no longer lines up with the entries; ours is ``[ok-1, retry-0,
    ok-3]``, each uow's answer at its own entry's index. The requests are the JS ones."""
    case = CASES[PARTIAL]
    expected = case["expected_uows"]
    assert isinstance(expected, list)
    port = Recorder(expected[0]["publishResponse"]["attempts"])
    out = _run(case, port)
    answers = [
        uow[PUBLISH_RESPONSE].thaw()["Entries"] for uow in out if isinstance(uow, UnitOfWork)
    ]
    assert answers[0] == [{"EventId": "ok-1"}, {"EventId": "retry-0"}, {"EventId": "ok-3"}]
    assert [len(call) for call in port.calls] == [
        len(call["input"]["Entries"])
        for call in case["sdk_calls"]  # type: ignore[attr-defined]  # recorded JSON
    ]
