"""Lambda's records from the APIs' records: DynamoDB, Kinesis and SQS."""

from __future__ import annotations

from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.runtime.esm_records import dynamodb_record, kinesis_record, sqs_record

KINESIS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/s"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:q"


def _message(**members: JsonValue) -> JsonObject:
    base: dict[str, JsonValue] = {
        "MessageId": "m1",
        "ReceiptHandle": "h1",
        "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
        "Body": "hello",
        "Attributes": {"SentTimestamp": "1700000000000", "ApproximateReceiveCount": "1"},
    }
    return JsonObject({**base, **members})


def test_a_dynamodb_record_gains_the_stream_arn() -> None:
    raw = JsonObject({"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1"}})
    assert dynamodb_record(raw, stream_arn="arn:s")["eventSourceARN"] == "arn:s"


def test_a_dynamodb_creation_time_is_in_whole_seconds() -> None:
    raw = JsonObject({"dynamodb": {"ApproximateCreationDateTime": 1795741513.632}})
    change = dynamodb_record(raw, stream_arn="arn:s")["dynamodb"]
    assert change == {"ApproximateCreationDateTime": 1795741513}


def test_the_other_members_of_a_dynamodb_record_pass_through() -> None:
    raw = JsonObject(
        {
            "eventID": "e1",
            "eventName": "REMOVE",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "eu-west-1",
            "dynamodb": {"Keys": {"pk": {"S": "a"}}, "OldImage": {"pk": {"S": "a"}}},
            "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        }
    )
    record = dynamodb_record(raw, stream_arn="arn:s")
    assert {key: value for key, value in record.items() if key != "eventSourceARN"} == raw


def test_a_kinesis_record_is_wrapped_in_lambdas_envelope() -> None:
    raw = JsonObject(
        {
            "SequenceNumber": "10",
            "ApproximateArrivalTimestamp": 1795742519.956,
            "Data": "eyJpIjogMH0=",
            "PartitionKey": "k0",
        }
    )
    record = kinesis_record(
        raw,
        shard_id="shardId-000000000001",
        stream_arn=KINESIS_ARN,
        region="eu-west-1",
        account="123456789012",
    )
    assert record == {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "k0",
            "sequenceNumber": "10",
            "data": "eyJpIjogMH0=",
            "approximateArrivalTimestamp": 1795742519.956,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": "shardId-000000000001:10",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/local-esm",
        "awsRegion": "eu-west-1",
        "eventSourceARN": KINESIS_ARN,
    }


def test_an_sqs_record_has_lambdas_members() -> None:
    record = sqs_record(_message(), queue_arn=QUEUE_ARN, region="eu-west-1")
    assert record == {
        "messageId": "m1",
        "receiptHandle": "h1",
        "body": "hello",
        "attributes": {"SentTimestamp": "1700000000000", "ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "5d41402abc4b2a76b9719d911017c592",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "eu-west-1",
    }


def test_sqs_message_attributes_are_written_as_lambda_writes_them() -> None:
    message = _message(
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "a"},
            "blob": {"DataType": "Binary", "BinaryValue": "AQ=="},
        },
        MD5OfMessageAttributes="abc",
    )
    record = sqs_record(message, queue_arn=QUEUE_ARN, region="eu-west-1")
    assert record["messageAttributes"] == {
        "kind": {
            "stringValue": "a",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": "AQ==",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    assert record["md5OfMessageAttributes"] == "abc"
