"""send_to_firehose: JSON lines, limits by count and bytes, order, per-uow answers."""

from __future__ import annotations

import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.firehose import INPUT_PARAMS, PUT_RESPONSE, send_to_firehose
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryFirehose

OPTIONS = resolve_options({}, delivery_stream_name="lake")
UNCOMPRESSED = resolve_options({}, delivery_stream_name="lake", compression_threshold=None)


def _uows(count: int, size: int = 0, start: int = 0) -> list[UnitOfWork]:
    return [
        UnitOfWork(
            record=JsonObject({"n": n}),
            event=Event(id=f"e{n}", type="t", extra=JsonObject({"payload": "x" * size})),
        )
        for n in range(start, start + count)
    ]


def _send(
    uows: list[UnitOfWork], firehose: InMemoryFirehose, **kwargs: object
) -> list[UnitOfWork | Fault]:
    options = kwargs.pop("options", OPTIONS)
    sink = send_to_firehose(options, firehose, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def test_each_event_becomes_one_json_line() -> None:
    firehose = InMemoryFirehose()
    _send(_uows(2), firehose)
    assert (
        firehose.data
        == b'{"id":"e0","type":"t","payload":""}\n{"id":"e1","type":"t","payload":""}\n'
    )
    assert firehose.streams == ["lake"]


def test_no_tags_are_added_as_in_the_js_library() -> None:
    firehose = InMemoryFirehose()
    out = _send(_uows(1), firehose)
    assert "tags" not in firehose.events[0]  # type: ignore[operator]  # parsed JSON
    assert isinstance(out[0], UnitOfWork)
    assert out[0].event == _uows(1)[0].event


def test_records_go_in_batches_of_25_by_default() -> None:
    firehose = InMemoryFirehose()
    _send(_uows(60), firehose)
    assert [len(call) for call in firehose.calls] == [25, 25, 10]


def test_at_most_500_records_go_in_one_request() -> None:
    firehose = InMemoryFirehose()
    _send(_uows(1_100), firehose, batch_size=5_000)
    assert [len(call) for call in firehose.calls] == [500, 500, 100]


def test_requests_stay_under_4_mib() -> None:
    firehose = InMemoryFirehose()
    _send(_uows(10, size=900_000), firehose, options=UNCOMPRESSED, batch_size=500)
    assert [len(call) for call in firehose.calls] == [4, 4, 2]


def test_a_record_over_1000_kib_is_a_fault_of_its_uow_only() -> None:
    firehose = InMemoryFirehose()
    uows = _uows(1) + _uows(1, size=1_030_000, start=1) + _uows(1, start=2)
    out = _send(uows, firehose, options=UNCOMPRESSED)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert fault.message.startswith("Record size: ")
    assert not fault.retryable


def test_uows_keep_their_order_and_a_uow_without_event_stays_in_place_untouched() -> None:
    firehose = InMemoryFirehose()
    uows = _uows(3)
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows.insert(1, bare)
    out = _send(uows, firehose)
    assert out[1] is bare
    assert [u.event.id for u in out if isinstance(u, UnitOfWork) and u.event] == ["e0", "e1", "e2"]


def test_each_uow_keeps_the_request_and_the_answer_and_no_record_of_its_own() -> None:
    firehose = InMemoryFirehose()
    out = _send(_uows(2), firehose)
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[INPUT_PARAMS] == JsonObject({"Records": firehose.calls[0]})
    assert first[PUT_RESPONSE]["FailedPutCount"] == 0
    assert [name for name, _ in first.attrs()] == ["inputParams", "putResponse"]


def test_after_a_retry_the_answers_line_up_with_the_records() -> None:
    """Deliberate difference 6: each answer stays at its record's index."""
    firehose = InMemoryFirehose(
        refuse=lambda r, n: "ServiceUnavailableException" if n == 0 and b"e0" in r["Data"] else None  # type: ignore[operator]  # Data is bytes
    )
    out = _send(_uows(2), firehose)
    answer = out[0][PUT_RESPONSE].thaw() if isinstance(out[0], UnitOfWork) else {}
    assert [r["RecordId"] for r in answer["RequestResponses"]] == ["fake-2", "fake-1"]  # type: ignore[attr-defined]  # thawed JSON
    assert answer["FailedPutCount"] == 0
    assert len(answer["attempts"]) == 2  # type: ignore[arg-type]  # thawed JSON


def test_a_record_the_stream_keeps_refusing_is_a_retryable_fault_of_its_uow() -> None:
    firehose = InMemoryFirehose(
        refuse=lambda r, n: "ServiceUnavailableException" if b"e1" in r["Data"] else None,  # type: ignore[operator]  # Data is bytes
        max_retries=2,
    )
    out = _send(_uows(3), firehose)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    assert isinstance(out[1], Fault)
    assert out[1].retryable
    assert len(firehose.calls) == 3


def test_a_delivery_stream_is_required() -> None:
    with pytest.raises(ValueError, match="DELIVERY_STREAM_NAME"):
        send_to_firehose(resolve_options({}), InMemoryFirehose())
