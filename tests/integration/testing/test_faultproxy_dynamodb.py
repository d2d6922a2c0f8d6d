"""DynamoDB batch failures: UnprocessedItems and UnprocessedKeys, in DynamoDB's own shape."""

from typing import TYPE_CHECKING

from lambda_stream.testing.faultproxy import FaultProxy, Partial, Rule
from lambda_stream.testing.moto import LocalAws

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef


def _table(aws: LocalAws, name: str) -> None:
    aws.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _puts(*keys: str) -> list["WriteRequestTypeDef"]:
    return [{"PutRequest": {"Item": {"pk": {"S": k}, "v": {"N": "1"}}}} for k in keys]


def _keys(aws: LocalAws, table: str) -> list[str]:
    items = aws.client("dynamodb").scan(TableName=table)["Items"]
    return sorted(item["pk"]["S"] for item in items)


def test_batch_write_item_returns_failed_writes_as_unprocessed_items(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws, "t")
    fault_proxy.add(Rule(operation="BatchWriteItem", partial=Partial(indices=(1, 2))))

    out = (
        aws.via(fault_proxy.url)
        .client("dynamodb")
        .batch_write_item(RequestItems={"t": _puts("a", "b", "c", "d")})
    )

    assert out["UnprocessedItems"] == {"t": _puts("b", "c")}
    assert _keys(aws, "t") == ["a", "d"]


def test_batch_write_item_unprocessed_items_can_be_retried(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws, "t")
    fault_proxy.add(Rule(operation="BatchWriteItem", partial=Partial(indices=(0,)), max_hits=1))
    client = aws.via(fault_proxy.url).client("dynamodb")
    first = client.batch_write_item(RequestItems={"t": _puts("a", "b")})

    again = client.batch_write_item(RequestItems=first["UnprocessedItems"])

    assert again["UnprocessedItems"] == {}
    assert _keys(aws, "t") == ["a", "b"]


def test_batch_write_item_counts_entries_across_tables(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws, "t1")
    _table(aws, "t2")
    fault_proxy.add(Rule(operation="BatchWriteItem", partial=Partial(indices=(1,))))

    out = (
        aws.via(fault_proxy.url)
        .client("dynamodb")
        .batch_write_item(RequestItems={"t1": _puts("a"), "t2": _puts("b", "c")})
    )

    assert out["UnprocessedItems"] == {"t2": _puts("b")}
    assert (_keys(aws, "t1"), _keys(aws, "t2")) == (["a"], ["c"])


def test_batch_get_item_returns_failed_keys_as_unprocessed_keys(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws, "t")
    aws.client("dynamodb").batch_write_item(RequestItems={"t": _puts("a", "b", "c")})
    fault_proxy.add(Rule(operation="BatchGetItem", partial=Partial(indices=(0,))))
    keys = [{"pk": {"S": k}} for k in ("a", "b", "c")]

    out = (
        aws.via(fault_proxy.url)
        .client("dynamodb")
        .batch_get_item(RequestItems={"t": {"Keys": keys, "ProjectionExpression": "pk"}})
    )

    assert out["UnprocessedKeys"] == {"t": {"Keys": keys[:1], "ProjectionExpression": "pk"}}
    assert sorted(item["pk"]["S"] for item in out["Responses"]["t"]) == ["b", "c"]


def test_batch_get_item_all_failing_returns_every_key_unprocessed(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    _table(aws, "t")
    fault_proxy.add(Rule(operation="BatchGetItem", partial=Partial(fraction=1.0)))
    keys = [{"pk": {"S": k}} for k in ("a", "b")]

    out = (
        aws.via(fault_proxy.url)
        .client("dynamodb")
        .batch_get_item(RequestItems={"t": {"Keys": keys}})
    )

    assert out["UnprocessedKeys"] == {"t": {"Keys": keys}}
    assert out["Responses"] == {"t": []}


def test_partial_count_records_the_drawn_indices(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _table(aws, "t")
    fault_proxy.add(Rule(operation="BatchWriteItem", partial=Partial(count=2)))

    out = (
        aws.via(fault_proxy.url)
        .client("dynamodb")
        .batch_write_item(RequestItems={"t": _puts("a", "b", "c", "d", "e")})
    )

    (call,) = fault_proxy.calls
    unprocessed = [r["PutRequest"]["Item"]["pk"]["S"] for r in out["UnprocessedItems"]["t"]]
    assert unprocessed == ["abcde"[i] for i in call.failed]
    assert len(call.failed) == 2
