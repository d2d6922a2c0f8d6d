"""S3Connector over real HTTP against moto: every method, missing objects, a slow-down."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.s3 import NoSuchKey, S3Connector
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.testing.faultproxy import FaultProxy, Rule, throttling
from lambda_stream.testing.moto import LocalAws

BUCKET = "things"


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def s3(aws: LocalAws, session: boto3.Session) -> Iterator[S3Connector]:
    aws.client("s3").create_bucket(Bucket=BUCKET)
    connections = Connections(resolve_options({}), session=session)
    yield S3Connector(connections)
    connections.close()


def test_put_then_get_reads_the_body_and_the_metadata(s3: S3Connector) -> None:
    async def calls() -> None:
        put = await s3.put_object(
            {
                "Bucket": BUCKET,
                "Key": "a/b.json",
                "Body": '{"id":"1"}',
                "ContentType": "application/json",
            }
        )
        read = await s3.get_object(Bucket=BUCKET, Key="a/b.json")
        assert read.text() == '{"id":"1"}'
        assert read.response["ContentType"] == "application/json"
        assert read.response["ETag"] == put["ETag"]
        assert isinstance(read.response["LastModified"], str)

    asyncio.run(calls())


def test_get_of_a_missing_object_raises_no_such_key(s3: S3Connector) -> None:
    with pytest.raises(NoSuchKey, match="s3://things/none does not exist") as raised:
        asyncio.run(s3.get_object(Bucket=BUCKET, Key="none"))
    assert not is_retryable(raised.value)


def test_head_reads_the_metadata_and_a_missing_object_raises_no_such_key(
    s3: S3Connector,
) -> None:
    async def calls() -> None:
        await s3.put_object({"Bucket": BUCKET, "Key": "k", "Body": b"12345"})
        assert (await s3.head_object({"Bucket": BUCKET, "Key": "k"}))["ContentLength"] == 5
        with pytest.raises(NoSuchKey):
            await s3.head_object({"Bucket": BUCKET, "Key": "none"})

    asyncio.run(calls())


def test_list_gives_pages_joined_by_the_continuation_token(s3: S3Connector) -> None:
    async def calls() -> list[str]:
        for n in range(5):
            await s3.put_object({"Bucket": BUCKET, "Key": f"k{n}", "Body": "x"})
        first = await s3.list_objects({"Bucket": BUCKET, "MaxKeys": 3})
        token = first.get_str("NextContinuationToken") or ""
        second = await s3.list_objects({"Bucket": BUCKET, "MaxKeys": 3, "ContinuationToken": token})
        assert first["IsTruncated"] is True
        assert second["IsTruncated"] is False
        return _keys(first) + _keys(second)

    assert asyncio.run(calls()) == [f"k{n}" for n in range(5)]


def _keys(page: JsonObject) -> list[str]:
    contents = page["Contents"]
    assert isinstance(contents, JsonArray)
    return [str(item.get_str("Key")) for item in contents if isinstance(item, JsonObject)]


def test_copy_and_delete(s3: S3Connector) -> None:
    async def calls() -> None:
        await s3.put_object({"Bucket": BUCKET, "Key": "a", "Body": "data"})
        await s3.copy_object({"Bucket": BUCKET, "Key": "b", "CopySource": f"{BUCKET}/a"})
        await s3.delete_object({"Bucket": BUCKET, "Key": "a"})
        assert (await s3.get_object(Bucket=BUCKET, Key="b")).body == b"data"
        with pytest.raises(NoSuchKey):
            await s3.get_object(Bucket=BUCKET, Key="a")

    asyncio.run(calls())


def test_a_slow_down_that_outlives_the_retries_is_retryable(
    aws: LocalAws, fault_proxy: FaultProxy, session: boto3.Session, instant_backoff: None
) -> None:
    aws.client("s3").create_bucket(Bucket=BUCKET)
    aws.client("s3").put_object(Bucket=BUCKET, Key="k", Body=b"x")
    fault_proxy.add(Rule(service="s3", error=throttling("s3")))
    connections = Connections(resolve_options({}), session=session, endpoint_url=fault_proxy.url)
    try:
        with pytest.raises(ClientError) as raised:
            asyncio.run(S3Connector(connections).get_object(Bucket=BUCKET, Key="k"))
    finally:
        connections.close()
    assert is_retryable(raised.value)
    assert len(fault_proxy.calls) == 3  # botocore's standard mode: three attempts
