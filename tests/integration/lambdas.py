"""Lambda functions in moto for the integration tests, and its switch to echo invocations.

moto runs function code only in Docker, which this machine lacks (and trying leaks a process
and a socket); its simple backend answers an invocation with the payload it was given.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from dataclasses import replace

from lambda_stream.testing.moto import LocalAws, MotoServer

__all__ = ["configure_lambda", "function_in"]


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def function_in(aws: LocalAws, region: str) -> str:
    """A function named ``f`` in `region`, and a queue ``q`` there; the queue's ARN."""
    there = replace(aws, region=region)
    role = f"r-{region}"
    # moto lets Lambda assume only a role that exists; the dev stubs have no IAM client type.
    there.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument="{}")  # type: ignore[attr-defined]
    there.client("lambda").create_function(
        FunctionName="f",
        Runtime="python3.11",
        Role=f"arn:aws:iam::{aws.account}:role/{role}",
        Handler="handler.handle",
        Code={"ZipFile": _code()},
    )
    sqs = there.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def configure_lambda(server: MotoServer, *, use_docker: bool) -> None:
    """Set moto's Lambda backend (the setting outlives a reset: put it back after a test)."""
    body = json.dumps({"lambda": {"use_docker": use_docker}}).encode()
    request = urllib.request.Request(f"{server.url}/moto-api/config", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
