"""InMemoryS3: the S3 port's behaviour, in memory."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.testing.fakes import InMemoryS3, NoSuchKey


def _keys(page: JsonObject) -> list[str | None]:
    contents = page["Contents"]
    assert isinstance(contents, JsonArray)
    return [item.get_str("Key") for item in contents if isinstance(item, JsonObject)]


def test_a_put_object_is_read_back_with_its_type() -> None:
    s3 = InMemoryS3()
    asyncio.run(
        s3.put_object({"Bucket": "b", "Key": "k", "Body": "x", "ContentType": "text/plain"})
    )
    read = asyncio.run(s3.get_object(Bucket="b", Key="k"))
    assert read.body == b"x"
    assert read.response == {"ContentType": "text/plain"}


def test_a_missing_object_raises_no_such_key() -> None:
    with pytest.raises(NoSuchKey, match="s3://b/k does not exist"):
        asyncio.run(InMemoryS3().head_object({"Bucket": "b", "Key": "k"}))


def test_list_pages_in_key_order_within_the_prefix() -> None:
    s3 = InMemoryS3()
    for key in ("p/c", "p/a", "q/z", "p/b"):
        s3.put("b", key, "x")
    first = asyncio.run(s3.list_objects({"Bucket": "b", "Prefix": "p/", "MaxKeys": 2}))
    token = first.get_str("NextContinuationToken") or ""
    second = asyncio.run(
        s3.list_objects({"Bucket": "b", "Prefix": "p/", "MaxKeys": 2, "ContinuationToken": token})
    )
    assert (_keys(first), first["IsTruncated"]) == (["p/a", "p/b"], True)
    assert (_keys(second), second["IsTruncated"]) == (["p/c"], False)


def test_copy_takes_its_source_as_text_or_as_an_object() -> None:
    s3 = InMemoryS3()
    s3.put("b", "a b", "x")
    asyncio.run(s3.copy_object({"Bucket": "c", "Key": "1", "CopySource": "b/a%20b"}))
    asyncio.run(
        s3.copy_object({"Bucket": "c", "Key": "2", "CopySource": {"Bucket": "b", "Key": "a b"}})
    )
    assert sorted(s3.objects) == [("b", "a b"), ("c", "1"), ("c", "2")]


def test_every_call_is_recorded_and_can_be_made_to_fail() -> None:
    s3 = InMemoryS3(
        fail=lambda method, request: TimeoutError() if method == "delete_object" else None
    )
    with pytest.raises(TimeoutError):
        asyncio.run(s3.delete_object({"Bucket": "b", "Key": "k"}))
    assert s3.calls == [("delete_object", {"Bucket": "b", "Key": "k"})]
