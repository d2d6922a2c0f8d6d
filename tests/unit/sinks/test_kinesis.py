"""publish_to_kinesis: records, limits by count and bytes, order, per-uow answers."""

from __future__ import annotations

import json

import pytest

from lambda_stream import Event, Fault, Key, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.kinesis import INPUT_PARAMS, PUBLISH_RESPONSE, publish_to_kinesis
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryKinesis

OPTIONS = resolve_options({"AWS_REGION": "us-west-2"}, stream_name="s")
UNCOMPRESSED = resolve_options({}, stream_name="s", compression_threshold=None)


def _uows(count: int, size: int = 0, key: str | None = "pk") -> list[UnitOfWork]:
    return [
        UnitOfWork(
            record=JsonObject({"n": n}),
            event=Event(
                id=f"e{n}",
                type="t",
                partition_key=key,
                extra=JsonObject({"payload": "x" * size}),
            ),
        )
        for n in range(count)
    ]


def _publish(
    uows: list[UnitOfWork], kinesis: InMemoryKinesis, **kwargs: object
) -> list[UnitOfWork | Fault]:
    options = kwargs.pop("options", OPTIONS)
    sink = publish_to_kinesis(options, kinesis, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def test_each_event_becomes_a_record_of_its_json_and_partition_key() -> None:
    kinesis = InMemoryKinesis()
    _publish(_uows(2), kinesis)
    assert [event["id"] for event in kinesis.events] == ["e0", "e1"]  # type: ignore[index]  # parsed JSON
    assert {record["PartitionKey"] for record in kinesis.records} == {"pk"}
    assert kinesis.streams == ["s"]


def test_an_event_without_a_partition_key_is_keyed_by_its_id() -> None:
    """Deliberate difference: the JS library sends no PartitionKey and Kinesis refuses the
    whole request."""
    kinesis = InMemoryKinesis()
    _publish(_uows(2, key=None), kinesis)
    assert [record["PartitionKey"] for record in kinesis.records] == ["e0", "e1"]


def test_published_events_carry_the_standard_tags_and_the_uow_keeps_them() -> None:
    kinesis = InMemoryKinesis()
    out = _publish(_uows(1), kinesis)
    tags = kinesis.events[0]["tags"]  # type: ignore[index]  # parsed JSON
    assert tags["region"] == "us-west-2"
    assert isinstance(out[0], UnitOfWork)
    assert out[0].event is not None
    assert out[0].event.tags["region"] == "us-west-2"


def test_large_members_are_compressed() -> None:
    kinesis = InMemoryKinesis()
    options = resolve_options({}, stream_name="s", compression_threshold=100)
    _publish(_uows(1, size=500), kinesis, options=options)
    assert kinesis.events[0]["payload"].startswith("COMPRESSED")  # type: ignore[index]  # parsed JSON


def test_records_go_in_batches_of_25_by_default() -> None:
    kinesis = InMemoryKinesis()
    _publish(_uows(60), kinesis)
    assert [len(call) for call in kinesis.calls] == [25, 25, 10]


def test_at_most_500_records_go_in_one_request() -> None:
    kinesis = InMemoryKinesis()
    _publish(_uows(1_200), kinesis, batch_size=10_000)
    assert [len(call) for call in kinesis.calls] == [500, 500, 200]


def test_requests_stay_under_5_mib() -> None:
    kinesis = InMemoryKinesis()
    _publish(_uows(12, size=900_000), kinesis, options=UNCOMPRESSED, batch_size=500)
    assert [len(call) for call in kinesis.calls] == [5, 5, 2]


def test_a_record_over_1_mib_is_a_fault_of_its_uow_only() -> None:
    kinesis = InMemoryKinesis()
    uows = _uows(1) + _uows(1, size=1_100_000) + _uows(1)
    out = _publish(uows, kinesis, options=UNCOMPRESSED)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert fault.message.startswith("Record size: ")
    assert not fault.retryable
    assert len(kinesis.records) == 2


def test_a_partition_key_over_256_characters_is_a_fault_of_its_uow_only() -> None:
    kinesis = InMemoryKinesis()
    out = _publish(_uows(1) + _uows(1, key="k" * 257), kinesis)
    assert [type(item) for item in out] == [UnitOfWork, Fault]
    assert len(kinesis.records) == 1


def test_uows_keep_their_order_and_a_uow_without_event_stays_in_place_untouched() -> None:
    kinesis = InMemoryKinesis()
    uows = _uows(3)
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows.insert(1, bare)
    out = _publish(uows, kinesis)
    assert out[1] is bare
    assert [u.event.id for u in out if isinstance(u, UnitOfWork) and u.event] == ["e0", "e1", "e2"]


def test_each_uow_keeps_the_request_and_the_answer_and_no_record_of_its_own() -> None:
    kinesis = InMemoryKinesis()
    out = _publish(_uows(2), kinesis)
    first = out[0]
    assert isinstance(first, UnitOfWork)
    assert first[INPUT_PARAMS] == JsonObject({"Records": kinesis.calls[0]})
    assert first[PUBLISH_RESPONSE]["FailedRecordCount"] == 0
    assert [name for name, _ in first.attrs()] == ["inputParams", "publishResponse"]


def _throttle_e0_once(record: JsonObject, attempt: int) -> str | None:
    data = record["Data"]
    assert isinstance(data, bytes)
    first = attempt == 0 and json.loads(data)["id"] == "e0"
    return "ProvisionedThroughputExceededException" if first else None


def test_after_a_retry_the_answers_line_up_with_the_records() -> None:
    """Deliberate difference 6: each answer stays at its record's index."""
    kinesis = InMemoryKinesis(refuse=_throttle_e0_once)
    out = _publish(_uows(2), kinesis)
    answer = out[0][PUBLISH_RESPONSE].thaw() if isinstance(out[0], UnitOfWork) else {}
    assert [r["SequenceNumber"] for r in answer["Records"]] == ["2", "1"]  # type: ignore[attr-defined]  # thawed JSON
    assert answer["FailedRecordCount"] == 0
    assert len(answer["attempts"]) == 2  # type: ignore[arg-type]  # thawed JSON
    assert [len(call) for call in kinesis.calls] == [2, 1]


def test_a_record_the_stream_keeps_refusing_is_a_retryable_fault_of_its_uow() -> None:
    kinesis = InMemoryKinesis(
        refuse=lambda record, attempt: "InternalFailure" if b'"e1"' in record["Data"] else None,  # type: ignore[operator]  # Data is bytes
        max_retries=2,
    )
    out = _publish(_uows(3), kinesis)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("InternalFailure", True)
    assert len(kinesis.calls) == 3


def test_a_record_refused_for_what_it_is_is_a_fault_not_retried() -> None:
    kinesis = InMemoryKinesis(refuse=lambda record, attempt: "KMSAccessDeniedException")
    out = _publish(_uows(1), kinesis)
    assert isinstance(out[0], Fault)
    assert not out[0].retryable
    assert len(kinesis.calls) == 1


def test_the_event_can_come_from_another_key() -> None:
    emit = Key[Event]("emit")
    kinesis = InMemoryKinesis()
    uow = UnitOfWork(record=None, event=Event(id="in", type="in")).set(
        emit, Event(id="out", type="out", partition_key="k")
    )
    out = _publish([uow], kinesis, event=emit)
    assert kinesis.events[0]["id"] == "out"  # type: ignore[index]  # parsed JSON
    assert isinstance(out[0], UnitOfWork)
    assert out[0].event == Event(id="in", type="in")


def test_a_stream_is_required() -> None:
    with pytest.raises(ValueError, match="STREAM_NAME"):
        publish_to_kinesis(resolve_options({}), InMemoryKinesis())
