"""``lambda-stream poll`` end to end: a handler module fed from moto through the local mapping."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import pytest

from lambda_stream.runtime.cli import main
from lambda_stream.testing.moto import LocalAws

# A function with one pipeline: thing-created events pass, anything else is dropped; an event
# without an id cannot be decoded and becomes a fault.
LISTENER = """
from lambda_stream import (
    InMemoryFaultPublisher, from_kinesis, initialize, on_event_type, resolve_options,
)

def created(context):
    return lambda s: s.filter(on_event_type("thing-created"))

PIPELINES = initialize(
    {"created": created},
    resolve_options({}, partial_batch_response=True),
    publisher=InMemoryFaultPublisher(),
)

def handler(event, context):
    return PIPELINES.handle(from_kinesis(event), context)

def broken(event, context):
    raise OSError("down")
"""


def _stream(aws: LocalAws, *events: dict[str, object]) -> str:
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName="things", ShardCount=1)
    for event in events:
        kinesis.put_record(StreamName="things", Data=json.dumps(event).encode(), PartitionKey="k")
    return f"arn:aws:kinesis:us-east-1:{aws.account}:stream/things"


@pytest.fixture
def listener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "poll_listener_e2e.py").write_text(LISTENER)
    monkeypatch.chdir(tmp_path)
    return "poll_listener_e2e"


def _poll(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["poll", *args, "--wait-time", "0"])
    return code, capsys.readouterr().out


def test_poll_drains_a_stream_and_summarizes_what_the_pipelines_did(
    aws: LocalAws, listener: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = _stream(
        aws,
        {"id": "e1", "type": "thing-created", "timestamp": 1},
        {"id": "e2", "type": "other", "timestamp": 2},
        {"id": "e3", "type": "thing-created", "timestamp": 3},
    )
    code, out = _poll(
        capsys,
        f"{listener}:handler",
        "--source",
        arn,
        "--endpoint-url",
        aws.endpoint_url,
        "--drain",
    )
    assert code == 0
    assert f"polled {arn}" in out
    table = out[out.index("invocations") :].splitlines()
    assert table[2].split() == ["1", "3", "0", "0", "0"]
    assert ["created", "2", "0"] in [line.split() for line in out.splitlines()]


def test_poll_reports_the_batches_it_gave_up_on_and_fails(
    aws: LocalAws, listener: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = _stream(aws, {"id": "e1", "type": "thing-created", "timestamp": 1})
    args = ("--source", arn, "--endpoint-url", aws.endpoint_url, "--drain", "--max-retries", "1")
    code, out = _poll(capsys, f"{listener}:broken", *args)
    assert code == 1
    assert out.count("the handler raised: OSError: down") == 2
    assert "gave up on 1 record(s) of shardId-000000000000 (1 to 1) after 2 attempt(s)" in out


def test_poll_runs_for_a_duration_against_a_queue(
    aws: LocalAws, listener: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=base64.b64encode(b"{}").decode())
    args = ("--source", url, "--endpoint-url", aws.endpoint_url, "--duration", "0.5")
    code, out = _poll(capsys, f"{listener}:broken", *args)
    assert code == 0
    assert "messages deleted" in out
    assert "the handler raised: OSError: down" in out


def test_poll_without_credentials_signs_with_placeholders_for_a_local_endpoint(
    aws: LocalAws,
    listener: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arn = _stream(aws, {"id": "e1", "type": "thing-created", "timestamp": 1})
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    args = ("--source", arn, "--endpoint-url", aws.endpoint_url, "--drain")
    code, out = _poll(capsys, f"{listener}:handler", *args)
    assert code == 0, out
    assert "no AWS credentials are set: signing with placeholders" in out
    assert ["created", "1", "0"] in [line.split() for line in out.splitlines()]


def test_poll_of_an_endpoint_that_is_down_says_so_and_fails(
    listener: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    args = ("--source", f"{endpoint}/123456789012/q", "--endpoint-url", endpoint, "--drain")
    code, out = _poll(capsys, f"{listener}:handler", *args)
    assert code == 1
    assert f'EndpointConnectionError: Could not connect to the endpoint URL: "{endpoint}/"' in out
    assert f"(is {endpoint} up, and the --endpoint-url right?)" in out


def test_poll_of_a_queue_that_does_not_exist_says_so_and_fails(
    aws: LocalAws, listener: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{aws.endpoint_url}/{aws.account}/missing"
    args = ("--source", url, "--endpoint-url", aws.endpoint_url, "--drain")
    code, out = _poll(capsys, f"{listener}:handler", *args)
    assert code == 1
    table = out[out.index("invocations") :].splitlines()
    assert table[2].split() == ["0", "0", "0", "0", "1"]  # one poll error, and it stopped
    assert "last error: QueueDoesNotExist" in out
