"""The contenders of the publishing benchmark: ways to put the same events on a bus.

Each `prepare_*` builds its client (and pool) once and returns a `Publisher`: `load` turns the
benchmark's event dicts into the contender's own input (not timed), `publish` sends them all
(timed) and reports how many the endpoint accepted by the contender's own account. Every
contender sends batches of 10 entries ``{EventBusName, Source, DetailType, Detail}`` whose
``Detail`` is the event's JSON.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

__all__ = ["BATCH", "BUS", "PUBLISHERS", "REGION", "SOURCE", "Outcome", "Publisher", "Spec"]

BUS = "bench-bus"
SOURCE = "bench"
REGION = "us-east-1"
BATCH = 10
"""PutEvents takes at most 10 entries; every contender fills its batches."""
TIMEOUT_S = 1.0
"""Connect and read timeouts of every SDK client: our library's default (``TIMEOUT``, 1 s)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a contender says it published: accepted entries, failed entries, call errors."""

    accepted: int
    failed: int = 0
    errors: tuple[str, ...] = ()


@dataclass(slots=True)
class Publisher:
    """One contender ready to publish; `client` is its boto3 client, when it has one."""

    load: Callable[[list[dict[str, Any]]], Any]
    publish: Callable[[Any], Outcome]
    close: Callable[[], None] = lambda: None
    client: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def events_client(url: str, pool: int) -> Any:
    """A boto3 EventBridge client to `url`: a pool of `pool` connections, our timeouts and retries.

    The same settings `lambda_stream.connectors._aws.Connections.config` gives ours (standard
    retries, 1 s timeouts), so the SDK work per call is the same for everyone.
    """
    return boto3.Session(region_name=REGION).client(
        "events",
        endpoint_url=url,
        config=Config(
            max_pool_connections=pool,
            connect_timeout=TIMEOUT_S,
            read_timeout=TIMEOUT_S,
            retries={"mode": "standard"},
        ),
    )


def _entries(events: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"EventBusName": BUS, "Source": SOURCE, "DetailType": e["type"], "Detail": json.dumps(e)}
        for e in events
    ]


def _batches(events: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    return (events[start : start + BATCH] for start in range(0, len(events), BATCH))


# -- the plain boto3 loop: the hand-written limit --------------------------------------------------


def prepare_boto3(url: str, parallel: int) -> Publisher:
    """One client (``max_pool_connections=P``), a ``ThreadPoolExecutor(P)``, batches of 10.

    No retry of failed entries (the endpoint fails none): the least a hand-written loop does.
    """
    client = events_client(url, parallel)
    pool = ThreadPoolExecutor(parallel, thread_name_prefix="plain-boto3")

    def put(batch: Sequence[dict[str, Any]]) -> tuple[int, int]:
        response = client.put_events(Entries=_entries(batch))
        failed = int(response["FailedEntryCount"])
        return len(batch) - failed, failed

    def publish(events: list[dict[str, Any]]) -> Outcome:
        results = list(pool.map(put, _batches(events)))
        return Outcome(accepted=sum(a for a, _ in results), failed=sum(f for _, f in results))

    return Publisher(
        load=list, publish=publish, close=lambda: pool.shutdown(wait=True), client=client
    )


# -- raw HTTP: the floor of the endpoint and the harness -------------------------------------------


def prepare_raw(url: str, parallel: int) -> Publisher:
    """As the boto3 loop, but each thread POSTs the JSON itself on its own keep-alive connection.

    No SDK: no signing, no validation, no retry logic. What is left is the endpoint, the
    sockets and the threads: how close to the ideal a client with almost no CPU per call gets.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    local = threading.local()
    pool = ThreadPoolExecutor(parallel, thread_name_prefix="raw-http")
    headers = {
        "X-Amz-Target": "AWSEvents.PutEvents",
        "Content-Type": "application/x-amz-json-1.1",
    }

    def put(batch: Sequence[dict[str, Any]]) -> tuple[int, int]:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(
                host, port, timeout=TIMEOUT_S
            )
        connection.request(
            "POST", "/", body=json.dumps({"Entries": _entries(batch)}), headers=headers
        )
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {answer}")
        failed = int(answer["FailedEntryCount"])
        return len(batch) - failed, failed

    def publish(events: list[dict[str, Any]]) -> Outcome:
        results = list(pool.map(put, _batches(events)))
        return Outcome(accepted=sum(a for a, _ in results), failed=sum(f for _, f in results))

    return Publisher(load=list, publish=publish, close=lambda: pool.shutdown(wait=True))


# -- lambda-stream ---------------------------------------------------------------------------------


def prepare_ours(url: str, parallel: int, *, compression: bool = True) -> Publisher:
    """Ours: ``publish_to_event_bridge(options, EventBridgeConnector(Connections(...)))``.

    Options resolved from nothing but ``bus_name``, ``parallel`` and the region (the defaults
    otherwise: 10 entries and 256 KB per request, 8 retries of failed entries); each event is a
    uow of pipeline ``publish``; one batch is ``collect(Stream.of(uows).through(sink))`` on a
    fresh event loop, as an invocation runs it. Without `compression` (a diagnostic row),
    ``compression_threshold=None``: the sink does not look for members to compress.
    """
    from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
    from lambda_stream.connectors._aws import Connections
    from lambda_stream.connectors.eventbridge import EventBridgeConnector
    from lambda_stream.core.json import JsonObject
    from lambda_stream.sinks.eventbridge import PUBLISH_RESPONSE, publish_to_event_bridge
    from lambda_stream.testing import collect

    options = resolve_options({}, bus_name=BUS, bus_source=SOURCE, parallel=parallel, region=REGION)
    if not compression:
        options = dataclasses.replace(options, compression_threshold=None)
    connections = Connections(options, endpoint_url=url)
    port = EventBridgeConnector(connections)
    sink = publish_to_event_bridge(options, port)

    def load(events: list[dict[str, Any]]) -> list[UnitOfWork]:
        return [
            UnitOfWork(
                record=JsonObject({"eventID": f"shardId-000000000000:{index}"}),
                event=Event.from_dict(event),
                pipeline="publish",
            )
            for index, event in enumerate(events)
        ]

    def publish(uows: list[UnitOfWork]) -> Outcome:
        out = collect(Stream.of(uows).through(sink))
        faults = [item for item in out if isinstance(item, Fault)]
        accepted = sum(
            1 for item in out if isinstance(item, UnitOfWork) and PUBLISH_RESPONSE in item
        )
        return Outcome(
            accepted=accepted,
            failed=len(faults),
            errors=tuple(f"{fault.name}: {fault.message}" for fault in faults[:3]),
        )

    return Publisher(load=load, publish=publish, close=connections.close, client=port.client)


# -- the PyPI port ---------------------------------------------------------------------------------


def prepare_port(url: str, parallel: int) -> Publisher:
    """aws-lambda-stream 1.4.0: its ``publish_to_event_bridge`` operator in a reactivex pipe.

    As its flavors use it (``rule['publish'](...)``, e.g. in ``cdc``): adorn the standard tags,
    ``json.dumps`` the event into an entry, ``buffer_with_count(10)``, one blocking
    ``put_events`` per batch, unbatch. It has no parallelism (`parallel` does not apply) and
    does not read ``FailedEntryCount``. Its connector takes no client from the operator (it
    builds ``boto3.client('events')`` itself), so ``Connector`` is patched, while the operator
    is built, to one holding the same client the other contenders use.
    """
    from aws_lambda_stream.connectors.eventbridge import Connector
    from aws_lambda_stream.utils import eventbridge as port_eventbridge
    from aws_lambda_stream.utils import faults as port_faults
    from reactivex import from_list

    client = events_client(url, 10)
    with mock.patch.object(port_eventbridge, "Connector", return_value=Connector(client)):
        operator = port_eventbridge.publish_to_event_bridge(bus_name=BUS, source=SOURCE)

    def load(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"pipeline": "publish", "event": event} for event in events]

    def publish(uows: list[dict[str, Any]]) -> Outcome:
        out: list[Any] = []
        errors: list[str] = []
        port_faults.the_faults.clear()
        from_list(uows).pipe(operator).subscribe(
            on_next=out.append, on_error=lambda err: errors.append(repr(err))
        )
        faults = list(port_faults.the_faults)
        port_faults.the_faults.clear()
        errors += [str(fault.get("err", {}).get("message")) for fault in faults[:3]]
        return Outcome(accepted=len(out), failed=len(faults), errors=tuple(errors))

    return Publisher(load=load, publish=publish, client=client)


@dataclass(frozen=True, slots=True)
class Spec:
    """A row of the table: `parallel` says whether P applies to it."""

    name: str
    label: str
    prepare: Callable[[str, int], Publisher]
    parallel: bool = True


PUBLISHERS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec("raw", "raw http.client, no SDK (the endpoint's floor)", prepare_raw),
        Spec("boto3", "plain boto3 loop (the limit)", prepare_boto3),
        Spec("ours", "lambda-stream publish_to_event_bridge", prepare_ours),
        Spec(
            "ours-nocompress",
            "ours, compression_threshold=None (diagnostic)",
            partial(prepare_ours, compression=False),
        ),
        Spec(
            "port",
            "aws-lambda-stream 1.4.0 (PyPI port), one call at a time",
            prepare_port,
            parallel=False,
        ),
    )
}
