"""The DynamoDB queries over real HTTP: moto, and the fault proxy in front of it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import cache

import boto3
import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodb import DynamoDBConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.queries.dynamodb import (
    BATCH_GET_REQUEST,
    BATCH_GET_RESPONSE,
    QUERY_REQUEST,
    QUERY_RESPONSE,
    SCAN_REQUEST,
    SCAN_RESPONSE,
    batch_get_dynamodb,
    query_all_dynamodb,
    scan_split_dynamodb,
    to_get_request,
    to_pk_query_request,
)
from lambda_stream.sinks.dynamodb import put_entry
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
from lambda_stream.testing.moto import LocalAws

pytestmark = pytest.mark.usefixtures("instant_backoff")

OPTIONS = resolve_options({}, event_table_name="things", parallel=4)
Step = Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]


@cache
def _session() -> boto3.Session:
    """One session for the module: a client of a new session costs 0.2 s to build."""
    return boto3.Session(region_name="us-east-1")


def _port(endpoint: str, retries: int = 8) -> DynamoDBConnector:
    options = resolve_options({}, batch_retry_wait_ms=1, batch_max_retries=retries)
    return DynamoDBConnector(Connections(options, session=_session(), endpoint_url=endpoint))


def _things(aws: LocalAws, partitions: int = 3, per_partition: int = 10) -> None:
    """``things``: items ``{pk: "p<i>", sk: "<j>", n: j}``."""
    aws.client("dynamodb").create_table(
        TableName="things",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    items = [
        put_entry({"pk": f"p{i}", "sk": f"{j:02}", "n": j})
        for i in range(partitions)
        for j in range(per_partition)
    ]
    asyncio.run(_port(aws.endpoint_url).batch_write("things", items))


def _run(step: Step, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(step))


def _asking(partition: str, limit: int | None = None) -> UnitOfWork:
    uow = UnitOfWork(record=None, event=Event(id="e", type="t", partition_key=partition))
    request = to_pk_query_request(uow)
    return uow.set(QUERY_REQUEST, request if limit is None else request.set("Limit", limit))


def test_a_query_reads_every_item_of_the_partition(aws: LocalAws) -> None:
    _things(aws)
    (out,) = _run(query_all_dynamodb(OPTIONS, _port(aws.endpoint_url)), [_asking("p1")])
    assert isinstance(out, UnitOfWork)
    assert [item["n"] for item in out[QUERY_RESPONSE]] == list(range(10))


def test_a_query_stops_at_limit_items(aws: LocalAws) -> None:
    _things(aws)
    (out,) = _run(query_all_dynamodb(OPTIONS, _port(aws.endpoint_url)), [_asking("p1", limit=4)])
    assert isinstance(out, UnitOfWork)
    assert len(out[QUERY_RESPONSE]) == 4


def test_the_same_query_is_read_once_per_invocation_cache(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _things(aws)
    step = query_all_dynamodb(OPTIONS, _port(fault_proxy.url), cache={})
    out = _run(step, [_asking("p0"), _asking("p1"), _asking("p0"), _asking("p1")])
    assert all(isinstance(uow, UnitOfWork) for uow in out)
    assert fault_proxy.stats.by_operation == {"dynamodb.Query": 2}


def _getting(*references: str) -> UnitOfWork:
    """A uow whose change event refers to items as ``"<sk>|<pk>"`` foreign keys."""
    new = {f"fk{n}": reference for n, reference in enumerate(references)}
    uow = UnitOfWork(
        record=None, event=Event.from_dict({"id": "e", "type": "t", "raw": {"new": new}})
    )
    fks = [f"fk{n}" for n in range(len(references))]
    return uow.set(BATCH_GET_REQUEST, to_get_request(uow, fks=fks, table_name="things"))


def _found(uow: UnitOfWork | Fault) -> list[str]:
    assert isinstance(uow, UnitOfWork)
    items = uow[BATCH_GET_RESPONSE].get_object("Responses").get("things")
    assert isinstance(items, Sequence)
    return sorted(
        f"{item.get_str('pk')}/{item.get_str('sk')}"
        for item in items
        if isinstance(item, JsonObject)
    )


def test_a_batch_get_retries_unprocessed_keys_until_every_item_is_found(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _things(aws, partitions=1)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchGetItem", partial=Partial(fraction=0.3))
    )
    keys = [f"{j:02}|p0" for j in range(10)]
    (out,) = _run(batch_get_dynamodb(OPTIONS, _port(fault_proxy.url)), [_getting(*keys)])
    assert _found(out) == [f"p0/{j:02}" for j in range(10)]
    assert fault_proxy.stats.failed_entries > 0


def test_keys_left_unprocessed_after_the_retries_fault_the_uow_retryably(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _things(aws, partitions=1)
    fault_proxy.add(
        Rule(service="dynamodb", operation="BatchGetItem", partial=Partial(indices=(0,)))
    )
    step = batch_get_dynamodb(OPTIONS, _port(fault_proxy.url, retries=2))
    (out,) = _run(step, [_getting("00|p0", "01|p0")])
    assert isinstance(out, Fault)
    assert out.retryable
    assert fault_proxy.stats.calls == 3


def test_a_scan_split_makes_a_uow_per_item_across_pages(aws: LocalAws) -> None:
    _things(aws)
    uow = UnitOfWork(record=None).set(SCAN_REQUEST, JsonObject({"Limit": 100}))
    small_pages = UnitOfWork(record=None).set(SCAN_REQUEST, JsonObject({"Limit": 7}))
    out = _run(scan_split_dynamodb(OPTIONS, _port(aws.endpoint_url)), [uow, small_pages])
    responses = [item[SCAN_RESPONSE] for item in out if isinstance(item, UnitOfWork)]
    assert len(responses) == 30 + 7
    assert all("Item" in response for response in responses)
