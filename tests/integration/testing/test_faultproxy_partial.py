"""Partial batch failures: the failed entries are not stored and are reported at their index."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef
    from mypy_boto3_firehose.type_defs import RecordTypeDef
    from mypy_boto3_kinesis.type_defs import PutRecordsRequestEntryTypeDef
    from mypy_boto3_sns.type_defs import PublishBatchRequestEntryTypeDef
    from mypy_boto3_sqs.type_defs import (
        DeleteMessageBatchRequestEntryTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )


def _fail(proxy: FaultProxy, service: str, operation: str, partial: Partial) -> None:
    proxy.add(Rule(service=service, operation=operation, partial=partial))


def _kinesis_data(aws: LocalAws, stream: str) -> list[bytes]:
    kinesis = aws.client("kinesis")
    shard = kinesis.list_shards(StreamName=stream)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]]


def _queue_bodies(aws: LocalAws, url: str) -> list[str]:
    messages = aws.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return sorted(m["Body"] for m in messages.get("Messages", []))


def test_kinesis_put_records_reports_failed_records_at_their_index(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    aws.client("kinesis").create_stream(StreamName="s", ShardCount=1)
    _fail(fault_proxy, "kinesis", "PutRecords", Partial(indices=(1, 3)))
    records: list[PutRecordsRequestEntryTypeDef] = [
        {"Data": f"r{i}".encode(), "PartitionKey": "k"} for i in range(5)
    ]

    out = aws.via(fault_proxy.url).client("kinesis").put_records(StreamName="s", Records=records)

    assert out["FailedRecordCount"] == 2
    assert [r.get("ErrorCode") for r in out["Records"]] == [
        None,
        "ProvisionedThroughputExceededException",
        None,
        "ProvisionedThroughputExceededException",
        None,
    ]
    assert _kinesis_data(aws, "s") == [b"r0", b"r2", b"r4"]


def test_kinesis_put_records_all_failing_stores_nothing(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    aws.client("kinesis").create_stream(StreamName="s", ShardCount=1)
    _fail(fault_proxy, "kinesis", "PutRecords", Partial(fraction=1.0, code="InternalFailure"))
    records: list[PutRecordsRequestEntryTypeDef] = [
        {"Data": b"x", "PartitionKey": "k"} for _ in range(3)
    ]

    out = aws.via(fault_proxy.url).client("kinesis").put_records(StreamName="s", Records=records)

    assert out["FailedRecordCount"] == 3
    assert {r.get("ErrorCode") for r in out["Records"]} == {"InternalFailure"}
    assert _kinesis_data(aws, "s") == []


def test_eventbridge_put_events_reports_failed_entries_at_their_index(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = aws.client("sqs").create_queue(QueueName="bus-out")["QueueUrl"]
    arn = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    events = aws.client("events")
    events.put_rule(Name="all", EventPattern=json.dumps({"source": ["test"]}))
    events.put_targets(Rule="all", Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}])
    _fail(fault_proxy, "events", "PutEvents", Partial(indices=(2,)))
    entries: list[PutEventsRequestEntryTypeDef] = [
        {"Source": "test", "DetailType": "t", "Detail": json.dumps({"i": i})} for i in range(4)
    ]

    out = aws.via(fault_proxy.url).client("events").put_events(Entries=entries)

    assert out["FailedEntryCount"] == 1
    assert [e.get("ErrorCode") for e in out["Entries"]] == [None, None, "ThrottlingException", None]
    delivered = [json.loads(body)["detail"]["i"] for body in _queue_bodies(aws, url)]
    assert sorted(delivered) == [0, 1, 3]


def test_firehose_put_record_batch_reports_failed_records_at_their_index(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    aws.client("s3").create_bucket(Bucket="sink")
    aws.client("firehose").create_delivery_stream(
        DeliveryStreamName="fh",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{aws.account}:role/firehose",
            "BucketARN": "arn:aws:s3:::sink",
        },
    )
    _fail(fault_proxy, "firehose", "PutRecordBatch", Partial(indices=(0,)))
    records: list[RecordTypeDef] = [{"Data": f"r{i};".encode()} for i in range(3)]

    out = (
        aws.via(fault_proxy.url)
        .client("firehose")
        .put_record_batch(DeliveryStreamName="fh", Records=records)
    )

    assert out["FailedPutCount"] == 1
    assert out["RequestResponses"][0].get("ErrorCode") == "ServiceUnavailableException"
    assert all("RecordId" in r for r in out["RequestResponses"][1:])
    s3 = aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="sink")["Contents"]]
    assert [s3.get_object(Bucket="sink", Key=k)["Body"].read() for k in keys] == [b"r1;r2;"]


def test_sqs_send_message_batch_reports_failed_entries_by_id(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    url = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    _fail(fault_proxy, "sqs", "SendMessageBatch", Partial(indices=(1,)))
    entries: list[SendMessageBatchRequestEntryTypeDef] = [
        {"Id": f"m{i}", "MessageBody": f"b{i}"} for i in range(3)
    ]

    out = aws.via(fault_proxy.url).client("sqs").send_message_batch(QueueUrl=url, Entries=entries)

    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]] == [
        ("m1", "InternalError", False)
    ]
    assert [s["Id"] for s in out["Successful"]] == ["m0", "m2"]
    assert _queue_bodies(aws, url) == ["b0", "b2"]


def test_sqs_delete_message_batch_leaves_failed_messages_in_the_queue(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": f"b{i}"} for i in range(3)]
    )
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    handles = {m["Body"]: m["ReceiptHandle"] for m in received["Messages"]}
    _fail(fault_proxy, "sqs", "DeleteMessageBatch", Partial(indices=(0,)))
    entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
        {"Id": f"d{i}", "ReceiptHandle": handles[f"b{i}"]} for i in range(3)
    ]

    out = aws.via(fault_proxy.url).client("sqs").delete_message_batch(QueueUrl=url, Entries=entries)

    assert [f["Id"] for f in out["Failed"]] == ["d0"]
    assert sorted(s["Id"] for s in out["Successful"]) == ["d1", "d2"]
    assert _queue_bodies(aws, url) == ["b0"]


def test_sns_publish_batch_reports_failed_entries_by_id(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    sqs, sns = aws.client("sqs"), aws.client("sns")
    url = sqs.create_queue(QueueName="fan")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn["Attributes"]["QueueArn"],
        Attributes={"RawMessageDelivery": "true"},
    )
    _fail(fault_proxy, "sns", "PublishBatch", Partial(indices=(0, 2)))
    entries: list[PublishBatchRequestEntryTypeDef] = [
        {"Id": f"e{i}", "Message": f"m{i}"} for i in range(4)
    ]

    out = (
        aws.via(fault_proxy.url)
        .client("sns")
        .publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    )

    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]] == [
        ("e0", "InternalError", False),
        ("e2", "InternalError", False),
    ]
    assert [s["Id"] for s in out["Successful"]] == ["e1", "e3"]
    assert _queue_bodies(aws, url) == ["m1", "m3"]
