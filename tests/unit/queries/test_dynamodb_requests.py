"""to_pk_query_request, to_index_query_request, to_get_request: the requests the rules build."""

from __future__ import annotations

import pytest

from lambda_stream import Event, UnitOfWork
from lambda_stream.queries.dynamodb import (
    to_get_request,
    to_index_query_request,
    to_pk_query_request,
)


def _uow(**raw: object) -> UnitOfWork:
    event = Event.from_dict({"id": "1", "type": "t", "partitionKey": "p1", "raw": raw})  # type: ignore[dict-item]  # test images are JSON
    return UnitOfWork(record=None, event=event)


def test_the_pk_query_reads_the_partition_consistently() -> None:
    assert to_pk_query_request(_uow(), pk_fn="id").thaw() == {
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "id"},
        "ExpressionAttributeValues": {":pk": "p1"},
        "ConsistentRead": True,
    }


def test_the_index_query_names_the_index_and_reads_eventually_consistently() -> None:
    assert to_index_query_request(_uow(), index_name="gsi1", index_fn="gsi1pk").thaw() == {
        "IndexName": "gsi1",
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "gsi1pk"},
        "ExpressionAttributeValues": {":pk": "p1"},
        "ConsistentRead": False,
    }


def test_a_query_needs_a_partition_key() -> None:
    with pytest.raises(ValueError, match="partitionKey"):
        to_pk_query_request(UnitOfWork(record=None, event=Event(id="1", type="t")))


def test_foreign_keys_of_the_new_image_become_keys() -> None:
    uow = _uow(new={"owner": "user|u1", "org": "org|o1", "none": None}, old={"owner": "user|u0"})
    request = to_get_request(uow, fks=["owner", "org", "none", "missing"], table_name="t")
    assert request.thaw() == {
        "RequestItems": {"t": {"Keys": [{"pk": "u1", "sk": "user"}, {"pk": "o1", "sk": "org"}]}}
    }


def test_the_old_image_is_read_when_there_is_no_new_one() -> None:
    request = to_get_request(_uow(old={"owner": "user|u0"}), fks=["owner"], table_name="t")
    assert request.thaw() == {"RequestItems": {"t": {"Keys": [{"pk": "u0", "sk": "user"}]}}}


def test_a_pk_holding_the_separator_is_kept_whole() -> None:
    """Deliberate difference: the JS library splits on every ``|`` and keeps the first two
    parts, so ``"user|a|b"`` would refer to pk ``"a"``."""
    request = to_get_request(_uow(new={"owner": "user|a|b"}), fks=["owner"], table_name="t")
    assert request.thaw() == {"RequestItems": {"t": {"Keys": [{"pk": "a|b", "sk": "user"}]}}}


def test_a_foreign_key_without_a_discriminator_is_refused() -> None:
    with pytest.raises(ValueError, match="owner"):
        to_get_request(_uow(new={"owner": "u1"}), fks=["owner"], table_name="t")
