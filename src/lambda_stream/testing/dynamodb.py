"""DynamoDB Streams events as Lambda delivers them, built from item changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lambda_stream.core.json import JsonValue
from lambda_stream.testing._common import region
from lambda_stream.utils.dynamodb import marshall

__all__ = ["to_dynamodb_records"]


def to_dynamodb_records(
    items: Iterable[Mapping[str, JsonValue]],
    *,
    remove_undefined_values: bool = True,
    aws_region: str | None = None,
) -> dict[str, object]:
    """A Lambda DynamoDB Streams event, one record per change, shaped as the JS helper shapes it.

    Each change is a mapping with the JS helper's members: ``timestamp`` (epoch seconds, the
    ``ApproximateCreationDateTime``), ``keys``, ``newImage``, ``oldImage`` (plain items, which
    are marshalled) and ``ttlDelete`` (the REMOVE of a TTL expiry); ``new_image``, ``old_image``
    and ``ttl_delete`` are accepted too. A change without an old image is an INSERT, one
    without a new image a REMOVE, one with both a MODIFY. The region is the new image's
    ``awsregion``, else `aws_region`, else the configured region, else ``us-west-2``.

    >>> change = {"timestamp": 1, "keys": {"pk": "1"}, "newImage": {"pk": "1"}}
    >>> record = to_dynamodb_records([change])["Records"][0]
    >>> record["eventName"], record["dynamodb"]["NewImage"]
    ('INSERT', {'pk': {'S': '1'}})

    Args:
        items: the changes.
        remove_undefined_values: accepted for the JS helper's signature; Python values have no
            ``undefined`` to remove (``None`` is JSON null and is written as ``NULL``, as the
            JS helper writes null).
        aws_region: the region of a change whose new image has no ``awsregion``.
    """
    default_region = region(aws_region)
    records = []
    for index, item in enumerate(items):
        new = _member(item, "newImage", "new_image")
        old = _member(item, "oldImage", "old_image")
        keys = item.get("keys")
        change: dict[str, object] = {}
        timestamp = item.get("timestamp")
        if timestamp is not None:
            change["ApproximateCreationDateTime"] = timestamp
        if keys is not None:
            change["Keys"] = marshall(_item(keys, "keys"))
        if new is not None:
            change["NewImage"] = marshall(_item(new, "newImage"))
        if old is not None:
            change["OldImage"] = marshall(_item(old, "oldImage"))
        change["SequenceNumber"] = str(index)
        change["StreamViewType"] = "NEW_AND_OLD_IMAGES"
        stamped = new.get("awsregion") if isinstance(new, Mapping) else None
        record: dict[str, object] = {
            "eventID": str(index),
            "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
            "eventSource": "aws:dynamodb",
            "awsRegion": stamped or default_region,
            "dynamodb": change,
        }
        if _member(item, "ttlDelete", "ttl_delete"):
            record["userIdentity"] = {"principalId": "dynamodb.amazonaws.com", "type": "Service"}
        records.append(record)
    return {"Records": records}


def _member(item: Mapping[str, JsonValue], js_name: str, name: str) -> JsonValue:
    """The member under its JS name, else under its Python name."""
    value = item.get(js_name)
    return item.get(name) if value is None else value


def _item(value: JsonValue, name: str) -> Mapping[str, JsonValue]:
    if isinstance(value, Mapping):
        return value
    raise TypeError(f"{name} must be a mapping (an item), got {type(value).__name__}")
