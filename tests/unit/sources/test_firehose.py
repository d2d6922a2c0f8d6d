"""from_firehose: base64 JSON events in, a uow per record; a bad record is a fault."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import Event, Fault, UnitOfWork, freeze
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.firehose import FIREHOSE_RECORD_ID, FIREHOSE_RESULT, from_firehose
from lambda_stream.testing import InMemoryS3, collect
from lambda_stream.testing.firehose import to_firehose_records


def _data(payload: bytes | str) -> str:
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    return base64.b64encode(raw).decode("ascii")


def _record(data: JsonValue, n: int = 0) -> dict[str, JsonValue]:
    return {"recordId": str(n), "data": data, "approximateArrivalTimestamp": 1495072949453}


def _good(n: int = 1) -> dict[str, JsonValue]:
    return _record(_data(json.dumps({"id": f"good{n}", "type": "thing-created"})), n)


def _invocation(*records: object) -> dict[str, object]:
    return {
        "invocationId": "i-1",
        "deliveryStreamArn": "arn:aws:firehose:us-west-2:123456789012:deliverystream/lake",
        "region": "us-west-2",
        "records": list(records),
    }


def _decode(*records: object) -> list[UnitOfWork | Fault]:
    return collect(from_firehose(_invocation(*records)))


def _only_uow(*records: object) -> UnitOfWork:
    [item] = _decode(*records)
    assert isinstance(item, UnitOfWork)
    return item


def _only_fault(event: object) -> Fault:
    [item] = collect(from_firehose(cast(Mapping[str, object], event)))  # as an untyped caller
    assert isinstance(item, Fault)
    return item


def test_a_record_becomes_a_uow_with_its_event() -> None:
    event: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "thing": {"name": "x"}}
    assert _only_uow(_record(_data(json.dumps(event)))).event == Event.from_dict(event)


def test_the_uow_keeps_the_record_as_received() -> None:
    record = _good()
    assert _only_uow(record).record == record


def test_the_uow_carries_the_record_id() -> None:
    assert _only_uow(_good(7))[FIREHOSE_RECORD_ID] == "7"


def test_the_result_starts_as_dropped() -> None:
    assert _only_uow(_good())[FIREHOSE_RESULT] == "Dropped"


def test_a_payload_id_wins_over_the_record_id() -> None:
    uow = _only_uow(_record(_data('{"id":"from-payload","type":"t"}'), 3))
    assert uow.event is not None
    assert uow.event.id == "from-payload"


def test_the_record_id_is_the_fallback_id() -> None:
    """The JS library sets no fallback (its event has no id then); an Event needs one."""
    uow = _only_uow(_record(_data('{"type":"t"}'), 4))
    assert uow.event is not None
    assert uow.event.id == "4"


def test_compressed_members_are_revived() -> None:
    packed = "COMPRESSED" + base64.b64encode(gzip.compress(b'{"name":"big"}')).decode()
    uow = _only_uow(_record(_data(json.dumps({"id": "1", "type": "t", "thing": packed}))))
    assert uow.event is not None
    assert uow.event["thing"] == {"name": "big"}


def test_events_tagged_skip_are_dropped() -> None:
    skipped = _record(_data('{"id":"1","type":"t","tags":{"skip":true}}'))
    assert _decode(skipped, _good()) == [_only_uow(_good())]


def test_a_claim_check_stub_is_redeemed_from_s3() -> None:
    s3 = InMemoryS3()
    s3.put("b", "k", '{"id":"cc-1","type":"thing-created","thing":{"name":"full"}}')
    stub = _record(_data('{"id":"cc-1","type":"thing-created","s3":{"bucket":"b","key":"k"}}'))
    [uow] = collect(from_firehose(_invocation(stub), s3=s3))
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event["thing"] == {"name": "full"}
    assert uow[FIREHOSE_RECORD_ID] == "0"


def test_the_records_of_a_helper_built_invocation_decode() -> None:
    event = to_firehose_records([{"id": "a", "type": "t1"}, {"id": "b", "type": "t2"}])
    items = collect(from_firehose(event))
    assert [item.event for item in items if isinstance(item, UnitOfWork)] == [
        Event(id="a", type="t1"),
        Event(id="b", type="t2"),
    ]


def test_a_frozen_invocation_decodes_like_a_plain_one() -> None:
    event = to_firehose_records([{"id": "a", "type": "t1"}])
    assert [type(item) for item in collect(from_firehose(freeze(event)))] == [UnitOfWork]  # type: ignore[arg-type]  # the builder returns plain JSON


def test_empty_records_are_an_empty_stream() -> None:
    assert _decode() == []


def test_the_stream_can_be_read_twice() -> None:
    stream = from_firehose(_invocation(_good()))
    assert collect(stream) == collect(stream) == [_only_uow(_good())]


# Bad records: each becomes a fault whose uow carries the raw record; the others flow on.
NO_DATA: dict[str, JsonValue] = {"recordId": "9", "approximateArrivalTimestamp": 1}
BAD_RECORDS: dict[str, object] = {
    "truncated json": _record(_data('{"id":"1","type":')),
    "invalid base64": _record("!!! not base64 !!!"),
    "invalid utf-8": _record(_data(b'{"id":"1","type":"t","name":"\xff\xfe"}')),
    "non-object json": _record(_data("[1, 2]")),
    "json string": _record(_data('"ab"')),
    "json null": _record(_data("null")),
    "no type": _record(_data('{"id":"1"}')),
    "missing data": NO_DATA,
    "data not a string": _record(42),
    "no recordId": {"data": _data('{"id":"1","type":"t"}')},
    "record is a string": "not a record",
    "record is null": None,
}


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_bad_record_is_a_fault_carrying_the_raw_record(record: object) -> None:
    [fault] = _decode(record)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == record


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_the_good_records_around_a_bad_one_flow_on(record: object) -> None:
    items = _decode(_good(1), record, _good(2))
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


def test_a_fault_names_what_is_wrong_with_the_record() -> None:
    [fault] = _decode(NO_DATA)
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message) == ("RecordError", "record has no data")


@pytest.mark.parametrize(
    "event", [None, 5, "text", [1, 2]], ids=["null", "number", "string", "list"]
)
def test_an_invocation_that_is_not_an_object_is_a_single_fault(event: object) -> None:
    fault = _only_fault(event)
    assert fault.message.startswith("a Firehose event must be a JSON object")
    assert fault.uows[0].record == event


@pytest.mark.parametrize("event", [{}, {"records": None}, {"Records": []}, {"records": "abc"}])
def test_an_invocation_without_a_records_list_is_a_single_fault(event: dict[str, object]) -> None:
    fault = _only_fault(event)
    assert fault.message == "a Firehose event needs a 'records' list"
    assert fault.uows[0].record == event
