"""publish_to_kinesis over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import json
from contextlib import closing
from functools import cache

import boto3
import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.kinesis import KinesisConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.kinesis import publish_to_kinesis
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


STREAM = "events"


def _stream(aws: LocalAws) -> None:
    aws.client("kinesis").create_stream(StreamName=STREAM, ShardCount=2)


def _stored(aws: LocalAws) -> list[str]:
    """The ids of the events on the stream, every shard read from its start."""
    kinesis = aws.client("kinesis")
    ids: list[str] = []
    for shard in kinesis.list_shards(StreamName=STREAM)["Shards"]:
        iterator = kinesis.get_shard_iterator(
            StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator, Limit=10_000)["Records"]
        ids += [json.loads(record["Data"])["id"] for record in records]
    return ids


def _publish(endpoint: str, count: int, retries: int = 8) -> list[UnitOfWork | Fault]:
    options = resolve_options(
        {},
        stream_name=STREAM,
        batch_retry_wait_ms=1,
        timeout_ms=TIMEOUT_MS,
        batch_max_retries=retries,
        parallel=4,
    )
    uows = [
        UnitOfWork(
            record=JsonObject({"n": n}),
            event=Event(id=f"e{n}", type="thing-created", partition_key=f"p{n % 7}"),
        )
        for n in range(count)
    ]
    with closing(Connections(options, session=_session(), endpoint_url=endpoint)) as connections:
        sink = publish_to_kinesis(options, KinesisConnector(connections), batch_size=20)
        return collect(Stream.of(uows).through(sink))


def test_every_event_reaches_the_stream(aws: LocalAws) -> None:
    _stream(aws)
    out = _publish(aws.endpoint_url, 45)
    assert [type(item) for item in out] == [UnitOfWork] * 45
    assert sorted(_stored(aws)) == sorted(f"e{n}" for n in range(45))


def test_under_partial_failures_and_throttling_each_event_is_stored_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _stream(aws)
    fault_proxy.add(
        Rule(service="kinesis", operation="PutRecords", partial=Partial(fraction=0.3)),
        Rule(service="kinesis", operation="PutRecords", error=throttling("kinesis"), every=4),
    )
    out = _publish(fault_proxy.url, 100)
    assert [type(item) for item in out] == [UnitOfWork] * 100
    assert sorted(_stored(aws)) == sorted(f"e{n}" for n in range(100))  # each exactly once
    assert fault_proxy.stats.failed_entries > 0
    assert fault_proxy.stats.errors > 0


def test_when_the_retries_run_out_the_uows_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _stream(aws)
    fault_proxy.add(Rule(service="kinesis", operation="PutRecords", partial=Partial(indices=(0,))))
    out = _publish(fault_proxy.url, 50, retries=2)
    faults = [item for item in out if isinstance(item, Fault)]
    delivered = [item.event.id for item in out if isinstance(item, UnitOfWork) and item.event]
    assert len(faults) == 3  # the first record of each of the 3 batches
    assert all(fault.retryable for fault in faults)
    assert sorted(_stored(aws)) == sorted(delivered)
    assert len(faults) + len(delivered) == 50


def test_a_call_that_keeps_failing_fails_every_uow_of_its_batch_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _stream(aws)
    fault_proxy.add(
        Rule(service="kinesis", operation="PutRecords", error=InjectedError(500, "InternalFailure"))
    )
    out = _publish(fault_proxy.url, 30)
    assert [type(item) for item in out] == [Fault] * 2  # two batches, one fault each
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert sum(len(item.uows) for item in out if isinstance(item, Fault)) == 30
    assert _stored(aws) == []
