"""Fault events: the JS library's ``fault`` format, redaction and the request size limit."""

from __future__ import annotations

import json

import pytest

from lambda_stream import Event, Fault, Options, UnitOfWork, freeze, resolve_options
from lambda_stream.core.json import JsonValue
from lambda_stream.faults import FAULT_EVENT_TYPE, fault_event

RECORD: dict[str, JsonValue] = {
    "eventSource": "aws:kinesis",
    "eventID": "shardId-000000000000:7",
    "kinesis": {"sequenceNumber": "7", "data": "eyJpZCI6ImUxIn0="},
}


def _options(**environ: str) -> Options:
    return resolve_options(environ)


def _uow(
    event: dict[str, JsonValue] | None = None,
    *,
    pipeline: str | None = "p1",
    record: dict[str, JsonValue] = RECORD,
) -> UnitOfWork:
    body = event if event is not None else {"id": "e1", "type": "thing-created"}
    return UnitOfWork(record=freeze(record), event=Event.from_dict(body), pipeline=pipeline)


def _fault(uow: UnitOfWork, error: Exception | None = None) -> Fault:
    return Fault.of(error or ValueError("boom"), uow)


def _event(fault: Fault, options: Options | None = None) -> dict[str, object]:
    made = fault_event(
        fault,
        options or _options(),
        now_ms=1700000000000,
        new_id=lambda: "id-1",
        new_key=lambda: "key-1",
    )
    return made.to_dict()


def _uow_of(event: dict[str, object]) -> dict[str, object]:
    uow = event["uow"]
    assert isinstance(uow, dict)
    return uow


def test_a_fault_event_has_type_fault_id_key_and_timestamp() -> None:
    event = _event(_fault(_uow()))
    assert (event["type"], event["id"], event["partitionKey"], event["timestamp"]) == (
        FAULT_EVENT_TYPE,
        "id-1",
        "key-1",
        1700000000000,
    )


def test_err_carries_the_error_name_message_and_stack() -> None:
    fault = _fault(_uow(), KeyError("thing"))
    assert _event(fault)["err"] == {"name": "KeyError", "message": "'thing'", "stack": fault.stack}


def test_the_stack_is_the_formatted_traceback() -> None:
    def failing() -> None:
        raise ValueError("deep")

    with pytest.raises(ValueError, match="deep") as raised:
        failing()
    err = _event(_fault(_uow(), raised.value))["err"]
    assert isinstance(err, dict)
    assert "in failing" in err["stack"]


def test_the_uow_record_is_left_untouched() -> None:
    assert _uow_of(_event(_fault(_uow())))["record"] == RECORD


def test_the_uow_keeps_its_pipeline_and_event() -> None:
    uow = _uow_of(_event(_fault(_uow())))
    assert (uow["pipeline"], uow["event"]) == ("p1", {"id": "e1", "type": "thing-created"})


def test_tags_carry_functionname_and_pipeline() -> None:
    tags = _event(_fault(_uow()), _options(AWS_LAMBDA_FUNCTION_NAME="listener"))["tags"]
    assert isinstance(tags, dict)
    assert (tags["functionname"], tags["pipeline"]) == ("listener", "p1")


def test_tags_carry_the_standard_tags_from_the_options() -> None:
    options = _options(ACCOUNT_NAME="dev", AWS_REGION="us-west-2", STAGE="stg", SERVICE="svc")
    assert _event(_fault(_uow()), options)["tags"] == {
        "account": "dev",
        "region": "us-west-2",
        "stage": "stg",
        "source": "svc",
        "functionname": "undefined",
        "pipeline": "p1",
    }


def test_unset_tags_are_the_string_undefined_as_in_js() -> None:
    tags = _event(_fault(_uow(pipeline=None)))["tags"]
    assert tags == dict.fromkeys(
        ("account", "region", "stage", "source", "functionname", "pipeline"), "undefined"
    )


def test_test_mode_tags_the_fault_skip() -> None:
    tags = _event(_fault(_uow()), _options(NODE_ENV="test"))["tags"]
    assert isinstance(tags, dict)
    assert tags["skip"] is True


def test_fields_named_in_eem_are_redacted_in_the_event() -> None:
    body: dict[str, JsonValue] = {
        "id": "e1",
        "type": "thing-created",
        "thing": {"name": "n", "ssn": "123-45-6789"},
        "eem": {"fields": ["ssn"]},
    }
    event = _uow_of(_event(_fault(_uow(body))))["event"]
    assert isinstance(event, dict)
    assert event["thing"] == {"name": "n", "ssn": "[REDACTED]"}


def test_redaction_leaves_the_record_untouched() -> None:
    record: dict[str, JsonValue] = {"eventID": "x", "ssn": "123-45-6789"}
    body: dict[str, JsonValue] = {"id": "e1", "type": "t", "eem": {"fields": ["ssn"]}}
    assert _uow_of(_event(_fault(_uow(body, record=record))))["record"] == record


def test_an_event_over_the_request_size_is_cut_to_the_record() -> None:
    body: dict[str, JsonValue] = {"id": "e1", "type": "t", "big": "x" * 5000}
    options = resolve_options({}, max_request_size=4000, compression_threshold=None)
    assert _uow_of(_event(_fault(_uow(body)), options)) == {"record": RECORD}


def test_a_cut_event_keeps_its_id_key_and_tags() -> None:
    body: dict[str, JsonValue] = {"id": "e1", "type": "t", "big": "x" * 5000}
    options = resolve_options({}, max_request_size=4000, compression_threshold=None)
    event = _event(_fault(_uow(body)), options)
    tags = event["tags"]
    assert isinstance(tags, dict)
    assert (event["id"], event["partitionKey"], tags["pipeline"]) == ("id-1", "key-1", "p1")


def test_an_event_within_the_request_size_is_not_cut() -> None:
    body: dict[str, JsonValue] = {"id": "e1", "type": "t", "big": "x" * 5000}
    options = resolve_options({}, max_request_size=8000, compression_threshold=None)
    assert set(_uow_of(_event(_fault(_uow(body)), options))) == {"pipeline", "record", "event"}


def test_the_size_is_measured_after_compression_as_in_js() -> None:
    body: dict[str, JsonValue] = {"id": "e1", "type": "t", "big": "x" * 50_000}
    options = resolve_options({}, max_request_size=8000, compression_threshold=1024)
    event = _uow_of(_event(_fault(_uow(body)), options))["event"]
    assert isinstance(event, dict)
    assert event["big"] == "x" * 50_000  # measured compressed, but written out whole


def test_the_record_is_never_compressed_when_measuring() -> None:
    record: dict[str, JsonValue] = {"eventID": "x", "kinesis": {"data": "A" * 20_000}}
    options = resolve_options({}, max_request_size=8000, compression_threshold=1024)
    assert _uow_of(_event(_fault(_uow(record=record)), options)) == {"record": record}


def test_a_fault_without_a_uow_describes_its_subject() -> None:
    fault = Fault.of(ValueError("odd"), {"not": "a uow"})
    assert _uow_of(_event(fault)) == {"subject": "{'not': 'a uow'}"}


def test_a_fault_event_is_plain_json() -> None:
    event = _event(_fault(_uow()))
    assert json.loads(json.dumps(event)) == event


def test_ids_are_uuids_by_default() -> None:
    made = fault_event(_fault(_uow()), _options(), now_ms=1)
    assert (len(made.id), len(made.partition_key or "")) == (36, 36)
