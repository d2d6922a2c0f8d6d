"""Properties of from_dynamodb over random item changes built with to_dynamodb_records."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import Fault, UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.dynamodb import from_dynamodb
from lambda_stream.testing import collect
from lambda_stream.testing.dynamodb import to_dynamodb_records
from tests.unit.utils.dynamodb_strategies import names, values

REGION = "us-west-2"
# attributes with a meaning to the source, drawn on purpose below
RULED = {"pk", "sk", "discriminator", "deleted", "timestamp", "awsregion", "aws:rep:updateregion"}
others = st.dictionaries(names.filter(lambda name: name not in RULED), values, max_size=4)


@st.composite
def changes(draw: st.DrawFn) -> dict[str, JsonValue]:
    """A change of a random item: an insert, a modify or a remove."""
    pk = draw(st.text(min_size=1, max_size=8))
    sk = draw(st.text(max_size=8))
    kind = draw(st.sampled_from(["INSERT", "MODIFY", "REMOVE"]))

    def image() -> dict[str, JsonValue]:
        item: dict[str, JsonValue] = {"pk": pk, "sk": sk, **draw(others)}
        discriminator = draw(st.none() | st.text(max_size=8))
        if discriminator is not None:
            item["discriminator"] = discriminator
        deleted = draw(st.none() | st.booleans())
        if deleted is not None:
            item["deleted"] = deleted
        timestamp = draw(st.none() | st.integers(1, 2**50))
        if timestamp is not None:
            item["timestamp"] = timestamp
        return item

    change: dict[str, JsonValue] = {
        "timestamp": draw(st.integers(0, 2**33)),
        "keys": {"pk": pk, "sk": sk},
    }
    if kind != "REMOVE":
        change["newImage"] = image()
    if kind != "INSERT":
        change["oldImage"] = image()
    return change


def _expected(index: int, change: dict[str, Any]) -> dict[str, object]:
    """The event the JS rules give for `change` (a model of them, written out longhand)."""
    new, old = change.get("newImage"), change.get("oldImage")
    image: Any = new if new is not None else old
    prefix = image.get("discriminator", image["sk"]).lower()
    if new is None or new.get("deleted") is True:
        suffix = "deleted"
    elif old is not None and old.get("deleted") is True:
        suffix = "undeleted"
    else:
        suffix = "created" if old is None else "updated"
    timestamp = (new or {}).get("timestamp") or change["timestamp"] * 1000
    raw = {side: item for side, item in (("new", new), ("old", old)) if item is not None}
    return {
        "id": str(index),
        "type": f"{prefix}-{suffix}",
        "timestamp": timestamp,
        "partitionKey": change["keys"]["pk"],
        "tags": {"region": REGION},
        "raw": raw,
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(changes(), max_size=5))
def test_the_events_of_built_records_follow_the_rules(batch: list[dict[str, JsonValue]]) -> None:
    out = collect(from_dynamodb(to_dynamodb_records(batch, aws_region=REGION), region=REGION))
    assert not [item for item in out if isinstance(item, Fault)]
    events = [item.event.to_dict() for item in out if isinstance(item, UnitOfWork) and item.event]
    assert events == [_expected(index, change) for index, change in enumerate(batch)]


@settings(max_examples=25, deadline=None)
@given(st.lists(changes(), max_size=5))
def test_every_uow_keeps_its_record(batch: list[dict[str, JsonValue]]) -> None:
    event = to_dynamodb_records(batch, aws_region=REGION)
    out = collect(from_dynamodb(event, region=REGION))
    assert [item.to_dict()["record"] for item in out if isinstance(item, UnitOfWork)] == event[
        "Records"
    ]
