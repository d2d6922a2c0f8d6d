import base64
import json
from typing import Any

import pytest

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.testing.kinesis import to_kinesis_records
from lambda_stream.utils.compression import PREFIX, decompress
from tests.conformance.cases import CONFORMANCE

JS_REGION = "us-west-2"  # the JS helpers ran with AWS_REGION=us-west-2


def _builder_cases() -> list[tuple[str, Any, Any]]:
    """(name, events, Lambda event) of every recorded toKinesisRecords call."""
    cases = [
        (case["name"], case["args"][0], case["expected"])
        for case in json.loads((CONFORMANCE / "utils.json").read_text())
        if case["function"] == "toKinesisRecords"
    ]
    cases += [
        (case["name"], case["input_built_with"]["args"][0], case["input_event"])
        for case in json.loads((CONFORMANCE / "from-kinesis.json").read_text())
        if case.get("input_built_with", {}).get("name") == "toKinesisRecords"
    ]
    return cases


def _decoded(lambda_event: Any) -> Any:
    """The Lambda event with every record's data decoded and parsed."""
    return {
        "Records": [
            {**record, "kinesis": {**record["kinesis"], "data": _data(record)}}
            for record in lambda_event["Records"]
        ]
    }


def _data(record: Any) -> Any:
    return json.loads(base64.b64decode(record["kinesis"]["data"]).decode("utf-8"))


def _records(lambda_event: dict[str, object]) -> list[Any]:
    records = lambda_event["Records"]
    assert isinstance(records, list)
    return records


@pytest.mark.parametrize(("name", "events", "expected"), _builder_cases())
def test_the_lambda_event_matches_the_js_helpers(name: str, events: Any, expected: Any) -> None:
    """Recorded toKinesisRecords calls; no approximateArrivalTimestamp (undefined in JS)."""
    built = to_kinesis_records(events, aws_region=JS_REGION)
    assert _decoded(built) == _decoded(expected)


def test_the_data_is_the_js_helpers_text_byte_for_byte() -> None:
    """Case helper-toKinesisRecords: no integer-like keys, so the JS key order is ours."""
    events: list[dict[str, JsonValue]] = [
        {"type": "t1", "partitionKey": "1"},
        {"id": "x", "type": "t2"},
    ]
    records = _records(to_kinesis_records(events, aws_region=JS_REGION))
    assert [record["kinesis"]["data"] for record in records] == [
        "eyJ0eXBlIjoidDEiLCJwYXJ0aXRpb25LZXkiOiIxIn0=",
        "eyJpZCI6IngiLCJ0eXBlIjoidDIifQ==",
    ]


def test_records_are_numbered_from_zero() -> None:
    records = _records(to_kinesis_records([{"id": "a", "type": "t"}] * 3))
    assert [(r["eventID"], r["kinesis"]["sequenceNumber"]) for r in records] == [
        ("shardId-000000000000:0", "0"),
        ("shardId-000000000000:1", "1"),
        ("shardId-000000000000:2", "2"),
    ]


def test_the_arrival_timestamp_is_absent_when_not_given() -> None:
    record = _records(to_kinesis_records([{"id": "a", "type": "t"}]))[0]
    assert "approximateArrivalTimestamp" not in record["kinesis"]


def test_the_arrival_timestamp_is_written_when_given() -> None:
    record = _records(to_kinesis_records([{"id": "a", "type": "t"}], 1548967023.152))[0]
    assert record["kinesis"]["approximateArrivalTimestamp"] == 1548967023.152


def test_an_event_is_written_in_its_wire_form() -> None:
    event = Event.from_dict({"id": "a", "type": "t", "partitionKey": "k", "thing": {"n": 1}})
    record = _records(to_kinesis_records([event]))[0]
    assert _data(record) == event.to_dict()


def test_the_data_keeps_non_ascii_text_as_utf8() -> None:
    record = _records(to_kinesis_records([{"id": "a", "type": "t", "name": "Crème 🍮"}]))[0]
    assert (
        base64.b64decode(record["kinesis"]["data"])
        == '{"id":"a","type":"t","name":"Crème 🍮"}'.encode()
    )


def test_members_over_10_kib_are_compressed_as_the_js_helper_does() -> None:
    thing: dict[str, JsonValue] = {"text": "x" * 10_300}
    record = _records(to_kinesis_records([{"id": "a", "type": "t", "thing": thing}]))[0]
    data = _data(record)
    assert data["thing"].startswith(PREFIX)
    assert decompress(data) == {"id": "a", "type": "t", "thing": thing}


def test_members_at_10_kib_are_not_compressed() -> None:
    thing: dict[str, JsonValue] = {"text": "x" * 10_000}
    record = _records(to_kinesis_records([{"id": "a", "type": "t", "thing": thing}]))[0]
    assert _data(record)["thing"] == thing


def test_the_region_is_the_one_given() -> None:
    record = _records(to_kinesis_records([{"id": "a", "type": "t"}], aws_region="eu-west-1"))[0]
    assert record["awsRegion"] == "eu-west-1"


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    record = _records(to_kinesis_records([{"id": "a", "type": "t"}]))[0]
    assert record["awsRegion"] == "ap-southeast-2"


def test_the_region_falls_back_to_the_js_helpers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    record = _records(to_kinesis_records([{"id": "a", "type": "t"}]))[0]
    assert record["awsRegion"] == "us-west-2"


def test_no_events_make_no_records() -> None:
    assert to_kinesis_records([]) == {"Records": []}


def test_the_events_may_be_any_iterable() -> None:
    events = (Event(id=str(n), type="t") for n in range(2))
    assert len(_records(to_kinesis_records(events))) == 2
