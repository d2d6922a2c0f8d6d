"""Run the consumer on its sample event, with an in-memory table and bus, and show the result."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from examples.sqs_consumer.handler import build, handler
from lambda_stream import (
    Invocation,
    InvocationError,
    JsonObject,
    LambdaResponse,
    Pipelines,
    RetryableError,
    UnitOfWork,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.runtime import observing
from lambda_stream.runtime.report import format_invocation
from lambda_stream.sinks.dynamodb import UPDATE_REQUEST, UPDATE_RESPONSE
from lambda_stream.testing import InMemoryDynamoDB, InMemoryEventBridge

EVENT = Path(__file__).parent / "event.json"
VIEW_TABLE = "thing-service-local-views"
THROTTLED = "t3"
"""The thing whose update the fake table throttles, every time."""


@dataclass(frozen=True, slots=True)
class Local:
    """The consumer's pipelines over an in-memory table and bus, and the fakes."""

    pipelines: Pipelines
    table: InMemoryDynamoDB
    bus: InMemoryEventBridge


def throttle(operation: str, request: JsonObject) -> BaseException | None:
    """Fail the updates of `THROTTLED`, as DynamoDB does when a partition is too hot."""
    if operation == "update" and request.get_object("Key").get("pk") == THROTTLED:
        return RetryableError("ProvisionedThroughputExceededException (fake)")
    return None


def local() -> Local:
    """What Lambda would run, with the options a deployment sets and fakes for AWS."""
    options = resolve_options(
        {},  # not this machine's environment: the same run everywhere
        bus_name="thing-service-local-bus",
        service="thing-service",
        stage="local",
        entity_table_name=VIEW_TABLE,
        partial_batch_response=True,
    )
    table = InMemoryDynamoDB(fail=throttle)
    bus = InMemoryEventBridge()
    ports = Ports(options, dynamodb=table, eventbridge=bus)
    return Local(build(options, ports=ports), table, bus)


def run(fakes: Local, event: dict[str, object]) -> tuple[LambdaResponse, Invocation]:
    """The handler's response to `event` and what its pipelines did."""
    seen: list[Invocation] = []
    with observing(seen.append):
        response = handler(event, pipelines=fakes.pipelines)
    return response, seen[0]


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    event = json.loads(EVENT.read_text())
    fakes = local()
    try:
        _, invocation = run(fakes, event)
    except InvocationError as error:
        print(f"the invocation failed, Lambda would retry the batch: {error}")
        return 1
    print(f"SQS consumer: {len(event['Records'])} messages, pipelines {fakes.pipelines.enabled}")
    # the requests and answers are long: the rows they made are listed below
    print(format_invocation(replace(invocation, uows=tuple(map(_brief, invocation.uows)))))
    rows = fakes.table.items(VIEW_TABLE)
    print(f"view rows: {len(rows)}")
    for row in rows:
        print(f"  {json.dumps(row.thaw(), default=str)}")
    faults = [event for event in fakes.bus.events if event["type"] == "fault"]
    print(f"fault events on the bus: {len(faults)}")
    return 0


def _brief(uow: UnitOfWork) -> UnitOfWork:
    return uow.discard(UPDATE_REQUEST).discard(UPDATE_RESPONSE)


if __name__ == "__main__":
    sys.exit(main())
