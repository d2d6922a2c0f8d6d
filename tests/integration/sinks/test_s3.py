"""The S3 sinks over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import boto3
import pytest

from lambda_stream import Fault, Options, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.s3 import S3Connector, S3Port
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.s3 import (
    COPY_OBJECT_REQUEST,
    DELETE_OBJECT_REQUEST,
    PUT_OBJECT_REQUEST,
    PUT_OBJECT_RESPONSE,
    copy_s3_object,
    delete_object_from_s3,
    put_object_to_s3,
)
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule, throttling
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

BUCKET = "things"
OBJECT_PUTS = rf"^PUT /{BUCKET}/."

Run = Callable[
    [str, Callable[[Options, S3Port], Sink], list[UnitOfWork], int], list[UnitOfWork | Fault]
]


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def run(aws: LocalAws, session: boto3.Session) -> Iterator[Run]:
    """Runs a sink through an S3 connector at an endpoint; creates the bucket first."""
    aws.client("s3").create_bucket(Bucket=BUCKET)
    made: list[Connections] = []

    def go(
        endpoint: str,
        sink_of: Callable[[Options, S3Port], Sink],
        uows: list[UnitOfWork],
        parallel: int,
    ) -> list[UnitOfWork | Fault]:
        options = resolve_options({}, bucket_name=BUCKET, parallel=parallel)
        connections = Connections(options, session=session, endpoint_url=endpoint)
        made.append(connections)
        return collect(Stream.of(uows).through(sink_of(options, S3Connector(connections))))

    yield go
    for connections in made:
        connections.close()


def _stored(aws: LocalAws) -> dict[str, bytes]:
    s3 = aws.client("s3")
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed
    }


def _puts(count: int) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(
            PUT_OBJECT_REQUEST, JsonObject({"Key": f"k{n:02}", "Body": f"body {n}"})
        )
        for n in range(count)
    ]


def _expected(count: int) -> dict[str, bytes]:
    return {f"k{n:02}": f"body {n}".encode() for n in range(count)}


def _stored_calls(proxy: FaultProxy) -> Counter[str]:
    """How many times each object put reached moto and was stored."""
    return Counter(
        call.operation for call in proxy.calls if call.status == 200 and "PUT" in call.operation
    )


def test_every_object_is_stored_with_its_answer(aws: LocalAws, run: Run) -> None:
    out = run(aws.endpoint_url, put_object_to_s3, _puts(20), 8)
    assert _stored(aws) == _expected(20)
    etags = [uow[PUT_OBJECT_RESPONSE]["ETag"] for uow in out if isinstance(uow, UnitOfWork)]
    assert len(etags) == 20


def test_under_throttling_and_5xx_each_object_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy, run: Run
) -> None:
    fault_proxy.add(
        Rule(service="s3", path_regex=OBJECT_PUTS, error=throttling("s3"), every=3),
        Rule(
            service="s3",
            path_regex=OBJECT_PUTS,
            error=InjectedError(500, "InternalError", "We encountered an internal error."),
            every=3,
            skip_first=1,
        ),
    )
    # Calls 3, 4, 6, 7, 9, 10, ... fail. One call at a time, an object's attempts are
    # consecutive calls, so none meets three failures in a row (botocore makes three).
    out = run(fault_proxy.url, put_object_to_s3, _puts(20), 1)
    assert [type(item) for item in out] == [UnitOfWork] * 20
    assert _stored(aws) == _expected(20)
    assert fault_proxy.stats.errors >= 10
    assert set(_stored_calls(fault_proxy).values()) == {1}


def test_when_the_retries_run_out_every_uow_fails_retryably_and_none_is_stored(
    aws: LocalAws, fault_proxy: FaultProxy, run: Run
) -> None:
    fault_proxy.add(Rule(service="s3", path_regex=OBJECT_PUTS, error=throttling("s3")))
    out = run(fault_proxy.url, put_object_to_s3, _puts(6), 4)
    faults = [item for item in out if isinstance(item, Fault)]
    assert len(faults) == 6
    assert all(fault.retryable for fault in faults)
    assert sorted(fault.uows[0][PUT_OBJECT_REQUEST]["Key"] for fault in faults) == [  # type: ignore[type-var]  # JSON text
        f"k{n:02}" for n in range(6)
    ]
    assert _stored(aws) == {}


def test_a_put_to_a_missing_bucket_is_a_fault_of_its_uow_only(aws: LocalAws, run: Run) -> None:
    uows = _puts(3)
    uows[1] = uows[1].set(
        PUT_OBJECT_REQUEST, JsonObject({"Bucket": "nowhere", "Key": "k", "Body": "b"})
    )
    out = run(aws.endpoint_url, put_object_to_s3, uows, 4)
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    assert isinstance(out[1], Fault)
    assert not out[1].retryable


def test_copy_then_delete(aws: LocalAws, run: Run) -> None:
    aws.client("s3").put_object(Bucket=BUCKET, Key="a", Body=b"data")
    copy = UnitOfWork(record=None).set(
        COPY_OBJECT_REQUEST, JsonObject({"Key": "b", "CopySource": f"{BUCKET}/a"})
    )
    delete = UnitOfWork(record=None).set(DELETE_OBJECT_REQUEST, JsonObject({"Key": "a"}))
    assert all(isinstance(u, UnitOfWork) for u in run(aws.endpoint_url, copy_s3_object, [copy], 1))
    assert all(
        isinstance(u, UnitOfWork) for u in run(aws.endpoint_url, delete_object_from_s3, [delete], 1)
    )
    assert _stored(aws) == {"b": b"data"}
