"""The local event-source mapping over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from typing import TYPE_CHECKING

import boto3
import pytest

from lambda_stream import resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.sqs import SqsConnector
from lambda_stream.core.context import LambdaContext
from lambda_stream.runtime.esm import LocalEventSourceMapping
from lambda_stream.runtime.esm_failures import send_to_queue
from lambda_stream.testing.faultproxy import FaultProxy, Rule, throttling
from lambda_stream.testing.moto import LocalAws
from tests.unit.runtime.esm_support import Recorder, records_of

if TYPE_CHECKING:
    from mypy_boto3_kinesis.type_defs import PutRecordsRequestEntryTypeDef

pytestmark = pytest.mark.usefixtures("instant_backoff")


@cache
def _session() -> boto3.Session:
    # One session for the module, made inside the first test (after `aws` set the environment):
    # a new session loads the service models again, 0.2 s a test.
    return boto3.Session(region_name="us-east-1")


@pytest.fixture
def connections(aws: LocalAws) -> Iterator[Connections]:
    options = resolve_options({}, timeout_ms=30_000, batch_retry_wait_ms=1)
    built = Connections(options, session=_session(), endpoint_url=aws.endpoint_url, threads=2)
    yield built
    built.close()


def _table(aws: LocalAws) -> str:
    described = aws.client("dynamodb").create_table(
        TableName="things",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return described["TableDescription"]["LatestStreamArn"]


def _kinesis(aws: LocalAws, shards: int, count: int) -> str:
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName="ingest", ShardCount=shards)
    records: list[PutRecordsRequestEntryTypeDef] = [
        {"Data": json.dumps({"i": n}).encode(), "PartitionKey": f"k{n}"} for n in range(count)
    ]
    kinesis.put_records(StreamName="ingest", Records=records)
    return f"arn:aws:kinesis:us-east-1:{aws.account}:stream/ingest"


def _queue(aws: LocalAws, name: str, *bodies: str) -> str:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    return url


def _drain_queue(aws: LocalAws, url: str) -> list[str]:
    sqs = aws.client("sqs")
    bodies: list[str] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in messages]
    return sorted(bodies)


def _number(record: dict[str, object]) -> int:
    """The ``i`` of the data of a Lambda Kinesis record."""
    kinesis = record["kinesis"]
    assert isinstance(kinesis, dict)
    data = json.loads(base64.b64decode(str(kinesis["data"])))
    assert isinstance(data, dict)
    return int(data["i"])


def _our_threads() -> set[threading.Thread]:
    """Poll threads and connector pool threads (moto's own request threads left aside)."""
    ours = ("local-esm", "lambda-stream-aws")
    return {thread for thread in threading.enumerate() if thread.name.startswith(ours)}


def _always_raises(event: dict[str, object], context: LambdaContext) -> object:
    raise OSError("the handler is down")


def test_table_changes_reach_the_handler_as_insert_modify_remove(
    aws: LocalAws, connections: Connections
) -> None:
    arn = _table(aws)
    table = aws.client("dynamodb")
    table.put_item(TableName="things", Item={"pk": {"S": "t1"}, "n": {"N": "1"}})
    table.update_item(
        TableName="things",
        Key={"pk": {"S": "t1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
    )
    table.delete_item(TableName="things", Key={"pk": {"S": "t1"}})
    handler = Recorder()
    LocalEventSourceMapping(arn, handler, connections=connections).drain()
    (event,) = handler.events
    records = records_of(event)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    changes = [r["dynamodb"] for r in records]
    assert all(isinstance(c, dict) for c in changes)
    images = [(c.get("OldImage"), c.get("NewImage")) for c in changes if isinstance(c, dict)]
    assert images == [
        (None, {"pk": {"S": "t1"}, "n": {"N": "1"}}),
        ({"pk": {"S": "t1"}, "n": {"N": "1"}}, {"pk": {"S": "t1"}, "n": {"N": "2"}}),
        ({"pk": {"S": "t1"}, "n": {"N": "2"}}, None),
    ]
    assert {r["eventSourceARN"] for r in records} == {arn}
    assert all(
        isinstance(c, dict) and isinstance(c["ApproximateCreationDateTime"], int) for c in changes
    )


def test_the_records_of_a_two_shard_stream_arrive_one_shard_per_batch(
    aws: LocalAws, connections: Connections
) -> None:
    arn = _kinesis(aws, shards=2, count=12)
    handler = Recorder()
    LocalEventSourceMapping(arn, handler, connections=connections, batch_size=4).drain()
    numbers = [_number(record) for event in handler.events for record in records_of(event)]
    assert sorted(numbers) == list(range(12))
    shards_per_batch = [
        {str(record["eventID"]).split(":")[0] for record in records_of(event)}
        for event in handler.events
    ]
    assert all(len(shards) == 1 for shards in shards_per_batch)
    assert len(set().union(*shards_per_batch)) == 2
    assert records_of(handler.events[0])[0]["eventSourceARN"] == arn


def test_a_partial_failure_leaves_only_the_failed_message_in_the_queue(
    aws: LocalAws, connections: Connections
) -> None:
    url = _queue(aws, "work", "a", "bad", "c")
    failed_receipts: list[str] = []

    def handler(event: dict[str, object], context: LambdaContext) -> object:
        failed = [r for r in records_of(event) if r["body"] == "bad"]
        failed_receipts.extend(str(r["receiptHandle"]) for r in failed)
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in failed]}

    mapping = LocalEventSourceMapping(url, handler, connections=connections)
    mapping.drain()
    assert mapping.stats.deleted == 2
    sqs = aws.client("sqs")
    (receipt,) = failed_receipts  # hidden until its visibility timeout: show it now
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)
    assert _drain_queue(aws, url) == ["bad"]


def test_a_batch_that_keeps_failing_ends_at_the_on_failure_queue(
    aws: LocalAws, connections: Connections
) -> None:
    arn = _kinesis(aws, shards=1, count=3)
    failures = _queue(aws, "failures")
    mapping = LocalEventSourceMapping(
        arn,
        _always_raises,
        connections=connections,
        max_retry_attempts=2,
        on_failure=send_to_queue(SqsConnector(connections), failures),
    )
    mapping.drain()
    assert mapping.stats.invocations == 3
    (body,) = _drain_queue(aws, failures)
    record = json.loads(body)
    assert record["KinesisBatchInfo"]["startSequenceNumber"] == "1"
    assert record["KinesisBatchInfo"]["endSequenceNumber"] == "3"
    assert record["requestContext"]["approximateInvokeCount"] == 3


def test_throttled_reads_are_absorbed_by_the_sdks_retries(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    arn = _table(aws)
    aws.client("dynamodb").put_item(TableName="things", Item={"pk": {"S": "t1"}})
    error = throttling("dynamodbstreams")
    fault_proxy.add(
        Rule(service="dynamodbstreams", operation="GetRecords", error=error, max_hits=2)
    )
    options = resolve_options({}, timeout_ms=30_000)
    handler = Recorder()
    via_proxy = Connections(options, session=_session(), endpoint_url=fault_proxy.url)
    with closing(via_proxy):
        LocalEventSourceMapping(arn, handler, connections=via_proxy).drain()
    assert len(handler.delivered()) == 1
    assert fault_proxy.stats.errors == 2


def test_a_stopped_mapping_leaves_no_thread_behind(aws: LocalAws) -> None:
    arn = _kinesis(aws, shards=1, count=2)
    before = _our_threads()
    handler = Recorder()
    mapping = LocalEventSourceMapping(
        arn, handler, endpoint_url=aws.endpoint_url, poll_interval_s=0.01
    ).start()
    deadline = time.monotonic() + 20
    while len(handler.delivered()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    mapping.stop()
    assert handler.delivered() == ["1", "2"]
    assert _our_threads() <= before


def test_a_stopped_mapping_polls_again_on_new_connections(aws: LocalAws) -> None:
    arn = _kinesis(aws, shards=1, count=1)
    handler = Recorder()
    mapping = LocalEventSourceMapping(arn, handler, endpoint_url=aws.endpoint_url)
    mapping.drain()
    mapping.stop()
    aws.client("kinesis").put_record(StreamName="ingest", Data=b"{}", PartitionKey="k")
    mapping.drain()
    mapping.stop()
    assert handler.delivered() == ["1", "2"]
