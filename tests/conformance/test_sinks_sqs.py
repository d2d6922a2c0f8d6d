"""send_to_sqs against the requests the JS library's sendToSqs made."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_stream import Event, Fault, Key, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._retry import BatchOutcome, EntryResult
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.sqs import MESSAGE, send_to_sqs
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name([case for case in load("sinks") if case["function"] == "sendToSqs"])
NO_MESSAGE = Key[bool]("noMessage")


class Recorder:
    """An SQS port answering as the JS test stub did: ``mid-<Id>`` for every message."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    async def send_message_batch(
        self, entries: Sequence[JsonObject], *, queue_url: str
    ) -> BatchOutcome[JsonObject]:
        self.calls.append({"QueueUrl": queue_url, "Entries": [e.thaw() for e in entries]})
        answers = [
            JsonObject(
                {"Id": e["Id"], "MessageId": f"mid-{e.get_str('Id')}", "MD5OfMessageBody": "0"}
            )
            for e in entries
        ]
        response = JsonObject({"Successful": answers, "Failed": []})
        return BatchOutcome(
            entries=tuple(entries),
            results=tuple(EntryResult(entry=answer) for answer in answers),
            responses=(response,),
        )


def _run(case: Case, port: Recorder) -> list[UnitOfWork | Fault]:
    settings = case["options"]
    assert isinstance(settings, dict)
    env = {"AWS_REGION": "us-west-2", **case.get("env", {})}  # type: ignore[dict-item]  # recorded env
    options = resolve_options(env, **({"queue_url": settings["queueUrl"]} if settings else {}))
    uows = []
    for given in case["input_uows"]:  # type: ignore[attr-defined]  # recorded JSON list
        uow = UnitOfWork(
            record=None, event=Event.from_dict(given["event"]) if "event" in given else None
        )
        if "message" in given:
            uow = uow.set(MESSAGE, JsonObject(given["message"]))
        if "noMessage" in given:
            uow = uow.set(NO_MESSAGE, given["noMessage"])
        uows.append(uow)
    return collect(Stream.of(uows).through(send_to_sqs(options, port)))


def _ours(out: list[UnitOfWork | Fault]) -> list[dict[str, object]]:
    return [
        {k: v for k, v in uow.to_dict().items() if k != "record"}
        for uow in out
        if isinstance(uow, UnitOfWork)
    ]


def _requests(case: Case) -> object:
    return [call["input"] for call in case["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON


def test_the_uows_and_requests_match_the_js_library() -> None:
    case = CASES["sqs-send-message-batch"]
    port = Recorder()
    out = _run(case, port)
    assert _ours(out) == case["expected_uows"]
    assert port.calls == _requests(case)


def test_fifo_messages_go_in_batches_of_10_with_their_fifo_fields() -> None:
    case = CASES["sqs-fifo-and-batching"]
    port = Recorder()
    out = _run(case, port)
    assert port.calls == _requests(case)
    expected = [uow for uow in case["expected_uows"] if "message" in uow]  # type: ignore[attr-defined]  # recorded JSON
    assert [uow for uow in _ours(out) if "message" in uow] == expected


def test_a_uow_without_a_message_keeps_its_place_and_gets_nothing() -> None:
    """Deliberate differences 8 and the pass-through rule, case sqs-fifo-and-batching: the JS
    library emits the uow without a message as a batch of its own, ahead of the batch of m10
    and m11 still being filled, and gives it ``inputParams: {Entries: []}``; ours stays last,
    where it came in, untouched."""
    case = CASES["sqs-fifo-and-batching"]
    expected = case["expected_uows"]
    assert isinstance(expected, list)
    assert expected[10] == {"noMessage": True, "inputParams": {"Entries": []}}
    ours = _ours(_run(case, Recorder()))
    assert ours[-1] == {"noMessage": True}
    assert [uow["message"]["Id"] for uow in ours[:-1]] == [f"m{n}" for n in range(12)]  # type: ignore[index]  # thawed JSON
