"""The moto server fixtures: one server per session, wiped per test, every client routed to it."""

import os
import urllib.request

import boto3
import pytest

from lambda_stream.testing.moto import LocalAws, MotoServer


def test_aws_routes_default_boto3_clients_to_moto(aws: LocalAws) -> None:
    boto3.client("sqs").create_queue(QueueName="routed")

    urls = aws.client("sqs").list_queues()["QueueUrls"]

    assert urls == [f"{aws.endpoint_url}/{aws.account}/routed"]


def test_aws_sets_dummy_credentials_and_region(aws: LocalAws) -> None:
    names = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_DEFAULT_REGION")

    values = [os.environ[name] for name in names]

    assert values == [aws.endpoint_url, "testing", "us-east-1", "us-east-1"]


@pytest.fixture
def leftover(moto_server: MotoServer) -> None:
    """State left on the server before `aws` runs, as by an earlier test."""
    LocalAws(endpoint_url=moto_server.url).client("sqs").create_queue(QueueName="leftover")


def test_aws_wipes_what_earlier_tests_left(leftover: None, aws: LocalAws) -> None:
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []


def test_reset_wipes_every_service(moto_server: MotoServer, aws: LocalAws) -> None:
    aws.client("s3").create_bucket(Bucket="bucket")
    aws.client("kinesis").create_stream(StreamName="s", ShardCount=1)

    moto_server.reset()

    assert aws.client("s3").list_buckets()["Buckets"] == []
    assert aws.client("kinesis").list_streams()["StreamNames"] == []


def test_moto_server_answers_its_api_at_its_url(moto_server: MotoServer) -> None:
    with urllib.request.urlopen(f"{moto_server.url}/moto-api/data.json", timeout=10) as response:
        status = response.status

    assert status == 200


def test_client_is_bound_to_the_endpoint_and_region(aws: LocalAws) -> None:
    client = aws.client("dynamodb")

    assert (client.meta.endpoint_url, client.meta.region_name) == (aws.endpoint_url, aws.region)


def test_via_changes_only_the_endpoint(aws: LocalAws) -> None:
    moved = aws.via("http://127.0.0.1:1")

    assert (moved.endpoint_url, moved.region, moved.account) == (
        "http://127.0.0.1:1",
        aws.region,
        aws.account,
    )


def test_dynamodb_stream_records_writes(aws: LocalAws) -> None:
    table = aws.client("dynamodb").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    aws.client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}})
    streams = aws.client("dynamodbstreams")
    arn = table["TableDescription"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]

    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r.get("eventName") for r in records] == ["INSERT"]
