"""S3Connector: what it sends, the body read in full, missing objects, a broken body."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError, ResponseStreamingError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.s3 import NoSuchKey, S3Connector
from lambda_stream.core.errors import RetryableError, is_retryable
from lambda_stream.core.json import JsonObject


@pytest.fixture
def stubbed() -> Iterator[tuple[S3Connector, Stubber]]:
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with (
        closing(Connections(resolve_options({}), threads=1)) as connections,
        Stubber(client) as stubber,
    ):
        yield S3Connector(connections, client=client), stubber
        stubber.assert_no_pending_responses()


class _Broken(io.BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        raise ResponseStreamingError(error="connection reset")


def test_get_reads_the_body_in_full_and_the_rest_of_the_response(
    stubbed: tuple[S3Connector, Stubber],
) -> None:
    connector, stubber = stubbed
    body = StreamingBody(io.BytesIO(b"hello"), 5)
    modified = datetime(2024, 1, 2, tzinfo=UTC)
    stubber.add_response(
        "get_object",
        {"Body": body, "ContentType": "text/plain", "LastModified": modified},
        {"Bucket": "b", "Key": "k"},
    )
    read = asyncio.run(connector.get_object(Bucket="b", Key="k"))
    assert read.body == b"hello"
    assert read.response == {
        "ContentType": "text/plain",
        "LastModified": "2024-01-02T00:00:00+00:00",
    }


def test_get_of_a_missing_object_raises_no_such_key(stubbed: tuple[S3Connector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("get_object", "NoSuchKey", "The specified key does not exist.", 404)
    with pytest.raises(NoSuchKey, match=r"s3://b/k does not exist") as raised:
        asyncio.run(connector.get_object(Bucket="b", Key="k"))
    assert not is_retryable(raised.value)


def test_a_body_cut_off_mid_read_is_retryable(stubbed: tuple[S3Connector, Stubber]) -> None:
    connector, stubber = stubbed
    body = StreamingBody(_Broken(), 100)
    stubber.add_response("get_object", {"Body": body}, {"Bucket": "b", "Key": "k"})
    with pytest.raises(RetryableError) as raised:
        asyncio.run(connector.get_object(Bucket="b", Key="k"))
    assert is_retryable(raised.value)


def test_head_of_a_missing_object_raises_no_such_key(stubbed: tuple[S3Connector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("head_object", "404", "Not Found", 404)
    with pytest.raises(NoSuchKey):
        asyncio.run(connector.head_object({"Bucket": "b", "Key": "k"}))


def test_other_errors_pass_through_as_they_are(stubbed: tuple[S3Connector, Stubber]) -> None:
    connector, stubber = stubbed
    stubber.add_client_error("head_object", "AccessDenied", "Access Denied", 403)
    with pytest.raises(ClientError, match="AccessDenied"):
        asyncio.run(connector.head_object({"Bucket": "b", "Key": "k"}))


def test_put_sends_the_request_as_given(stubbed: tuple[S3Connector, Stubber]) -> None:
    connector, stubber = stubbed
    request = {"Bucket": "b", "Key": "k", "Body": "text", "ContentType": "application/json"}
    stubber.add_response("put_object", {"ETag": '"e"'}, request)
    answer = asyncio.run(connector.put_object(JsonObject(request)))
    assert answer == {"ETag": '"e"'}


def test_list_copy_and_delete_send_the_request_as_given(
    stubbed: tuple[S3Connector, Stubber],
) -> None:
    connector, stubber = stubbed
    listing = {"Bucket": "b", "Prefix": "p/", "ContinuationToken": "t"}
    copy = {"Bucket": "b", "Key": "k2", "CopySource": "b/k"}
    delete = {"Bucket": "b", "Key": "k"}
    stubber.add_response("list_objects_v2", {"IsTruncated": False, "KeyCount": 0}, listing)
    stubber.add_response("copy_object", {"CopyObjectResult": {"ETag": '"e"'}}, copy)
    stubber.add_response("delete_object", {}, delete)

    async def calls() -> None:
        assert await connector.list_objects(listing) == {"IsTruncated": False, "KeyCount": 0}
        assert await connector.copy_object(copy) == {"CopyObjectResult": {"ETag": '"e"'}}
        assert await connector.delete_object(delete) == {}

    asyncio.run(calls())
