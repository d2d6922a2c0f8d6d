"""``lambda-stream poll``: attach a handler to a stream or a queue through the local mapping.

For development against moto server or a real account: the handler runs on this machine, fed
by `LocalEventSourceMapping` exactly as Lambda would feed it, with a progress line while it
runs and a summary table at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

import botocore.session
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from lambda_stream.core.context import LambdaContext
from lambda_stream.runtime.esm import EsmStats, LocalEventSourceMapping
from lambda_stream.runtime.esm_failures import FailedBatch
from lambda_stream.runtime.handler import Invocation, observing
from lambda_stream.runtime.progress import Progress
from lambda_stream.runtime.report import format_table

__all__ = ["Tally", "add_poll_command", "explain", "local_credentials", "poll", "summary"]

Loader = Callable[[str], Callable[..., object]]
"""Finds the handler named ``MODULE:FUNCTION``."""

_TICK_S = 0.2


class Tally:
    """What the library's pipelines did over every invocation (when the handler uses them)."""

    def __init__(self) -> None:
        self.uows: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.fault_events = 0
        self._lock = threading.Lock()  # invocations run on the poll thread

    def add(self, invocation: Invocation) -> None:
        """Count what `invocation` came to."""
        with self._lock:
            self.uows.update({name: len(uows) for name, uows in invocation.by_pipeline().items()})
            self.faults.update(fault.pipeline or "(decoding)" for fault in invocation.faults)
            self.fault_events += len(invocation.fault_events)


def poll(args: argparse.Namespace, *, load: Loader) -> int:
    """``lambda-stream poll MODULE:HANDLER --source ARN_OR_QUEUE_URL ...``.

    Returns:
        0, or 1 when batches were given up on or polls failed.
    """
    handler = load(args.handler)
    tally = Tally()
    progress = Progress()
    if local_credentials(args.endpoint_url):
        progress.note(
            "no AWS credentials are set: signing with placeholders (a local server takes any)"
        )

    def observed(event: dict[str, object], context: LambdaContext) -> object:
        try:
            with observing(tally.add):
                return handler(event, context)
        except Exception as error:
            progress.note(f"the handler raised: {type(error).__name__}: {error}")
            raise

    def gave_up(batch: FailedBatch) -> None:
        error = f"{type(batch.error).__name__}: {batch.error}" if batch.error else "failed items"
        progress.note(
            f"gave up on {batch.batch_size} record(s) of {batch.shard_id} "
            f"({batch.start_sequence_number} to {batch.end_sequence_number}) "
            f"after {batch.attempts} attempt(s): {error}"
        )

    mapping = LocalEventSourceMapping(
        args.source,
        observed,
        endpoint_url=args.endpoint_url,
        batch_size=args.batch_size,
        starting_position=args.starting_position,
        max_retry_attempts=args.max_retries,
        on_failure=gave_up,
        wait_time_s=args.wait_time,
        poll_interval_s=args.poll_interval,
        function_name=args.function_name,
    )
    # Failures are noted on the progress display instead of logged over it.
    logging.getLogger(LocalEventSourceMapping.__module__).setLevel(logging.ERROR)
    started = time.monotonic()
    stopped = False
    try:
        if args.drain:
            mapping.drain(on_poll=lambda stats: progress.update(_line(stats, started)))
        else:
            _watch(mapping, progress, started, args.duration)
    except KeyboardInterrupt:
        progress.note("interrupted")
    except (BotoCoreError, ClientError):  # the source cannot be read: the summary says why
        stopped = True
    finally:
        mapping.stop()
    stats = mapping.stats
    progress.finish(_line(stats, started))
    print(summary(mapping, stats, tally, time.monotonic() - started, args.endpoint_url))
    return 1 if stopped or stats.given_up or stats.errors else 0


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def local_credentials(endpoint_url: str | None) -> bool:
    """Set placeholder credentials for a local endpoint when none are configured.

    A server on this machine (moto server, a proxy in front of it) accepts any credentials,
    but botocore signs nothing without some. Credentials found anywhere (the environment, a
    profile, ...) are left alone, and nothing is done for AWS itself.

    Returns:
        Whether placeholders were set (in this process's environment, so the handler's own
        clients get them too).
    """
    if endpoint_url is None or urlsplit(endpoint_url).hostname not in _LOOPBACK:
        return False
    if botocore.session.get_session().get_credentials() is not None:
        return False
    os.environ["AWS_ACCESS_KEY_ID"] = "local"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "local"
    return True


def explain(error: BaseException, endpoint_url: str | None = None) -> str:
    """`error` in a line, with what to do about it when that is known."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return f"{text} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    if isinstance(error, NoRegionError):
        return f"{text} (set AWS_REGION, or give a queue URL or an ARN, which name theirs)"
    if isinstance(error, EndpointConnectionError):
        where = endpoint_url or "AWS"
        return f"{text} (is {where} up, and the --endpoint-url right?)"
    return text


def _watch(
    mapping: LocalEventSourceMapping, progress: Progress, started: float, duration: float | None
) -> None:
    """Poll in the background for `duration` seconds (until interrupted when None)."""
    mapping.start()
    deadline = None if duration is None else started + duration
    while deadline is None or time.monotonic() < deadline:
        time.sleep(
            _TICK_S if deadline is None else max(0.0, min(_TICK_S, deadline - time.monotonic()))
        )
        progress.update(_line(mapping.stats, started))


def _line(stats: EsmStats, started: float) -> str:
    return (
        f"{time.monotonic() - started:6.1f} s  {stats.invocations} invocation(s), "
        f"{stats.records} record(s), {stats.failures} failed"
    )


def summary(
    mapping: LocalEventSourceMapping,
    stats: EsmStats,
    tally: Tally,
    elapsed: float,
    endpoint_url: str | None = None,
) -> str:
    """The tables at the end: the mapping's counts, then per pipeline uows out and faults."""
    queue = mapping.source.kind == "sqs"
    headers = ["invocations", "records", "failed invocations"]
    row = [stats.invocations, stats.records, stats.failures]
    headers.append("messages deleted" if queue else "batches given up")
    row.append(stats.deleted if queue else stats.given_up)
    headers.append("poll errors")
    row.append(stats.errors)
    lines = [
        f"polled {mapping.source.arn} for {elapsed:.2f} s",
        format_table(headers, [[str(value) for value in row]]),
    ]
    pipelines = sorted(set(tally.uows) | set(tally.faults))
    if pipelines:
        rows = [[name, str(tally.uows[name]), str(tally.faults[name])] for name in pipelines]
        rows.append(["total", str(tally.uows.total()), str(tally.faults.total())])
        lines.append(format_table(["pipeline", "uows out", "faults"], rows))
        lines.append(f"{tally.fault_events} fault event(s) published")
    if mapping.last_error is not None:
        lines.append(f"last error: {explain(mapping.last_error, endpoint_url)}")
    return "\n".join(lines)


def add_poll_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], *, load: Loader
) -> None:
    """Add ``poll`` to the subcommands of ``lambda-stream``."""
    command = commands.add_parser(
        "poll",
        help="feed a handler from a stream or queue, as Lambda's event-source mapping would",
        description=(
            "Poll a DynamoDB stream, a Kinesis stream or an SQS queue (at --endpoint-url, e.g. "
            "moto server, or in the account of your credentials) and invoke the handler with "
            "Lambda-shaped batches: retries, batchItemFailures, SQS deletes."
        ),
    )
    command.add_argument("handler", help="MODULE:FUNCTION, e.g. handler:handler")
    command.add_argument(
        "--source", required=True, help="a stream ARN, a queue ARN, or a queue URL"
    )
    command.add_argument("--endpoint-url", help="call this endpoint instead of AWS")
    command.add_argument(
        "--batch-size", type=int, help="records per batch (default: 100 for streams, 10 for SQS)"
    )
    command.add_argument(
        "--starting-position",
        choices=("TRIM_HORIZON", "LATEST"),
        default="TRIM_HORIZON",
        help="where a stream is read from (default: TRIM_HORIZON)",
    )
    command.add_argument(
        "--max-retries",
        type=int,
        default=2,
        help="retries of a failed stream batch before giving up on it; -1 forever (default: 2)",
    )
    command.add_argument(
        "--wait-time", type=int, default=1, help="SQS long-poll seconds, 0 to 20 (default: 1)"
    )
    command.add_argument(
        "--poll-interval", type=float, default=0.2, help="seconds between idle polls (default: 0.2)"
    )
    command.add_argument(
        "--function-name", default="local-esm", help="the function name the context carries"
    )
    until = command.add_mutually_exclusive_group()
    until.add_argument(
        "--drain", action="store_true", help="stop once the source has nothing more to deliver"
    )
    until.add_argument("--duration", type=float, help="stop after this many seconds")
    command.set_defaults(action=partial(poll, load=load))
