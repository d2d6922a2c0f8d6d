"""The poll subcommand: its options and its summary (end to end in tests/integration)."""

from __future__ import annotations

import argparse

import pytest

from lambda_stream.runtime.cli import parser
from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping
from lambda_stream.runtime.poll import Tally, summary
from lambda_stream.testing.fakes import InMemoryKinesis, InMemorySqs

KINESIS_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def _parse(*args: str) -> argparse.Namespace:
    return parser().parse_args(["poll", "handler:handler", "--source", KINESIS_ARN, *args])


def _nothing(event: dict[str, object], context: object) -> None:
    return None


def test_the_defaults_follow_the_local_mapping() -> None:
    args = _parse()
    assert (args.batch_size, args.starting_position, args.max_retries) == (None, "TRIM_HORIZON", 2)
    assert (args.drain, args.duration, args.endpoint_url) == (False, None, None)


def test_the_options_are_read() -> None:
    args = _parse(
        "--endpoint-url", "http://127.0.0.1:5000", "--batch-size", "5",
        "--starting-position", "LATEST", "--max-retries", "-1", "--duration", "2.5",
    )  # fmt: skip
    assert (args.endpoint_url, args.batch_size, args.starting_position) == (
        "http://127.0.0.1:5000",
        5,
        "LATEST",
    )
    assert (args.max_retries, args.duration) == (-1, 2.5)


def test_drain_and_duration_exclude_each_other() -> None:
    with pytest.raises(SystemExit):
        _parse("--drain", "--duration", "1")


def test_a_source_is_required() -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["poll", "handler:handler"])


def test_the_summary_of_a_stream_counts_the_batches_given_up() -> None:
    mapping = LocalEventSourceMapping(KINESIS_ARN, _nothing, kinesis=InMemoryKinesis())
    text = summary(mapping, EsmStats(invocations=3, records=7, given_up=1), Tally(), 1.5)
    assert text.splitlines()[0] == f"polled {KINESIS_ARN} for 1.50 s"
    assert "batches given up" in text
    assert text.splitlines()[-1].split() == ["3", "7", "0", "1", "0"]


def test_the_summary_of_a_queue_counts_the_messages_deleted() -> None:
    mapping = LocalEventSourceMapping(QUEUE_URL, _nothing, sqs=InMemorySqs())
    text = summary(mapping, EsmStats(invocations=1, records=2, deleted=2), Tally(), 0.1)
    assert "messages deleted" in text
    assert "batches given up" not in text
