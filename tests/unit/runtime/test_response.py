"""The partial batch response: the identifiers Lambda knows its records by."""

from __future__ import annotations

from lambda_stream import Fault, RetryableError, UnitOfWork, freeze
from lambda_stream.core.json import JsonValue
from lambda_stream.runtime import item_identifier
from lambda_stream.runtime.response import failed_items

SQS: dict[str, JsonValue] = {"messageId": "m-1", "eventSource": "aws:sqs", "body": "{}"}
KINESIS: dict[str, JsonValue] = {
    "eventID": "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
    "kinesis": {"sequenceNumber": "49590338271490256608559692538361571095921575989136588898"},
}
DYNAMODB: dict[str, JsonValue] = {"eventID": "1", "dynamodb": {"SequenceNumber": "111"}}


def _fault(*records: dict[str, JsonValue]) -> Fault:
    uows = [UnitOfWork(record=freeze(record)) for record in records]
    subject = uows[0] if len(uows) == 1 else uows[0].with_batch(tuple(uows))
    return Fault.of(RetryableError("later"), subject)


def test_an_sqs_record_is_known_by_its_message_id() -> None:
    assert item_identifier(freeze(SQS)) == "m-1"


def test_a_kinesis_record_is_known_by_its_sequence_number() -> None:
    assert item_identifier(freeze(KINESIS)) == (
        "49590338271490256608559692538361571095921575989136588898"
    )


def test_a_dynamodb_record_is_known_by_its_sequence_number() -> None:
    assert item_identifier(freeze(DYNAMODB)) == "111"


def test_a_record_without_an_identifier_has_none() -> None:
    assert item_identifier(freeze({"eventID": "x", "kinesis": {}})) is None


def test_a_record_that_is_not_an_object_has_no_identifier() -> None:
    assert item_identifier("not a record") is None


def test_a_sequence_number_that_is_not_a_string_is_no_identifier() -> None:
    assert item_identifier(freeze({"kinesis": {"sequenceNumber": 7}})) is None


def test_failed_items_lists_each_record_once_in_first_seen_order() -> None:
    faults = [_fault(DYNAMODB), _fault(SQS), _fault(DYNAMODB)]
    assert failed_items(faults) == (["111", "m-1"], 0)


def test_failed_items_counts_records_without_an_identifier() -> None:
    assert failed_items([_fault(SQS), _fault({"odd": True}), _fault({})]) == (["m-1"], 2)


def test_failed_items_lists_every_member_of_a_batch() -> None:
    assert failed_items([_fault(SQS, DYNAMODB)]) == (["m-1", "111"], 0)
