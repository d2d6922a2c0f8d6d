"""put_object_to_s3, delete_object_from_s3, copy_s3_object: requests, answers, faults, order."""

from __future__ import annotations

from collections.abc import Mapping

from botocore.exceptions import ClientError

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.core.uow import Key
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.s3 import (
    COPY_OBJECT_REQUEST,
    COPY_OBJECT_RESPONSE,
    DELETE_OBJECT_REQUEST,
    DELETE_OBJECT_RESPONSE,
    PUT_OBJECT_REQUEST,
    PUT_OBJECT_RESPONSE,
    copy_s3_object,
    delete_object_from_s3,
    put_object_to_s3,
)
from lambda_stream.testing import InMemoryS3, collect

OPTIONS = resolve_options({}, bucket_name="bucket")


def _put(key: str, body: str = "x", **more: str) -> UnitOfWork:
    return UnitOfWork(record=JsonObject({"key": key})).set(
        PUT_OBJECT_REQUEST, JsonObject({"Key": key, "Body": body, **more})
    )


def _run(sink: Sink, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(sink))


def _throttle(method: str, request: Mapping[str, object]) -> BaseException | None:
    if request.get("Key") != "slow":
        return None
    error = {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}
    return ClientError(error, "PutObject")  # type: ignore[arg-type]  # botocore's TypedDict


def test_each_request_stores_its_object_in_the_options_bucket() -> None:
    s3 = InMemoryS3()
    _run(put_object_to_s3(OPTIONS, s3), [_put("a", "1"), _put("b", "2")])
    assert {key: obj.body for key, obj in s3.objects.items()} == {
        ("bucket", "a"): b"1",
        ("bucket", "b"): b"2",
    }


def test_a_bucket_in_the_request_wins_over_the_option() -> None:
    s3 = InMemoryS3()
    _run(put_object_to_s3(OPTIONS, s3), [_put("a", Bucket="other")])
    assert list(s3.objects) == [("other", "a")]


def test_the_bucket_argument_wins_over_the_option() -> None:
    s3 = InMemoryS3()
    _run(put_object_to_s3(OPTIONS, s3, bucket_name="given"), [_put("a")])
    assert list(s3.objects) == [("given", "a")]


def test_the_uow_keeps_its_request_as_given_and_the_answer() -> None:
    s3 = InMemoryS3()
    [out] = _run(put_object_to_s3(OPTIONS, s3), [_put("a", "x")])
    assert isinstance(out, UnitOfWork)
    assert out[PUT_OBJECT_REQUEST] == {"Key": "a", "Body": "x"}
    assert out[PUT_OBJECT_RESPONSE] == {"ETag": '"9dd4e461268c8034f5c8564e155c67a6"'}


def test_a_uow_without_a_request_passes_through_in_place() -> None:
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    out = _run(put_object_to_s3(OPTIONS, InMemoryS3()), [_put("a"), bare, _put("b")])
    assert out[1] is bare
    assert [PUT_OBJECT_RESPONSE in uow for uow in out if isinstance(uow, UnitOfWork)] == [
        True,
        False,
        True,
    ]


def test_the_uows_keep_their_order() -> None:
    keys = [f"k{n}" for n in range(40)]
    out = _run(put_object_to_s3(OPTIONS, InMemoryS3(), parallel=8), [_put(k) for k in keys])
    assert [uow.record for uow in out if isinstance(uow, UnitOfWork)] == [
        JsonObject({"key": key}) for key in keys
    ]


def test_a_throttled_put_is_a_retryable_fault_of_its_uow_only() -> None:
    s3 = InMemoryS3(fail=_throttle)
    out = _run(put_object_to_s3(OPTIONS, s3), [_put("a"), _put("slow"), _put("b")])
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("ClientError", True)
    assert fault.uows[0][PUT_OBJECT_REQUEST]["Key"] == "slow"
    assert list(s3.objects) == [("bucket", "a"), ("bucket", "b")]


def test_without_any_bucket_the_uow_is_a_fault_that_is_not_retryable() -> None:
    [fault] = _run(put_object_to_s3(resolve_options({}), InMemoryS3()), [_put("a")])
    assert isinstance(fault, Fault)
    assert not fault.retryable
    assert "Bucket" in fault.message


def test_the_request_can_come_from_another_key() -> None:
    mine = Key[JsonObject]("archiveRequest")
    s3 = InMemoryS3()
    uow = UnitOfWork(record=None).set(mine, JsonObject({"Key": "k", "Body": "b"}))
    [out] = _run(put_object_to_s3(OPTIONS, s3, request=mine), [uow])
    assert list(s3.objects) == [("bucket", "k")]
    assert isinstance(out, UnitOfWork)
    assert PUT_OBJECT_RESPONSE in out


def test_delete_removes_the_object_and_keeps_the_answer() -> None:
    s3 = InMemoryS3()
    s3.put("bucket", "k", "x")
    uow = UnitOfWork(record=None).set(DELETE_OBJECT_REQUEST, JsonObject({"Key": "k"}))
    [out] = _run(delete_object_from_s3(OPTIONS, s3), [uow])
    assert s3.objects == {}
    assert isinstance(out, UnitOfWork)
    assert out[DELETE_OBJECT_RESPONSE] == {}


def test_deleting_a_missing_object_succeeds() -> None:
    uow = UnitOfWork(record=None).set(DELETE_OBJECT_REQUEST, JsonObject({"Key": "none"}))
    [out] = _run(delete_object_from_s3(OPTIONS, InMemoryS3()), [uow])
    assert isinstance(out, UnitOfWork)


def test_copy_stores_the_source_under_the_new_key() -> None:
    s3 = InMemoryS3()
    s3.put("src", "a", "data")
    request = JsonObject({"Key": "b", "CopySource": "src/a"})
    [out] = _run(
        copy_s3_object(OPTIONS, s3), [UnitOfWork(record=None).set(COPY_OBJECT_REQUEST, request)]
    )
    assert s3.objects[("bucket", "b")].body == b"data"
    assert isinstance(out, UnitOfWork)
    assert "CopyObjectResult" in out[COPY_OBJECT_RESPONSE]


def test_copying_a_missing_object_is_a_fault_that_is_not_retryable() -> None:
    request = JsonObject({"Key": "b", "CopySource": "src/none"})
    uow = UnitOfWork(record=None).set(COPY_OBJECT_REQUEST, request)
    [fault] = _run(copy_s3_object(OPTIONS, InMemoryS3()), [uow])
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("NoSuchKey", False)
