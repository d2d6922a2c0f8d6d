"""S3 queries: get an object as text, read metadata, page a listing, split by line."""

from __future__ import annotations

from collections.abc import Mapping

from botocore.exceptions import ClientError

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.queries.s3 import (
    GET_REQUEST,
    GET_RESPONSE,
    HEAD_REQUEST,
    HEAD_RESPONSE,
    LIST_OBJECTS_REQUEST,
    LIST_OBJECTS_RESPONSE,
    get_object_from_s3,
    head_s3_object,
    list_objects_from_s3,
    split_s3_object,
)
from lambda_stream.testing import InMemoryS3, collect

OPTIONS = resolve_options({}, bucket_name="bucket")


def _with(key: object, request: dict[str, object]) -> UnitOfWork:
    return UnitOfWork(record=None).set(key, JsonObject(request))  # type: ignore[arg-type]  # any request key


def _stored(*keys: str) -> InMemoryS3:
    s3 = InMemoryS3()
    for key in keys:
        s3.put("bucket", key, f"body of {key}")
    return s3


def test_get_reads_the_object_body_as_text() -> None:
    [out] = collect(
        Stream.of([_with(GET_REQUEST, {"Key": "k"})]).through(
            get_object_from_s3(OPTIONS, _stored("k"))
        )
    )
    assert isinstance(out, UnitOfWork)
    assert out[GET_RESPONSE] == {"ContentType": "application/json", "Body": "body of k"}


def test_get_of_a_missing_object_is_a_fault_that_is_not_retryable() -> None:
    [fault] = collect(
        Stream.of([_with(GET_REQUEST, {"Key": "none"})]).through(
            get_object_from_s3(OPTIONS, InMemoryS3())
        )
    )
    assert isinstance(fault, Fault)
    assert (fault.name, fault.message, fault.retryable) == (
        "NoSuchKey",
        "s3://bucket/none does not exist",
        False,
    )


def test_get_with_parameters_it_cannot_honour_is_a_fault() -> None:
    """Deliberate difference: the JS getObjectFromS3 passes any GetObject parameter; the port
    reads by Bucket and Key, and dropping a VersionId or Range would read another object."""
    uow = _with(GET_REQUEST, {"Key": "k", "VersionId": "v1"})
    [fault] = collect(Stream.of([uow]).through(get_object_from_s3(OPTIONS, _stored("k"))))
    assert isinstance(fault, Fault)
    assert "VersionId" in fault.message


def test_a_throttled_get_is_a_retryable_fault() -> None:
    def slow(method: str, request: Mapping[str, object]) -> BaseException | None:
        return ClientError({"Error": {"Code": "SlowDown"}}, "GetObject")

    uow = _with(GET_REQUEST, {"Key": "k"})
    [fault] = collect(Stream.of([uow]).through(get_object_from_s3(OPTIONS, InMemoryS3(fail=slow))))
    assert isinstance(fault, Fault)
    assert fault.retryable


def test_head_reads_the_metadata() -> None:
    [out] = collect(
        Stream.of([_with(HEAD_REQUEST, {"Key": "k"})]).through(
            head_s3_object(OPTIONS, _stored("k"))
        )
    )
    assert isinstance(out, UnitOfWork)
    assert out[HEAD_RESPONSE]["ContentLength"] == len("body of k")


def _listed(s3: InMemoryS3, request: dict[str, object]) -> list[UnitOfWork | Fault]:
    step = list_objects_from_s3(OPTIONS, s3)
    return collect(Stream.of([_with(LIST_OBJECTS_REQUEST, request)]).through(step))


def test_list_gives_one_uow_per_object_across_pages() -> None:
    keys = [f"k{n:02}" for n in range(7)]
    out = _listed(_stored(*keys), {"MaxKeys": 3})
    contents = [
        u[LIST_OBJECTS_RESPONSE].get_object("Content") for u in out if isinstance(u, UnitOfWork)
    ]
    assert [content.get_str("Key") for content in contents] == keys


def test_each_listed_uow_keeps_its_page_and_the_parameters_of_that_page() -> None:
    out = _listed(_stored("a", "b", "c"), {"MaxKeys": 2})
    last = out[-1]
    assert isinstance(last, UnitOfWork)
    assert last[LIST_OBJECTS_REQUEST] == {
        "MaxKeys": 2,
        "Bucket": "bucket",
        "ContinuationToken": "b",
    }
    assert "Contents" not in last[LIST_OBJECTS_RESPONSE]
    assert last[LIST_OBJECTS_RESPONSE]["IsTruncated"] is False


def test_a_listing_of_nothing_yields_no_uow() -> None:
    assert _listed(_stored("a"), {"Prefix": "zzz"}) == []


def test_list_passes_a_uow_without_a_request_through() -> None:
    bare = UnitOfWork(record=None)
    assert collect(Stream.of([bare]).through(list_objects_from_s3(OPTIONS, InMemoryS3()))) == [bare]


def test_a_page_that_cannot_be_read_is_a_fault_of_the_uow() -> None:
    [fault] = _listed(InMemoryS3(), {"Bucket": ""})
    assert isinstance(fault, Fault)
    assert not fault.retryable


def test_split_gives_one_uow_per_non_empty_line_without_the_body() -> None:
    read = _with(GET_RESPONSE, {"ContentType": "text/plain", "Body": "a\n\nb\nc"})
    out = collect(Stream.of([read]).through(split_s3_object()))
    assert [u[GET_RESPONSE] for u in out if isinstance(u, UnitOfWork)] == [
        {"ContentType": "text/plain", "line": line} for line in "abc"
    ]


def test_split_honours_another_delimiter() -> None:
    read = _with(GET_RESPONSE, {"Body": "a|b"})
    out = collect(Stream.of([read]).through(split_s3_object(delimiter="|")))
    assert [u[GET_RESPONSE]["line"] for u in out if isinstance(u, UnitOfWork)] == ["a", "b"]


def test_split_passes_a_uow_without_a_body_through() -> None:
    bare = UnitOfWork(record=None)
    assert collect(Stream.of([bare]).through(split_s3_object())) == [bare]


def test_get_without_any_bucket_says_so() -> None:
    step = get_object_from_s3(resolve_options({}), _stored("k"))
    [fault] = collect(Stream.of([_with(GET_REQUEST, {"Key": "k"})]).through(step))
    assert isinstance(fault, Fault)
    assert "BUCKET_NAME" in fault.message
