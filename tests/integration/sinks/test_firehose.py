"""send_to_firehose over real HTTP: moto writing to S3, and the fault proxy in front of it."""

from __future__ import annotations

import json
from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.firehose import FirehoseConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.firehose import send_to_firehose
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Partial, Rule, throttling
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

# A call that times out is sent again by botocore, and may be stored twice if the first one
# went through: on a loaded machine moto can take longer than the default second.
TIMEOUT_MS = 30_000


@cache
def _session() -> boto3.Session:
    # One session for the module, made inside the first test (after the `aws` fixture has set
    # the environment): a new session loads the service models again, 0.2 s a test.
    return boto3.Session(region_name="us-east-1")


STREAM = "lake-events"


def _lake(aws: LocalAws) -> None:
    aws.client("s3").create_bucket(Bucket="lake")
    aws.client("firehose").create_delivery_stream(
        DeliveryStreamName=STREAM,
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{aws.account}:role/firehose",
            "BucketARN": "arn:aws:s3:::lake",
        },
    )


def _stored(aws: LocalAws) -> list[str]:
    """The ids of the events in the lake: every object read, one JSON event per line."""
    s3 = aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake").get("Contents", [])]
    data = b"".join(s3.get_object(Bucket="lake", Key=key)["Body"].read() for key in keys)
    assert data.endswith(b"\n") or not data
    return sorted(json.loads(line)["id"] for line in data.splitlines())


def _send(endpoint: str, count: int, retries: int = 8) -> list[UnitOfWork | Fault]:
    options = resolve_options(
        {},
        delivery_stream_name=STREAM,
        batch_retry_wait_ms=1,
        timeout_ms=TIMEOUT_MS,
        batch_max_retries=retries,
    )
    uows = [
        UnitOfWork(record=JsonObject({"n": n}), event=Event(id=f"e{n:03}", type="thing-created"))
        for n in range(count)
    ]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        sink = send_to_firehose(options, FirehoseConnector(connections), batch_size=20)
        return collect(Stream.of(uows).through(sink))


def _expected(count: int) -> list[str]:
    return [f"e{n:03}" for n in range(count)]


def test_every_event_reaches_the_lake(aws: LocalAws) -> None:
    _lake(aws)
    out = _send(aws.endpoint_url, 45)
    assert [type(item) for item in out] == [UnitOfWork] * 45
    assert _stored(aws) == _expected(45)


def test_under_partial_failures_and_throttling_each_event_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _lake(aws)
    fault_proxy.add(
        Rule(service="firehose", operation="PutRecordBatch", partial=Partial(fraction=0.3)),
        Rule(service="firehose", operation="PutRecordBatch", error=throttling("firehose"), every=4),
    )
    out = _send(fault_proxy.url, 100)
    assert [type(item) for item in out] == [UnitOfWork] * 100
    assert _stored(aws) == _expected(100)  # each exactly once
    assert fault_proxy.stats.failed_entries > 0
    assert fault_proxy.stats.errors > 0


def test_when_the_retries_run_out_the_uows_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _lake(aws)
    partial = Partial(indices=(0,))
    fault_proxy.add(Rule(service="firehose", operation="PutRecordBatch", partial=partial))
    out = _send(fault_proxy.url, 50, retries=2)
    faults = [item for item in out if isinstance(item, Fault)]
    delivered = [item.event.id for item in out if isinstance(item, UnitOfWork) and item.event]
    assert len(faults) == 3  # the first record of each of the 3 batches
    assert all(fault.retryable for fault in faults)
    assert _stored(aws) == sorted(delivered)
    assert len(faults) + len(delivered) == 50


def test_a_call_that_keeps_failing_fails_every_uow_of_its_batch_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _lake(aws)
    error = InjectedError(500, "ServiceUnavailableException", "down")
    fault_proxy.add(Rule(service="firehose", operation="PutRecordBatch", error=error))
    out = _send(fault_proxy.url, 30)
    assert [type(item) for item in out] == [Fault] * 2  # two batches, one fault each
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert _stored(aws) == []
