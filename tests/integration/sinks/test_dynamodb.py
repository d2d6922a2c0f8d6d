"""The DynamoDB sinks over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

from functools import cache

import boto3
import pytest
from botocore.config import Config

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodb import DynamoDBConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.dynamodb import (
    BATCH_WRITE_REQUEST_ENTRY,
    DELETE_REQUEST,
    PUT_REQUEST,
    UPDATE_REQUEST,
    UPDATE_RESPONSE,
    batch_write_dynamodb,
    delete_dynamodb,
    put_dynamodb,
    update_dynamodb,
)
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule, throttling
from lambda_stream.testing.moto import LocalAws
from lambda_stream.utils.expressions import timestamp_condition

pytestmark = pytest.mark.usefixtures("instant_backoff")

OPTIONS = resolve_options(
    {}, entity_table_name="things", event_table_name="things", batch_retry_wait_ms=1, parallel=4
)


@cache
def _session() -> boto3.Session:
    """One session for the module: a client of a new session costs 0.2 s to build."""
    return boto3.Session(region_name="us-east-1")


def _table(aws: LocalAws) -> None:
    aws.client("dynamodb").create_table(
        TableName="things",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _port(endpoint: str, *, attempts: int = 10, retries: int = 8) -> DynamoDBConnector:
    """A connector whose client tries each call `attempts` times (botocore's own retries)."""
    options = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=retries)
    connections = Connections(options, session=_session(), endpoint_url=endpoint)
    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    client = _session().client("dynamodb", endpoint_url=endpoint, config=config)
    return DynamoDBConnector(connections, client=client)


def _stored(aws: LocalAws) -> dict[str, dict[str, object]]:
    items = aws.client("dynamodb").scan(TableName="things")["Items"]
    return {item["pk"]["S"]: dict(item) for item in items}


def _updates(count: int) -> list[UnitOfWork]:
    """Each uow adds 1 to its item's counter: an update applied twice would show 2."""
    uows = []
    for n in range(count):
        request = JsonObject(
            {
                "Key": {"pk": f"p{n:02}"},
                "UpdateExpression": "SET #name = :name, #timestamp = :timestamp ADD #count :one",
                "ExpressionAttributeNames": {
                    "#name": "name",
                    "#timestamp": "timestamp",
                    "#count": "count",
                },
                "ExpressionAttributeValues": {":name": f"thing {n}", ":timestamp": 10, ":one": 1},
                **timestamp_condition(),
            }
        )
        uows.append(UnitOfWork(record=JsonObject({"n": n})).set(UPDATE_REQUEST, request))
    return uows


def _run(sink: Sink, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(sink))


def test_updates_under_throttling_are_each_applied_exactly_once(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(
            service="dynamodb",
            operation="UpdateItem",
            error=throttling("dynamodb"),
            probability=0.3,
        )
    )
    out = _run(update_dynamodb(OPTIONS, _port(fault_proxy.url)), _updates(30))
    assert [type(uow) for uow in out] == [UnitOfWork] * 30
    stored = _stored(aws)
    assert sorted(stored) == [f"p{n:02}" for n in range(30)]
    assert {item["count"]["N"] for item in stored.values()} == {"1"}  # type: ignore[index]  # DynamoDB JSON
    assert fault_proxy.stats.errors > 0


def test_updates_whose_retries_run_out_fail_retryably_and_store_nothing(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(Rule(service="dynamodb", operation="UpdateItem", error=throttling("dynamodb")))
    out = _run(update_dynamodb(OPTIONS, _port(fault_proxy.url, attempts=2)), _updates(6))
    assert all(isinstance(fault, Fault) and fault.retryable for fault in out)
    assert [fault.uows[0].record for fault in out if isinstance(fault, Fault)] == [
        {"n": n} for n in range(6)
    ]
    assert _stored(aws) == {}


def test_a_stale_update_is_ignored_and_a_newer_one_wins(aws: LocalAws) -> None:
    _table(aws)
    port = _port(aws.endpoint_url)
    _run(update_dynamodb(OPTIONS, port), _updates(1))
    (out,) = _run(update_dynamodb(OPTIONS, port), _updates(1))
    assert isinstance(out, UnitOfWork)
    assert out[UPDATE_RESPONSE] == {}
    assert _stored(aws)["p00"]["count"] == {"N": "1"}


def test_puts_and_deletes_under_throttling(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _table(aws)
    fault_proxy.add(Rule(service="dynamodb", error=throttling("dynamodb"), probability=0.3))
    port = _port(fault_proxy.url)
    puts = [
        UnitOfWork(record=None).set(PUT_REQUEST, JsonObject({"Item": {"pk": f"p{n}"}}))
        for n in range(10)
    ]
    deletes = [
        UnitOfWork(record=None).set(DELETE_REQUEST, JsonObject({"Key": {"pk": f"p{n}"}}))
        for n in range(5)
    ]
    out = _run(put_dynamodb(OPTIONS, port), puts) + _run(delete_dynamodb(OPTIONS, port), deletes)
    assert all(isinstance(uow, UnitOfWork) for uow in out)
    assert sorted(_stored(aws)) == [f"p{n}" for n in range(5, 10)]


def _pk(uow: UnitOfWork) -> str:
    item = uow[BATCH_WRITE_REQUEST_ENTRY].get_object("PutRequest").get_object("Item")
    return item.get_str("pk") or ""


def _writes(count: int) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(
            BATCH_WRITE_REQUEST_ENTRY,
            JsonObject({"PutRequest": {"Item": {"pk": f"p{n:02}", "n": n}}}),
        )
        for n in range(count)
    ]


def test_batch_writes_under_partial_failures_and_throttling_store_every_item(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchWriteItem", partial=Partial(fraction=0.3)),
        Rule(service="dynamodb", operation="BatchWriteItem", error=throttling("dynamodb"), every=4),
    )
    out = _run(batch_write_dynamodb(OPTIONS, _port(fault_proxy.url)), _writes(60))
    assert [type(uow) for uow in out] == [UnitOfWork] * 60
    assert sorted(_stored(aws)) == [f"p{n:02}" for n in range(60)]
    assert fault_proxy.stats.failed_entries > 0
    assert fault_proxy.stats.errors > 0


def test_batch_writes_whose_retries_run_out_fail_retryably_and_none_is_dropped(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchWriteItem", partial=Partial(indices=(0,)))
    )
    out = _run(batch_write_dynamodb(OPTIONS, _port(fault_proxy.url, retries=2)), _writes(30))
    faults = [item for item in out if isinstance(item, Fault)]
    written = [_pk(item) for item in out if isinstance(item, UnitOfWork)]
    assert faults
    assert all(fault.retryable for fault in faults)
    assert sorted(_stored(aws)) == sorted(written)
    assert len(faults) + len(written) == 30


def test_a_batch_call_that_keeps_failing_fails_its_uows_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchWriteItem", error=throttling("dynamodb"))
    )
    out = _run(batch_write_dynamodb(OPTIONS, _port(fault_proxy.url, attempts=2)), _writes(30))
    assert all(isinstance(fault, Fault) and fault.retryable for fault in out)
    assert sum(len(fault.uows) for fault in out if isinstance(fault, Fault)) == 30
    assert _stored(aws) == {}
