"""The proxy driven from outside: its HTTP control API, and the command line."""

import contextlib
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lambda_stream.testing.faultproxy import FaultProxy, Rule, throttling
from lambda_stream.testing.moto import LocalAws

NO_RETRY = Config(retries={"total_max_attempts": 1})


def _control(proxy_url: str, method: str, path: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{proxy_url}/__fault__/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_post_rules_adds_rules(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    rules = [{"service": "sqs", "operation": "ListQueues", "error": "throttling"}]

    answer = _control(fault_proxy.url, "POST", "rules", rules)

    assert answer == {"rules": 1}
    assert fault_proxy.rules == (
        Rule(service="sqs", operation="ListQueues", error=throttling("sqs")),
    )


def test_posted_rules_apply_to_calls(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    _control(fault_proxy.url, "POST", "rules", {"service": "sqs", "error": {"code": "Nope"}})

    with pytest.raises(ClientError) as raised:
        aws.via(fault_proxy.url).client("sqs", config=NO_RETRY).list_queues()

    assert raised.value.response["Error"]["Code"] == "Nope"


def test_delete_rules_removes_every_rule(fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(delay_ms=1), Rule(delay_ms=2))

    answer = _control(fault_proxy.url, "DELETE", "rules")

    assert answer == {"rules": 0}
    assert fault_proxy.rules == ()


def test_get_stats_reports_counts_and_rule_hits(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(service="sqs", error=throttling("sqs"), every=2))
    sqs = aws.via(fault_proxy.url).client("sqs", config=NO_RETRY)
    for _ in range(4):
        with contextlib.suppress(ClientError):
            sqs.list_queues()

    stats = _control(fault_proxy.url, "GET", "stats")

    assert isinstance(stats, dict)
    assert (stats["calls"], stats["errors"], stats["by_operation"]) == (4, 2, {"sqs.ListQueues": 4})
    assert [(r["matches"], r["hits"]) for r in stats["rules"]] == [(4, 2)]


def test_get_calls_lists_what_happened(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    aws.via(fault_proxy.url).client("sqs").list_queues()

    calls = _control(fault_proxy.url, "GET", "calls")

    assert calls == [
        {
            "service": "sqs",
            "operation": "ListQueues",
            "status": 200,
            "delay_ms": 0.0,
            "error": None,
            "failed": [],
        }
    ]


def test_bad_rule_is_refused_with_400(fault_proxy: FaultProxy) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        _control(fault_proxy.url, "POST", "rules", [{"sevrice": "sqs"}])
    raised.value.close()

    assert raised.value.code == 400
    assert fault_proxy.rules == ()


def test_stats_and_calls_forget_after_reset(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(delay_ms=1))
    aws.via(fault_proxy.url).client("sqs").list_queues()

    fault_proxy.reset()

    assert (fault_proxy.stats.calls, fault_proxy.calls, fault_proxy.rules) == (0, (), ())


@pytest.fixture
def cli_proxy(aws: LocalAws, tmp_path: Path) -> Iterator[str]:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            [{"service": "sqs", "operation": "CreateQueue", "max_hits": 1, "error": "throttling"}]
        )
    )
    command = [
        sys.executable,
        "-m",
        "lambda_stream.testing.faultproxy",
        "--upstream",
        aws.endpoint_url,
        "--port",
        "0",
        "--delay-ms",
        "5-20",
        "--rules",
        str(rules),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_serves_with_its_delay_and_rules(aws: LocalAws, cli_proxy: str) -> None:
    sqs = aws.via(cli_proxy).client("sqs", config=NO_RETRY)
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="q")

    started = time.perf_counter()
    sqs.create_queue(QueueName="q")

    assert time.perf_counter() - started >= 0.005
    stats = _control(cli_proxy, "GET", "stats")
    assert isinstance(stats, dict)
    assert (stats["calls"], stats["errors"], stats["delayed"]) == (2, 1, 2)
