"""Lambda's event records, built from what the stream and queue APIs return.

The APIs answer in their own JSON (see `lambda_stream.connectors`); Lambda reshapes it before a
function sees it. What it adds or changes is copied here: the source ARN, DynamoDB's creation
time in whole seconds, Kinesis records wrapped in their envelope with camel-case members, SQS
messages with camel-case members and attribute values.
"""

from __future__ import annotations

from typing import Final

from lambda_stream.core.json import FrozenJson, JsonArray, JsonObject

__all__ = ["dynamodb_record", "kinesis_record", "sqs_record"]

_ROLE: Final = "local-esm"
"""The name of the execution role in a Kinesis record's ``invokeIdentityArn``."""


def dynamodb_record(record: JsonObject, *, stream_arn: str) -> dict[str, object]:
    """A DynamoDB Streams record as Lambda delivers it.

    Lambda adds ``eventSourceARN`` (GetRecords has none) and writes
    ``ApproximateCreationDateTime`` in whole seconds.

    >>> raw = JsonObject({"dynamodb": {"ApproximateCreationDateTime": 5.9}})
    >>> dynamodb_record(raw, stream_arn="arn:s")
    {'dynamodb': {'ApproximateCreationDateTime': 5}, 'eventSourceARN': 'arn:s'}
    """
    out = record.thaw()
    change = out.get("dynamodb")
    if isinstance(change, dict):
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, int | float) and not isinstance(created, bool):
            change["ApproximateCreationDateTime"] = int(created)
    out["eventSourceARN"] = stream_arn
    return out


def kinesis_record(
    record: JsonObject, *, shard_id: str, stream_arn: str, region: str, account: str
) -> dict[str, object]:
    """A Kinesis record as Lambda delivers it: the record under ``kinesis``, in an envelope.

    >>> raw = JsonObject({"SequenceNumber": "7", "Data": "e30=", "PartitionKey": "k",
    ...                   "ApproximateArrivalTimestamp": 1.5})
    >>> event = kinesis_record(raw, shard_id="shardId-0", stream_arn="arn:s", region="r",
    ...                        account="1")
    >>> event["eventID"], event["kinesis"]["data"], event["kinesis"]["sequenceNumber"]
    ('shardId-0:7', 'e30=', '7')
    """
    sequence = record.get_str("SequenceNumber") or ""
    kinesis: dict[str, object] = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": record.get_str("PartitionKey") or "",
        "sequenceNumber": sequence,
        "data": record.get_str("Data") or "",
        "approximateArrivalTimestamp": _number(record.get("ApproximateArrivalTimestamp")),
    }
    return {
        "kinesis": kinesis,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{account}:role/{_ROLE}",
        "awsRegion": region,
        "eventSourceARN": stream_arn,
    }


def sqs_record(message: JsonObject, *, queue_arn: str, region: str) -> dict[str, object]:
    """An SQS message as Lambda delivers it.

    >>> raw = JsonObject({"MessageId": "m1", "ReceiptHandle": "h", "Body": "hi",
    ...                   "MD5OfBody": "x", "Attributes": {"SentTimestamp": "1"},
    ...                   "MessageAttributes": {"kind": {"DataType": "String",
    ...                                                  "StringValue": "a"}}})
    >>> record = sqs_record(raw, queue_arn="arn:q", region="r")
    >>> record["messageId"], record["messageAttributes"]["kind"]["stringValue"]
    ('m1', 'a')
    """
    out: dict[str, object] = {
        "messageId": message.get_str("MessageId") or "",
        "receiptHandle": message.get_str("ReceiptHandle") or "",
        "body": message.get_str("Body") or "",
        "attributes": message.get_object("Attributes").thaw(),
        "messageAttributes": {
            name: _attribute(value)
            for name, value in message.get_object("MessageAttributes").items()
            if isinstance(value, JsonObject)
        },
        "md5OfBody": message.get_str("MD5OfBody") or "",
    }
    digest = message.get_str("MD5OfMessageAttributes")
    if digest is not None:
        out["md5OfMessageAttributes"] = digest
    out["eventSource"] = "aws:sqs"
    out["eventSourceARN"] = queue_arn
    out["awsRegion"] = region
    return out


def _attribute(value: JsonObject) -> dict[str, object]:
    """A message attribute as Lambda writes it: camel-case, both list members always there."""
    out: dict[str, object] = {}
    for api_name, lambda_name in (("StringValue", "stringValue"), ("BinaryValue", "binaryValue")):
        member = value.get_str(api_name)
        if member is not None:
            out[lambda_name] = member
    out["stringListValues"] = _listed(value.get("StringListValues"))
    out["binaryListValues"] = _listed(value.get("BinaryListValues"))
    out["dataType"] = value.get_str("DataType") or ""
    return out


def _listed(value: FrozenJson) -> list[object]:
    return value.thaw() if isinstance(value, JsonArray) else []


def _number(value: FrozenJson) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
