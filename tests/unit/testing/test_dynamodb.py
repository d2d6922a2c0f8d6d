from typing import Any, cast

import pytest

from lambda_stream.core.json import JsonValue
from lambda_stream.testing.dynamodb import to_dynamodb_records

THING: dict[str, JsonValue] = {"pk": "1", "sk": "thing"}


def _records(*changes: dict[str, JsonValue], **options: Any) -> list[Any]:
    return cast(list[Any], to_dynamodb_records(changes, **options)["Records"])


def _record(change: dict[str, JsonValue], **options: Any) -> Any:
    [record] = _records(change, **options)
    return record


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"newImage": THING}, "INSERT"),
        ({"newImage": THING, "oldImage": THING}, "MODIFY"),
        ({"oldImage": THING}, "REMOVE"),
    ],
)
def test_the_event_name_follows_the_images(change: dict[str, JsonValue], name: str) -> None:
    assert _record(change)["eventName"] == name


def test_an_empty_image_is_an_image() -> None:
    """As in JavaScript, where an empty object is true."""
    assert _record({"newImage": THING, "oldImage": {}})["eventName"] == "MODIFY"


def test_the_record_has_the_js_helpers_shape_and_member_order() -> None:
    record = _record({"timestamp": 5, "keys": {"pk": "1"}, "newImage": THING, "oldImage": THING})
    assert list(record) == ["eventID", "eventName", "eventSource", "awsRegion", "dynamodb"]
    assert list(record["dynamodb"]) == [
        "ApproximateCreationDateTime",
        "Keys",
        "NewImage",
        "OldImage",
        "SequenceNumber",
        "StreamViewType",
    ]
    assert (record["eventSource"], record["dynamodb"]["StreamViewType"]) == (
        "aws:dynamodb",
        "NEW_AND_OLD_IMAGES",
    )


def test_records_are_numbered_from_zero() -> None:
    records = _records({"newImage": THING}, {"newImage": THING})
    assert [(r["eventID"], r["dynamodb"]["SequenceNumber"]) for r in records] == [
        ("0", "0"),
        ("1", "1"),
    ]


def test_keys_and_images_are_marshalled() -> None:
    change: dict[str, JsonValue] = {"keys": {"pk": "1"}, "newImage": {"n": 1, "l": None}}
    change["oldImage"] = {"s": frozenset({"a"})}
    dynamodb = _record(change)["dynamodb"]
    assert (dynamodb["Keys"], dynamodb["NewImage"], dynamodb["OldImage"]) == (
        {"pk": {"S": "1"}},
        {"n": {"N": "1"}, "l": {"NULL": True}},
        {"s": {"SS": ["a"]}},
    )


def test_the_timestamp_is_the_approximate_creation_time() -> None:
    assert (
        _record({"timestamp": 1.5, "newImage": THING})["dynamodb"]["ApproximateCreationDateTime"]
        == 1.5
    )


def test_what_is_not_given_is_absent() -> None:
    assert list(_record({"newImage": THING})["dynamodb"]) == [
        "NewImage",
        "SequenceNumber",
        "StreamViewType",
    ]


def test_the_python_names_work_too() -> None:
    record = _record({"new_image": THING, "old_image": THING, "ttl_delete": True})
    assert record["eventName"] == "MODIFY"
    assert "userIdentity" in record


def test_a_ttl_delete_is_by_the_dynamodb_service() -> None:
    record = _record({"oldImage": THING, "ttlDelete": True})
    assert record["userIdentity"] == {"principalId": "dynamodb.amazonaws.com", "type": "Service"}


def test_an_ordinary_change_has_no_user_identity() -> None:
    assert "userIdentity" not in _record({"oldImage": THING, "ttlDelete": False})


def test_the_region_is_the_new_images_stamp() -> None:
    record = _record({"newImage": {**THING, "awsregion": "eu-west-1"}}, aws_region="us-east-1")
    assert record["awsRegion"] == "eu-west-1"


def test_the_region_is_the_one_given_without_a_stamp() -> None:
    assert _record({"newImage": THING}, aws_region="us-east-1")["awsRegion"] == "us-east-1"


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert _record({"oldImage": {**THING, "awsregion": "x"}})["awsRegion"] == "ap-southeast-2"


def test_the_region_falls_back_to_the_js_helpers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert _record({"newImage": THING})["awsRegion"] == "us-west-2"


def test_remove_undefined_values_is_accepted_for_the_js_signature() -> None:
    change: dict[str, JsonValue] = {"newImage": THING}
    assert _records(change, remove_undefined_values=False) == _records(change)


def test_an_image_that_is_not_an_item_is_rejected() -> None:
    with pytest.raises(TypeError, match="newImage must be a mapping"):
        to_dynamodb_records([{"newImage": ["x"]}])


def test_no_changes_make_no_records() -> None:
    assert to_dynamodb_records([]) == {"Records": []}
