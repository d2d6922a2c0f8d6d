"""send_to_sqs: messages as given, batches of 10 and 1 MiB, order, per-uow answers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._retry import BatchOutcome, EntryResult
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.sqs import (
    INPUT_PARAMS,
    MESSAGE,
    SEND_MESSAGE_BATCH_RESPONSE,
    send_to_sqs,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemorySqs

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
OPTIONS = resolve_options({}, queue_url=URL)


def _uows(count: int, size: int = 1, start: int = 0) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(
            MESSAGE, JsonObject({"Id": f"m{n}", "MessageBody": "x" * size})
        )
        for n in range(start, start + count)
    ]


def _send(uows: list[UnitOfWork], port: object, **kwargs: object) -> list[UnitOfWork | Fault]:
    options = kwargs.pop("options", OPTIONS)
    sink = send_to_sqs(options, port, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def test_each_message_goes_to_the_queue_as_given() -> None:
    sqs = InMemorySqs()
    uows = _uows(2)
    _send(uows, sqs)
    assert sqs.messages == [uow[MESSAGE] for uow in uows]
    assert sqs.queues == [URL]


def test_at_most_10_messages_go_in_one_request() -> None:
    """Deliberate difference: the JS library does not cap SQS_BATCH_SIZE at 10."""
    sqs = InMemorySqs()
    _send(_uows(25), sqs, batch_size=25)
    assert [len(call) for call in sqs.calls] == [10, 10, 5]


def test_requests_stay_under_the_payload_limit() -> None:
    sqs = InMemorySqs()
    _send(_uows(6, size=300), sqs, max_payload_size=1_000)
    assert [len(call) for call in sqs.calls] == [3, 3]


def test_a_message_over_the_payload_limit_is_a_fault_of_its_uow_only() -> None:
    sqs = InMemorySqs()
    out = _send(_uows(1) + _uows(1, size=2_000, start=1), sqs, max_payload_size=1_000)
    assert [type(item) for item in out] == [UnitOfWork, Fault]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert fault.message.startswith("Payload size: ")
    assert not fault.retryable


def test_the_payload_limit_is_at_most_1_mib() -> None:
    sqs = InMemorySqs()
    out = _send(_uows(1, size=1_100_000), sqs, max_payload_size=5_000_000)
    assert isinstance(out[0], Fault)
    assert sqs.calls == []


def test_uows_keep_their_order_and_a_uow_without_message_stays_in_place_untouched() -> None:
    sqs = InMemorySqs()
    uows = _uows(3)
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows.insert(1, bare)
    out = _send(uows, sqs)
    assert out[1] is bare
    assert [u[MESSAGE]["Id"] for u in out if isinstance(u, UnitOfWork) and MESSAGE in u] == [
        "m0",
        "m1",
        "m2",
    ]


def test_each_uow_keeps_the_request_and_the_answer() -> None:
    sqs = InMemorySqs()
    out = _send(_uows(2), sqs)
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[INPUT_PARAMS] == JsonObject({"Entries": sqs.calls[0]})
    answer = first[SEND_MESSAGE_BATCH_RESPONSE].thaw()
    assert [entry["Id"] for entry in answer["Successful"]] == ["m0", "m1"]  # type: ignore[attr-defined]  # thawed JSON


def test_a_failed_message_is_retried_alone_and_the_answer_lists_every_success() -> None:
    sqs = InMemorySqs(refuse=lambda m, attempt: "InternalError" if attempt == 0 else None)
    out = _send(_uows(2), sqs)
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert [len(call) for call in sqs.calls] == [2, 2]
    answer = out[0][SEND_MESSAGE_BATCH_RESPONSE].thaw() if isinstance(out[0], UnitOfWork) else {}
    assert [entry["Id"] for entry in answer["Successful"]] == ["m0", "m1"]  # type: ignore[attr-defined]  # thawed JSON
    assert len(answer["attempts"]) == 2  # type: ignore[arg-type]  # thawed JSON


def test_a_message_sqs_refuses_as_the_senders_fault_is_a_fault_not_retried() -> None:
    sqs = InMemorySqs(
        refuse=lambda m, attempt: "InvalidParameterValue" if m["Id"] == "m1" else None
    )
    out = _send(_uows(3), sqs)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("InvalidParameterValue", False)
    assert len(sqs.calls) == 1


def test_a_message_failing_past_the_retries_is_a_retryable_fault() -> None:
    sqs = InMemorySqs(refuse=lambda m, attempt: "InternalError", max_retries=1)
    out = _send(_uows(1), sqs)
    assert isinstance(out[0], Fault)
    assert out[0].retryable


class Concurrency:
    """An SQS port that notes how many batches are in flight at once."""

    def __init__(self) -> None:
        self.active = 0
        self.most = 0

    async def send_message_batch(
        self, entries: Sequence[JsonObject], *, queue_url: str
    ) -> BatchOutcome[JsonObject]:
        self.active += 1
        self.most = max(self.most, self.active)
        for _ in range(3):
            await asyncio.sleep(0)
        self.active -= 1
        results = tuple(EntryResult(entry=JsonObject()) for _ in entries)
        return BatchOutcome(entries=tuple(entries), results=results, responses=(JsonObject(),))


def test_batches_to_a_fifo_queue_go_one_at_a_time() -> None:
    port = Concurrency()
    options = resolve_options({}, queue_url=URL + ".fifo", parallel=4)
    _send(_uows(40), port, options=options)
    assert port.most == 1


def test_batches_to_a_standard_queue_go_in_parallel() -> None:
    port = Concurrency()
    _send(_uows(40), port, options=resolve_options({}, queue_url=URL, parallel=4))
    assert port.most > 1


def test_a_queue_is_required() -> None:
    with pytest.raises(ValueError, match="QUEUE_URL"):
        send_to_sqs(resolve_options({}), InMemorySqs())
