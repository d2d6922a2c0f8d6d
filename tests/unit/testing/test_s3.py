"""to_s3_records and to_sqs_sns_s3_records: the JS helpers' shapes, and round trips."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_stream import Event, UnitOfWork
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.s3 import from_s3, from_s3_event, from_sqs_sns_s3
from lambda_stream.testing import InMemoryS3, collect
from lambda_stream.testing._common import payload
from lambda_stream.testing.s3 import to_s3_records, to_sqs_sns_s3_records
from tests.unit.testing.test_sqs import events, expected_events

modest = settings(max_examples=60, deadline=None)
NOTIFICATION: dict[str, JsonValue] = {"bucket": {"name": "b"}, "object": {"key": "k"}}


def _records(lambda_event: dict[str, object]) -> list[Any]:
    records = lambda_event["Records"]
    assert isinstance(records, list)
    return records


def test_a_notification_becomes_a_record_shaped_as_the_js_helper_shapes_it() -> None:
    assert _records(to_s3_records([NOTIFICATION], aws_region="us-west-2")) == [
        {
            "eventSource": "aws:s3",
            "awsRegion": "us-west-2",
            "responseElements": {"x-amz-request-id": "0000000000000000"},
            "s3": NOTIFICATION,
        }
    ]


def test_request_ids_concatenate_the_index_as_the_js_helper_does() -> None:
    records = _records(to_s3_records([NOTIFICATION] * 11))
    assert records[10]["responseElements"] == {"x-amz-request-id": "00000000000000010"}


def test_only_the_bucket_and_the_object_of_a_notification_are_written() -> None:
    [record] = _records(to_s3_records([{"object": {"key": "k"}, "eventName": "x"}]))
    assert record["s3"] == {"object": {"key": "k"}}


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert _records(to_s3_records([NOTIFICATION]))[0]["awsRegion"] == "ap-southeast-2"


def test_the_notifications_travel_in_one_message_as_sns_message_text() -> None:
    [record] = _records(to_sqs_sns_s3_records([NOTIFICATION, NOTIFICATION]))
    assert list(record) == ["body"]
    assert json.loads(json.loads(record["body"])["Message"]) == {
        "Records": [{"s3": NOTIFICATION}, {"s3": NOTIFICATION}]
    }


def test_no_notifications_still_make_one_message() -> None:
    [record] = _records(to_sqs_sns_s3_records([]))
    assert json.loads(json.loads(record["body"])["Message"]) == {"Records": []}


# -- round trips over random input ----------------------------------------------------------

text = st.text(st.characters(codec="utf-8"), max_size=20)
notifications = st.fixed_dictionaries(
    {
        "bucket": st.fixed_dictionaries({"name": text}),
        "object": st.fixed_dictionaries({"key": text}),
    },
    optional={"eventName": text},
)


@modest
@given(st.lists(notifications, max_size=12))
def test_from_s3_gives_back_the_records_of_to_s3_records(
    notifications: list[dict[str, JsonValue]],
) -> None:
    lambda_event = to_s3_records(notifications)
    items = collect(from_s3(lambda_event))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == lambda_event[
        "Records"
    ]


@modest
@given(st.lists(notifications, max_size=12))
def test_from_sqs_sns_s3_gives_back_each_notification_of_to_sqs_sns_s3_records(
    notifications: list[dict[str, JsonValue]],
) -> None:
    lambda_event = to_sqs_sns_s3_records(notifications)
    [message] = _records(lambda_event)
    items = collect(from_sqs_sns_s3(lambda_event))
    assert [item.record for item in items if isinstance(item, UnitOfWork)] == [
        {"sqs": message, "sns": json.loads(message["body"]), "s3": {"s3": n}} for n in notifications
    ]


@modest
@given(st.lists(st.tuples(text, events(with_id=True)), max_size=8))
def test_from_s3_event_gives_back_the_events_stored_where_the_notifications_point(
    stored: list[tuple[str, dict[str, JsonValue]]],
) -> None:
    """The keys arrive URL-encoded, as S3 writes them into its notifications."""
    s3 = InMemoryS3()
    keys = [f"{index}/{name}" for index, (name, _) in enumerate(stored)]
    for key, (_, event) in zip(keys, stored, strict=True):
        s3.put("bucket", key, payload(event))
    lambda_event = to_sqs_sns_s3_records(
        [{"bucket": {"name": "bucket"}, "object": {"key": quote_plus(key)}} for key in keys]
    )
    items = collect(from_s3_event(lambda_event, s3=s3, parallel=3))
    assert all(isinstance(item, UnitOfWork) for item in items)
    found: list[Event | None] = [item.event for item in items if isinstance(item, UnitOfWork)]
    assert found == expected_events([event for _, event in stored], keys)
