"""The poll subcommand: its options and its summary (end to end in tests/integration)."""

from __future__ import annotations

import argparse
import os

import pytest
from botocore.exceptions import EndpointConnectionError, NoCredentialsError, NoRegionError

from lambda_stream.runtime.cli import parser
from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping
from lambda_stream.runtime.poll import Tally, explain, local_credentials, summary
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


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        (NoCredentialsError(), "(set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"),
        (NoRegionError(), "(set AWS_REGION, or give a queue URL or an ARN, which name theirs)"),
        (
            EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"),
            "(is http://127.0.0.1:1 up, and the --endpoint-url right?)",
        ),
    ],
)
def test_an_error_is_explained_with_what_to_do(error: Exception, advice: str) -> None:
    assert explain(error, "http://127.0.0.1:1") == f"{type(error).__name__}: {error} {advice}"


def test_an_error_without_advice_is_its_name_and_message() -> None:
    assert explain(ValueError("bad")) == "ValueError: bad"


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.setenv(name, "")  # recorded, so the placeholders are undone after the test
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize(
    "endpoint", ["http://localhost:5000", "http://127.0.0.1:5000/", "http://[::1]:5000"]
)
def test_placeholder_credentials_are_set_for_a_local_endpoint(endpoint: str) -> None:
    assert local_credentials(endpoint)
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]) == (
        "local",
        "local",
    )


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize(
    "endpoint", [None, "https://sqs.us-east-1.amazonaws.com", "http://10.0.0.5:5000"]
)
def test_no_placeholders_are_set_for_aws_or_another_machine(endpoint: str | None) -> None:
    assert not local_credentials(endpoint)
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_credentials_that_are_set_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mine")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    assert not local_credentials("http://127.0.0.1:5000")
    assert os.environ["AWS_ACCESS_KEY_ID"] == "mine"
