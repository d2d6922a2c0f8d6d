"""The thing service, end to end on this machine: ``lambda-stream demo`` runs this.

On an embedded moto server it creates the entities table with its stream, the listener's view
table, the bus with a rule routing the service's events to the listener's queue (and one
routing fault events to a queue of their own, to count them), then:

1. starts two local event-source mappings: the entities stream to the trigger, the queue to
   the listener, each polling in its own thread as Lambda's pollers do;
2. writes a few hundred things: creates, updates, soft deletes, and one poison thing whose
   status the trigger does not know;
3. waits until the view holds every thing the entities table holds (but the poison) and the
   poison's fault event is on the bus;
4. stops everything and prints what was written, published, materialized and faulted, then
   checks: the view equals the entities, and there is exactly one fault event, the poison's.

With ``chaos`` a fault proxy sits between the functions and the services: 5 to 20 ms of
latency on every call, 30 % of the entries of every PutEvents batch failed, and every 4th
PutEvents call throttled. The pollers talk to moto directly (they are Lambda's, not the
functions'). The library's retries, partial batch responses and the pollers' redelivery must
still end with the same view and the one fault.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Final, TextIO

import boto3

from examples.thing_service import listener, trigger
from examples.thing_service.infrastructure import (
    BUS,
    ENTITIES,
    SERVICE,
    VIEW_SERVICE,
    VIEWS,
    Resources,
    apply,
    create,
    drain_queue,
    queued,
    read_things,
)
from examples.thing_service.scenario import POISON, scenario
from lambda_stream import (
    Invocation,
    LambdaContext,
    LambdaResponse,
    Options,
    Pipelines,
    resolve_options,
)
from lambda_stream.connectors import Connections, Ports
from lambda_stream.runtime import observing
from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping
from lambda_stream.runtime.progress import Progress
from lambda_stream.runtime.report import format_table
from lambda_stream.testing.faultproxy import FaultProxy, Partial, ProxyStats, Rule, throttling
from lambda_stream.testing.motoserver import MotoServer

__all__ = ["DemoReport", "chaos_rules", "main", "run"]

REGION: Final = "us-east-1"
TIMEOUT_MS: Final = 10_000
"""The functions' call timeout: moto on a busy laptop answers far slower than AWS, and a call
that times out is sent again, which would publish its events twice."""


def chaos_rules() -> list[Rule]:
    """What ``--chaos`` does to the functions' calls."""
    return [
        Rule(delay_ms=(5.0, 20.0)),
        Rule(service="events", operation="PutEvents", every=4, error=throttling("events")),
        Rule(service="events", operation="PutEvents", partial=Partial(fraction=0.3)),
    ]


class Tally:
    """What the functions did, from the invocations they report (they run on poll threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.published = 0
        self.materialized = 0
        self.faults: list[str] = []

    def trigger(self, invocation: Invocation) -> None:
        """Count a trigger invocation: the events it published and its fault events."""
        with self._lock:
            self.published += len(invocation.uows)
            self.faults.extend(event.id for event in invocation.fault_events)

    def listener(self, invocation: Invocation) -> None:
        """Count a listener invocation: the updates it made (stale ones included)."""
        with self._lock:
            self.materialized += len(invocation.uows)
            self.faults.extend(event.id for event in invocation.fault_events)


@dataclass(frozen=True, slots=True)
class DemoReport:
    """How the demo went.

    Attributes:
        written: writes made to the entities table.
        things: things in the entities table.
        published: domain events the trigger published (a redelivered record's again).
        materialized: updates the listener made, stale ones (skipped by the condition) included.
        view: things in the view.
        fault_events: the fault events that reached the bus's fault queue.
        mismatches: how the view differs from the entities, at most 10 lines.
        timed_out: the view did not catch up within the time allowed.
        seconds: how long it took, from start to stop.
        trigger: what the trigger's poller did.
        listener: what the listener's poller did.
        proxy: what the fault proxy did (``chaos`` only).
    """

    written: int
    things: int
    published: int
    materialized: int
    view: int
    fault_events: tuple[Mapping[str, object], ...]
    mismatches: tuple[str, ...]
    timed_out: bool
    seconds: float
    trigger: EsmStats
    listener: EsmStats
    proxy: ProxyStats | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """The view equals the entities, and the one fault event is the poison's."""
        return not self.problems


def run(
    *,
    things: int = 200,
    chaos: bool = False,
    seed: int = 7,
    timeout_s: float = 50.0,
    out: TextIO | None = None,
) -> DemoReport:
    """Run the demo (see the module) and report how it went; everything is stopped after.

    Args:
        things: how many things to write (one poison thing more).
        chaos: put the fault proxy between the functions and the services.
        seed: the seed of the writes and of the proxy's draws.
        timeout_s: how long to wait for the view to catch up.
        out: where the progress goes; standard output when None.
    """
    progress = Progress(out, every_s=2.0)
    started = time.monotonic()
    session = boto3.Session(
        aws_access_key_id="demo", aws_secret_access_key="demo", region_name=REGION
    )
    writes = scenario(things, seed=seed)
    tally = Tally()
    with ExitStack() as stack:
        progress.update("starting moto server")
        moto = stack.enter_context(MotoServer().start())
        resources = create(session, moto.url)
        stack.callback(resources.close)
        proxy = None
        if chaos:
            proxy = stack.enter_context(FaultProxy(moto.url, rules=chaos_rules(), seed=seed))
            progress.note(f"chaos: fault proxy at {proxy.url} in front of moto at {moto.url}")
        functions_url = proxy.url if proxy is not None else moto.url
        trigger_pipelines = _pipelines(
            trigger.build, session, functions_url, stack, service=SERVICE
        )
        listener_pipelines = _pipelines(
            listener.build,
            session,
            functions_url,
            stack,
            service=VIEW_SERVICE,
            entity_table_name=VIEWS,
        )
        pollers = Connections(
            resolve_options({}, region=REGION, timeout_ms=30_000),
            session=session,
            threads=2,
            endpoint_url=moto.url,
        )
        stack.callback(pollers.close)
        trigger_poller = LocalEventSourceMapping(
            resources.stream_arn,
            _observed(trigger.handler, trigger_pipelines, tally.trigger),
            endpoint_url=moto.url,
            connections=pollers,
            batch_size=100,
            max_retry_attempts=10,
            poll_interval_s=0.25,
            function_name="thing-service-trigger",
        )
        listener_poller = LocalEventSourceMapping(
            resources.events_queue_url,
            _observed(listener.handler, listener_pipelines, tally.listener),
            endpoint_url=moto.url,
            connections=pollers,
            batch_size=10,
            visibility_timeout_s=2,
            poll_interval_s=0.25,
            function_name="thing-view-listener",
        )
        # Stopped (in reverse) before the servers they talk to.
        stack.enter_context(trigger_poller.start())
        stack.enter_context(listener_poller.start())

        for done, write in enumerate(writes, start=1):
            apply(resources.dynamodb, write)
            progress.update(_status(done, len(writes), tally, started))

        timed_out = not _caught_up(resources, tally, progress, len(writes), started, timeout_s)
        trigger_poller.stop()
        listener_poller.stop()
        entities = _without_poison(read_things(resources, ENTITIES))
        view = read_things(resources, VIEWS)
        faults = tuple(_detail(body) for body in drain_queue(resources, resources.faults_queue_url))
        left = queued(resources, resources.events_queue_url)
        proxy_stats = proxy.stats if proxy is not None else None
        trigger_stats, listener_stats = trigger_poller.stats, listener_poller.stats
    seconds = time.monotonic() - started
    progress.finish()
    mismatches = _differences(entities, view)
    problems = list(mismatches)
    if timed_out:
        problems.insert(0, f"the view did not catch up within {timeout_s:.0f} s")
    problems.extend(_fault_problems(faults))
    if left:
        problems.append(f"{left} message(s) were left on the listener's queue")
    return DemoReport(
        written=len(writes),
        things=len(entities) + 1,
        published=tally.published,
        materialized=tally.materialized,
        view=len(view),
        fault_events=faults,
        mismatches=tuple(mismatches[:10]),
        timed_out=timed_out,
        seconds=seconds,
        trigger=trigger_stats,
        listener=listener_stats,
        proxy=proxy_stats,
        problems=tuple(problems),
    )


def _pipelines(
    build: Callable[..., Pipelines],
    session: boto3.Session,
    endpoint_url: str,
    stack: ExitStack,
    *,
    service: str,
    entity_table_name: str | None = None,
) -> Pipelines:
    """A function's pipelines over connections to `endpoint_url`, configured as on Lambda."""
    options: Options = resolve_options(
        {},
        service=service,
        bus_name=BUS,
        bus_source=service,
        entity_table_name=entity_table_name,
        region=REGION,
        partial_batch_response=True,
        timeout_ms=TIMEOUT_MS,
    )
    connections = Connections(options, session=session, endpoint_url=endpoint_url)
    ports = Ports(options, connections=connections)
    stack.callback(connections.close)
    stack.callback(ports.close)  # runs first: the clients, then the pool
    pipelines: Pipelines = build(options, ports=ports)
    return pipelines


Handler = Callable[..., LambdaResponse]


def _observed(
    handler: Handler, pipelines: Pipelines, tally: Callable[[Invocation], None]
) -> Callable[[dict[str, object], LambdaContext], LambdaResponse]:
    """`handler` on `pipelines`, each invocation handed to `tally`."""

    def invoke(event: dict[str, object], context: LambdaContext) -> LambdaResponse:
        with observing(tally):
            return handler(event, context, pipelines=pipelines)

    return invoke


def _caught_up(
    resources: Resources,
    tally: Tally,
    progress: Progress,
    total: int,
    started: float,
    timeout_s: float,
) -> bool:
    """Wait until the view equals the entities and a fault event was published; in time?"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        progress.update(_status(total, total, tally, started))
        if tally.faults and _without_poison(read_things(resources, ENTITIES)) == read_things(
            resources, VIEWS
        ):
            return True
        time.sleep(0.25)
    return False


def _status(done: int, total: int, tally: Tally, started: float) -> str:
    return (
        f"{done}/{total} written, {tally.published} published, "
        f"{tally.materialized} materialized, {len(tally.faults)} fault(s), "
        f"{time.monotonic() - started:.1f} s"
    )


def _without_poison(things: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    return {thing_id: thing for thing_id, thing in things.items() if thing_id != POISON}


def _detail(body: Mapping[str, object]) -> Mapping[str, object]:
    """The event an EventBridge rule put on a queue (its ``detail``)."""
    detail = body.get("detail")
    return detail if isinstance(detail, Mapping) else body


def _differences(
    entities: dict[str, dict[str, object]], view: dict[str, dict[str, object]]
) -> list[str]:
    lines = [f"{thing_id} is missing from the view" for thing_id in entities.keys() - view.keys()]
    lines += [f"{thing_id} is in the view only" for thing_id in view.keys() - entities.keys()]
    lines += [
        f"{thing_id}: the view has {view[thing_id]}, the entities {entities[thing_id]}"
        for thing_id in sorted(entities.keys() & view.keys())
        if entities[thing_id] != view[thing_id]
    ]
    return sorted(lines)


def _fault_problems(faults: Sequence[Mapping[str, object]]) -> list[str]:
    if len(faults) != 1:
        return [f"expected exactly one fault event, the poison's; got {len(faults)}"]
    [fault] = faults
    uow = fault.get("uow")
    text = str(uow)
    if POISON not in text:
        return [f"the fault event is not the poison's: {fault.get('err')}"]
    return []


def format_report(report: DemoReport) -> str:
    """The summary tables and the verdict."""
    counts = [
        ["written to Entities", str(report.written)],
        ["things in Entities", str(report.things)],
        ["domain events published", str(report.published)],
        ["updates materialized", str(report.materialized)],
        ["things in Views", str(report.view)],
        ["fault events", str(len(report.fault_events))],
    ]
    pollers = [
        [
            name,
            str(stats.invocations),
            str(stats.records),
            str(stats.failures),
            str(stats.given_up),
        ]
        for name, stats in (("trigger", report.trigger), ("listener", report.listener))
    ]
    parts = [
        format_table(["what", "count"], counts),
        "",
        format_table(["function", "invocations", "records", "failed", "given up"], pollers),
    ]
    if report.proxy is not None:
        proxy = report.proxy
        parts += [
            "",
            format_table(
                ["fault proxy", "count"],
                [
                    ["calls proxied", str(proxy.calls)],
                    ["calls delayed 5-20 ms", str(proxy.delayed)],
                    ["PutEvents throttled", str(proxy.errors)],
                    ["PutEvents partly failed", str(proxy.partials)],
                    ["entries failed", str(proxy.failed_entries)],
                ],
            ),
        ]
    for fault in report.fault_events:
        err = fault.get("err")
        what = f"{err.get('name')}: {err.get('message')}" if isinstance(err, Mapping) else err
        parts += ["", f"fault event: {what}"]
    parts.append("")
    if report.ok:
        parts.append(
            f"OK: the view matches the entities ({report.view} things) and the poison thing "
            f"became exactly one fault event, in {report.seconds:.1f} s"
        )
    else:
        parts += ["FAILED:", *(f"  {problem}" for problem in report.problems)]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """``lambda-stream demo [--chaos] [--things N]``: 0 when the demo succeeds."""
    parser = argparse.ArgumentParser(
        prog="lambda-stream demo", description="Run the thing service on a local moto server."
    )
    parser.add_argument(
        "--chaos",
        action="store_true",
        help="inject latency, throttling and "
        "partial failures between the functions and the services",
    )
    parser.add_argument("--things", type=int, default=200, help="things to write (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the writes and the proxy")
    parser.add_argument("--timeout", type=float, default=50.0, help="seconds to wait (50)")
    args = parser.parse_args(argv)
    stream = out or sys.stdout
    report = run(
        things=args.things, chaos=args.chaos, seed=args.seed, timeout_s=args.timeout, out=stream
    )
    print(format_report(report), file=stream)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
