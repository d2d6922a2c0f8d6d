"""from_dynamodb: the change event of a record (type, keys, timestamp, tags, raw images)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

import pytest

from lambda_stream import Fault, UnitOfWork
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.dynamodb import from_dynamodb
from lambda_stream.testing import collect
from lambda_stream.testing.dynamodb import to_dynamodb_records

THING: dict[str, JsonValue] = {"pk": "p1", "sk": "thing", "discriminator": "Thing", "name": "n"}


def _change(
    new: Mapping[str, JsonValue] | None = THING,
    old: Mapping[str, JsonValue] | None = None,
    **more: JsonValue,
) -> dict[str, JsonValue]:
    change: dict[str, JsonValue] = {"timestamp": 1600000000, "keys": {"pk": "p1", "sk": "thing"}}
    if new is not None:
        change["newImage"] = dict(new)
    if old is not None:
        change["oldImage"] = dict(old)
    return {**change, **more}


def _records(*changes: dict[str, JsonValue]) -> list[Any]:
    return cast(list[Any], to_dynamodb_records(changes, aws_region="us-west-2")["Records"])


def _decode(*records: object, **options: Any) -> list[UnitOfWork | Fault]:
    return collect(from_dynamodb({"Records": list(records)}, region="us-west-2", **options))


def _event(*changes: dict[str, JsonValue], **options: Any) -> Event:
    [uow] = _decode(*_records(*changes), **options)
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    return uow.event


def _type(new: Mapping[str, JsonValue] | None, old: Mapping[str, JsonValue] | None) -> str:
    return _event(_change(new, old)).type


# -- the event ----------------------------------------------------------------------------


def test_an_insert_is_created() -> None:
    assert _type(THING, None) == "thing-created"


def test_a_modify_is_updated() -> None:
    assert _type(THING, THING) == "thing-updated"


def test_a_remove_is_deleted() -> None:
    assert _type(None, THING) == "thing-deleted"


def test_the_prefix_is_the_sk_without_a_discriminator() -> None:
    assert _type({"pk": "p1", "sk": "WIDGET"}, None) == "widget-created"


def test_the_discriminator_wins_over_the_sk() -> None:
    assert _type({"sk": "A", "discriminator": "B"}, None) == "b-created"


def test_the_given_prefix_wins_over_the_image() -> None:
    assert _event(_change(), event_type_prefix="order").type == "order-created"


def test_the_attribute_names_can_be_chosen() -> None:
    change = _change({"id": "x1", "kind": "Part", "entity": "Widget"}, keys={"id": "x1"})
    event = _event(change, pk="id", sk="kind", discriminator="entity")
    assert (event.type, event.partition_key) == ("widget-created", "x1")


def test_a_soft_delete_is_deleted() -> None:
    assert _type({**THING, "deleted": True}, THING) == "thing-deleted"


def test_an_insert_soft_deleted_is_deleted() -> None:
    assert _type({**THING, "deleted": True}, None) == "thing-deleted"


def test_a_reversed_soft_delete_is_undeleted() -> None:
    assert _type({**THING, "deleted": False}, {**THING, "deleted": True}) == "thing-undeleted"


def test_a_remove_of_a_soft_deleted_row_is_deleted() -> None:
    assert _type(None, {**THING, "deleted": True}) == "thing-deleted"


def test_not_deleted_on_both_sides_is_updated() -> None:
    assert _type({**THING, "deleted": False}, {**THING, "deleted": False}) == "thing-updated"


def test_the_id_is_the_event_id() -> None:
    record = _records(_change())[0]
    record["eventID"] = "c4ca4238"
    [uow] = _decode(record)
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event.id == "c4ca4238"


def test_the_partition_key_is_the_string_pk() -> None:
    assert _event(_change()).partition_key == "p1"


def test_a_number_pk_gives_no_partition_key() -> None:
    event = _event(_change(keys={"pk": 7}))
    assert event.partition_key is None
    assert "partitionKey" not in event.to_dict()


def test_the_timestamp_is_the_approximate_creation_time_in_ms() -> None:
    assert _event(_change()).timestamp == 1600000000000


def test_the_timestamp_is_the_new_images_timestamp() -> None:
    assert _event(_change({**THING, "timestamp": 1600000000123})).timestamp == 1600000000123


def test_the_approximate_timestamp_can_be_preferred() -> None:
    change = _change({**THING, "timestamp": 1600000000123})
    assert _event(change, prefer_approximate_timestamp=True).timestamp == 1600000000000


def test_a_remove_takes_the_approximate_timestamp() -> None:
    assert _event(_change(None, {**THING, "timestamp": 5})).timestamp == 1600000000000


@pytest.mark.parametrize(("stamp", "millis"), [("123.9", 123), (" 42", 42), ("7e3", 7)])
def test_the_image_timestamp_is_read_as_javascript_parse_int_reads_it(
    stamp: str, millis: int
) -> None:
    record = _records(_change())[0]
    record["dynamodb"]["NewImage"]["timestamp"] = {"N": stamp}
    [uow] = _decode(record)
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event.timestamp == millis


@pytest.mark.parametrize("stamp", [{"N": "0"}, {"N": "0.5"}, {"N": ".5"}, {"S": "123"}])
def test_an_image_timestamp_without_an_integer_falls_back_to_the_approximate(
    stamp: dict[str, str],
) -> None:
    record = _records(_change())[0]
    record["dynamodb"]["NewImage"]["timestamp"] = stamp
    [uow] = _decode(record)
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event.timestamp == 1600000000000


def test_a_fractional_approximate_time_is_multiplied_as_javascript_does() -> None:
    assert _event(_change(timestamp=1712345678.123)).timestamp == 1712345678123


def test_the_tags_hold_the_region() -> None:
    assert _event(_change()).tags == {"region": "us-west-2"}


def test_raw_holds_both_images_unmarshalled() -> None:
    event = _event(_change({**THING, "n": Decimal("1.5")}, {**THING, "s": frozenset({"a"})}))
    assert event.raw == {"new": {**THING, "n": Decimal("1.5")}, "old": {**THING, "s": {"a"}}}


def test_raw_has_no_side_without_an_image() -> None:
    assert _event(_change()).raw == {"new": THING}


def test_the_uow_keeps_the_record_as_received() -> None:
    record = _records(_change())[0]
    kept = copy.deepcopy(record)
    [uow] = _decode(record)
    assert isinstance(uow, UnitOfWork)
    assert uow.record == kept


def test_latched_rows_are_not_filtered_here() -> None:
    assert _event(_change({**THING, "latched": True})).type == "thing-created"


def test_a_keys_only_record_with_a_given_prefix_is_an_event_without_images() -> None:
    record = _records(_change())[0]
    del record["dynamodb"]["NewImage"]
    [uow] = _decode(record, event_type_prefix="thing")
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert uow.event.to_dict()["type"] == "thing-created"
    assert uow.event.to_dict()["raw"] == {}
