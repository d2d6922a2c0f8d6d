"""FirehoseConnector over real HTTP: moto writing to S3, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.firehose import FirehoseConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
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


def _lake(aws: LocalAws) -> None:
    aws.client("s3").create_bucket(Bucket="lake")
    aws.client("firehose").create_delivery_stream(
        DeliveryStreamName="events",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{aws.account}:role/firehose",
            "BucketARN": "arn:aws:s3:::lake",
        },
    )


def _lines(aws: LocalAws) -> list[bytes]:
    s3 = aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake").get("Contents", [])]
    data = b"".join(s3.get_object(Bucket="lake", Key=key)["Body"].read() for key in keys)
    return sorted(data.splitlines())


def _put(endpoint: str, count: int) -> BatchOutcome[JsonObject]:
    options = resolve_options({}, batch_retry_wait_ms=1, timeout_ms=TIMEOUT_MS)
    records = [JsonObject({"Data": f"r{n}\n".encode()}) for n in range(count)]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        connector = FirehoseConnector(connections)
        return asyncio.run(connector.put_record_batch(records, delivery_stream_name="events"))


def test_the_records_reach_the_destination(aws: LocalAws) -> None:
    _lake(aws)
    outcome = _put(aws.endpoint_url, 3)
    assert outcome.failed_count == 0
    assert _lines(aws) == [b"r0", b"r1", b"r2"]


def test_records_that_failed_are_put_again_and_each_is_stored_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _lake(aws)
    partial = Partial(indices=(1,))
    fault_proxy.add(
        Rule(service="firehose", operation="PutRecordBatch", partial=partial, max_hits=1)
    )
    outcome = _put(fault_proxy.url, 3)
    assert outcome.failed_count == 0
    assert len(outcome.responses) == 2
    assert _lines(aws) == [b"r0", b"r1", b"r2"]
