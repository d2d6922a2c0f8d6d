"""Run the trigger on its sample event, with an in-memory bus, and show what it published."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from examples.dynamodb_trigger.handler import build, handler
from lambda_stream import (
    Invocation,
    InvocationError,
    LambdaResponse,
    Pipelines,
    UnitOfWork,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.runtime import observing
from lambda_stream.runtime.report import format_invocation
from lambda_stream.sinks.eventbridge import PUBLISH_REQUEST, PUBLISH_REQUEST_ENTRY, PUBLISH_RESPONSE
from lambda_stream.testing import InMemoryEventBridge

EVENT = Path(__file__).parent / "event.json"


@dataclass(frozen=True, slots=True)
class Local:
    """The trigger's pipelines over an in-memory bus, and the bus."""

    pipelines: Pipelines
    bus: InMemoryEventBridge


def local() -> Local:
    """What Lambda would run, with the options a deployment sets and a fake bus."""
    options = resolve_options(
        {},  # not this machine's environment: the same run everywhere
        bus_name="thing-service-local-bus",
        bus_source="thing-service",
        service="thing-service",
        stage="local",
        partial_batch_response=True,
    )
    bus = InMemoryEventBridge()
    return Local(build(options, ports=Ports(options, eventbridge=bus)), bus)


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
    print(f"DynamoDB trigger: {len(event['Records'])} records, pipelines {fakes.pipelines.enabled}")
    # each uow keeps its batch's whole request and response: list the events once, below
    print(format_invocation(replace(invocation, uows=tuple(map(_brief, invocation.uows)))))
    print(f"published to the bus: {len(fakes.bus.events)} event(s)")
    for published in fakes.bus.events:
        print(f"  {published['type']} {published['id']} thing={json.dumps(published['thing'])}")
    return 0


def _brief(uow: UnitOfWork) -> UnitOfWork:
    return uow.discard(PUBLISH_REQUEST_ENTRY).discard(PUBLISH_REQUEST).discard(PUBLISH_RESPONSE)


if __name__ == "__main__":
    sys.exit(main())
