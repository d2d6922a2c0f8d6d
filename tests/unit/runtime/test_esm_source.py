"""The event source a mapping reads, from a stream ARN, a queue ARN or a queue URL."""

from __future__ import annotations

import pytest

from lambda_stream.runtime.esm_source import EventSource, event_source

TABLE_STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/things/stream/2026-01-01T00:00:00.000"


def test_a_table_stream_arn_names_a_dynamodb_stream() -> None:
    assert event_source(TABLE_STREAM) == EventSource(
        kind="dynamodb", arn=TABLE_STREAM, region="eu-west-1", account="123456789012", name="things"
    )


def test_a_kinesis_arn_names_its_stream() -> None:
    source = event_source("arn:aws:kinesis:us-west-2:111122223333:stream/ingest")
    assert (source.kind, source.name, source.region, source.account) == (
        "kinesis",
        "ingest",
        "us-west-2",
        "111122223333",
    )


def test_a_queue_arn_is_called_at_the_aws_url() -> None:
    source = event_source("arn:aws:sqs:eu-west-1:123456789012:q")
    assert source.queue_url == "https://sqs.eu-west-1.amazonaws.com/123456789012/q"


def test_a_queue_arn_is_called_at_the_endpoint_when_there_is_one() -> None:
    source = event_source("arn:aws:sqs:us-east-1:123456789012:q", endpoint_url="http://h:5000/")
    assert source.queue_url == "http://h:5000/123456789012/q"


@pytest.mark.parametrize(
    "url",
    [
        "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
        "https://eu-west-1.queue.amazonaws.com/123456789012/q",
    ],
)
def test_an_aws_queue_url_gives_its_region(url: str) -> None:
    source = event_source(url, region="us-east-1")
    assert source.arn == "arn:aws:sqs:eu-west-1:123456789012:q"
    assert source.queue_url == url


def test_a_local_queue_url_takes_the_given_region() -> None:
    source = event_source("http://127.0.0.1:5000/123456789012/q", region="ap-south-1")
    assert (source.kind, source.region, source.name) == ("sqs", "ap-south-1", "q")


def test_a_local_queue_url_without_a_region_is_in_us_east_1() -> None:
    assert event_source("http://127.0.0.1:5000/123456789012/q").region == "us-east-1"


@pytest.mark.parametrize(
    "source",
    [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/things",
        "arn:aws:kinesis:eu-west-1:123456789012:consumer/x",
        "arn:aws:sns:eu-west-1:123456789012:topic",
        "http://127.0.0.1:5000/q",
        "queue",
    ],
)
def test_anything_else_is_refused(source: str) -> None:
    with pytest.raises(ValueError, match=r"not a|ends in"):
        event_source(source)
