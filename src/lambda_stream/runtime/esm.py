"""A local event-source mapping: Lambda's poller for a stream or a queue, on this machine.

It reads a DynamoDB stream, a Kinesis stream or an SQS queue at any endpoint (moto server, a
real account) through the connector ports (in-memory fakes work too), hands the handler
events shaped exactly like Lambda's, and follows Lambda's rules: batches of at most
``batch_size`` records of one shard, in order, parents before children; a failed batch retried
from its first record, then given to the on-failure destination; ``batchItemFailures``
honoured (streams resume at the lowest failed sequence number, failed SQS messages stay in the
queue); handled SQS messages deleted.

Differences from Lambda: it polls every ``poll_interval_s`` instead of about four times a
second, and retries a failed batch on the next poll (`drain` at once, the background thread
after ``poll_interval_s``), without Lambda's backoff; it has no batching
window, parallelization factor, bisecting on error, maximum record age, tumbling windows or
event filtering; ``max_retry_attempts`` defaults to 2, not Lambda's -1 (forever), so that a
handler that keeps failing cannot stall `drain`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Literal, Self, TypeAlias, TypeVar

from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.dynamodbstreams import DynamoDBStreamsConnector, DynamoDBStreamsPort
from lambda_stream.connectors.kinesis import KinesisConnector, KinesisReaderPort
from lambda_stream.connectors.sqs import SqsConnector, SqsReceiverPort
from lambda_stream.core.options import resolve_options
from lambda_stream.runtime.esm_failures import FailedBatch, OnFailure
from lambda_stream.runtime.esm_invoke import Handler, LocalLambdaContext, Outcome, call_handler
from lambda_stream.runtime.esm_queue import QueuePoller
from lambda_stream.runtime.esm_readers import DynamoDBShards, KinesisShards
from lambda_stream.runtime.esm_shards import StreamPoller
from lambda_stream.runtime.esm_source import EventSource, event_source

__all__ = ["EsmStats", "LocalEventSourceMapping", "StartingPosition"]

_log = logging.getLogger(__name__)

StartingPosition: TypeAlias = Literal["TRIM_HORIZON", "LATEST"]
"""Where a stream mapping starts: its oldest records, or those written after it starts."""

C = TypeVar("C", DynamoDBStreamsConnector, KinesisConnector, SqsConnector)

_MAX_BATCH: Final = 10_000
# Calls wait for moto on a loaded machine, and for SQS's long polls: a generous timeout.
_TIMEOUT_MS: Final = 30_000
# When the poll thread does not end within this time, stop() says so.
_JOIN_S: Final = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class EsmStats:
    """What a mapping has done.

    Attributes:
        invocations: handler calls.
        records: records handed to the handler, retried ones included.
        failures: invocations that raised or reported failed items.
        given_up: stream batches given to the on-failure destination after their retries.
        deleted: SQS messages deleted once handled.
        errors: background polls that failed (reading the source, the on-failure destination).
    """

    invocations: int = 0
    records: int = 0
    failures: int = 0
    given_up: int = 0
    deleted: int = 0
    errors: int = 0


class LocalEventSourceMapping:
    """Polls a stream or a queue and invokes `handler` with Lambda-shaped batches.

    Poll by hand with `poll_once` or `drain`, or in a background thread with `start` and
    `stop` (a ``with`` block stops it). `stats` counts what happened.

    Args:
        source: a DynamoDB stream ARN, a Kinesis stream ARN, or an SQS queue ARN or URL.
        handler: the function, called as ``handler(event, context)``.
        endpoint_url: where the services are called instead of AWS (a moto server, a proxy).
        batch_size: the most records in a batch: 100 for streams, 10 for queues by default.
        starting_position: ``TRIM_HORIZON`` or ``LATEST`` (streams).
        max_retry_attempts: retries of a failed stream batch before it goes to `on_failure`;
            -1 retries it until it succeeds, as Lambda's default does.
        report_batch_item_failures: read ``batchItemFailures`` in the handler's answer
            (``FunctionResponseTypes: [ReportBatchItemFailures]``).
        on_failure: called with each stream batch the mapping gives up on (`send_to_queue`
            and `send_to_bus` send Lambda's record); logged when None.
        poll_interval_s: the pause of the background thread after a poll that found nothing.
        wait_time_s: how long an SQS receive waits for a message (0 to 20 s).
        visibility_timeout_s: how long a received SQS message stays hidden (the queue's own
            setting when None); a failed message comes back after it.
        function_name: the function's name in the context and the failure records.
        timeout_s: the invocation timeout the context counts down.
        region: the region of a queue URL that does not say (a local endpoint's).
        connections: what the connectors built here use; their own when None.
        dynamodbstreams: the DynamoDB Streams port to read with (a connector when None).
        kinesis: the Kinesis port to read with (a connector when None).
        sqs: the SQS port to receive with (a connector when None).

    Raises:
        ValueError: the source or a setting is not one Lambda accepts.
    """

    def __init__(
        self,
        source: str,
        handler: Handler,
        *,
        endpoint_url: str | None = None,
        batch_size: int | None = None,
        starting_position: StartingPosition = "TRIM_HORIZON",
        max_retry_attempts: int = 2,
        report_batch_item_failures: bool = True,
        on_failure: OnFailure | None = None,
        poll_interval_s: float = 0.1,
        wait_time_s: int = 0,
        visibility_timeout_s: int | None = None,
        function_name: str = "local-esm",
        timeout_s: float = 900.0,
        region: str | None = None,
        connections: Connections | None = None,
        dynamodbstreams: DynamoDBStreamsPort | None = None,
        kinesis: KinesisReaderPort | None = None,
        sqs: SqsReceiverPort | None = None,
    ) -> None:
        self.source: EventSource = event_source(source, endpoint_url=endpoint_url, region=region)
        default_size = 10 if self.source.kind == "sqs" else 100
        size = default_size if batch_size is None else batch_size
        if not 1 <= size <= _MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {_MAX_BATCH}, got {size}")
        if max_retry_attempts < -1:
            raise ValueError(f"max_retry_attempts must be -1 or more, got {max_retry_attempts}")
        if starting_position not in ("TRIM_HORIZON", "LATEST"):
            raise ValueError(
                f"starting_position must be TRIM_HORIZON or LATEST, got {starting_position!r}"
            )
        self.handler = handler
        self.batch_size = size
        self.on_failure = on_failure
        self.poll_interval_s = poll_interval_s
        self.report_batch_item_failures = report_batch_item_failures
        self.function_name = function_name
        self.timeout_s = timeout_s
        self.function_arn = (
            f"arn:aws:lambda:{self.source.region}:{self.source.account}:function:{function_name}"
        )
        self.last_error: BaseException | None = None
        self._endpoint_url = endpoint_url
        self._connections = connections
        self._owns_connections = connections is None
        self._closers: list[Callable[[], None]] = []  # of the clients built here, for stop()
        self._counts = dict.fromkeys(
            ("invocations", "records", "failures", "given_up", "errors"), 0
        )
        self._counts_lock = threading.Lock()
        self._poll_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._poller: StreamPoller | QueuePoller
        if self.source.kind == "sqs":
            self._poller = QueuePoller(
                sqs or self._built(SqsConnector),
                self.source,
                invoke=self._invoke,
                batch_size=size,
                wait_time_s=wait_time_s,
                visibility_timeout_s=visibility_timeout_s,
            )
        else:
            reader: DynamoDBShards | KinesisShards = (
                DynamoDBShards(
                    dynamodbstreams or self._built(DynamoDBStreamsConnector), self.source
                )
                if self.source.kind == "dynamodb"
                else KinesisShards(kinesis or self._built(KinesisConnector), self.source)
            )
            self._poller = StreamPoller(
                reader,
                invoke=self._invoke,
                give_up=self._give_up,
                function_arn=self.function_arn,
                batch_size=size,
                starting_position=starting_position,
                max_retry_attempts=max_retry_attempts,
            )

    @property
    def stats(self) -> EsmStats:
        """What the mapping has done so far."""
        with self._counts_lock:
            counts = dict(self._counts)
        deleted = self._poller.deleted if isinstance(self._poller, QueuePoller) else 0
        return EsmStats(deleted=deleted, **counts)

    @property
    def running(self) -> bool:
        """Whether the background thread is polling."""
        return self._thread is not None and self._thread.is_alive()

    def poll_once(self) -> int:
        """One poll: a batch from every ready shard, or one from the queue.

        Returns:
            How many records were handed to the handler (retried ones included).

        Raises:
            Exception: reading the source failed (after the SDK's own retries), or the
                on-failure destination raised; the batch stays where it was.
        """
        return self._poll()[0]

    def drain(
        self,
        *,
        timeout_s: float | None = None,
        on_poll: Callable[[EsmStats], None] | None = None,
    ) -> int:
        """Poll until a poll finds nothing to do; the records handed to the handler.

        Args:
            timeout_s: give up after this many seconds.
            on_poll: called with the `stats` after each poll (a progress display).

        Raises:
            TimeoutError: it was still busy after `timeout_s` seconds.
            Exception: what a poll raised (the source cannot be read), counted in the
                ``errors`` of `stats` and kept as `last_error` first.
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        total = 0
        while True:
            try:
                delivered, busy = self._poll()
            except Exception as error:
                self._poll_failed(error)
                raise
            total += delivered
            if on_poll is not None:
                on_poll(self.stats)
            if not busy:
                return total
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{self.source.arn} was still busy after {timeout_s} s")

    def start(self) -> Self:
        """Poll in a background thread until `stop`."""
        if not self.running:
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._run, name=f"local-esm-{self.source.name}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the background thread after its current poll, and release the connections.

        The clients and thread pool built here are closed (a later poll opens them again);
        ports and connections given to the mapping are left to their owner.

        Raises:
            RuntimeError: the poll thread did not end (a handler still running after a minute).
        """
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(_JOIN_S)
            if thread.is_alive():
                raise RuntimeError(f"the poller of {self.source.arn} did not stop")
        for close in self._closers:
            close()
        if self._owns_connections and self._connections is not None:
            self._connections.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stopping.is_set():
            failures = self.stats.failures
            try:
                # A failed batch is retried after a pause, not at once: Lambda backs off too.
                busy = self._poll()[1] and self.stats.failures == failures
            except Exception as error:  # the thread keeps polling, as Lambda's poller does
                self._poll_failed(error)
                busy = False
            if not busy:
                self._stopping.wait(self.poll_interval_s)

    def _poll_failed(self, error: Exception) -> None:
        self._count("errors")
        self.last_error = error
        _log.warning("polling %s failed: %s: %s", self.source.arn, type(error).__name__, error)

    def _poll(self) -> tuple[int, bool]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "the mapping calls the handler synchronously: poll from a thread without an "
                "event loop (await asyncio.to_thread(mapping.poll_once)), or start() it"
            )
        with self._poll_lock:
            return self._poller.poll()

    def _invoke(self, records: list[dict[str, object]], identifiers: frozenset[str]) -> Outcome:
        context = LocalLambdaContext(
            function_name=self.function_name,
            invoked_function_arn=self.function_arn,
            timeout_s=self.timeout_s,
        )
        outcome = call_handler(
            self.handler,
            records,
            context,
            identifiers=identifiers,
            report_batch_item_failures=self.report_batch_item_failures,
        )
        with self._counts_lock:
            self._counts["invocations"] += 1
            self._counts["records"] += len(records)
            self._counts["failures"] += not outcome.succeeded
        if outcome.error is not None:
            self.last_error = outcome.error
            _log.warning(
                "the handler failed a batch of %s: %s: %s",
                len(records),
                type(outcome.error).__name__,
                outcome.error,
            )
        return outcome

    def _give_up(self, batch: FailedBatch) -> None:
        if self.on_failure is None:
            _log.warning(
                "gave up on %s records of %s (%s to %s) after %s attempts",
                batch.batch_size,
                batch.shard_id,
                batch.start_sequence_number,
                batch.end_sequence_number,
                batch.attempts,
            )
        else:
            self.on_failure(batch)
        self._count("given_up")

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1

    def _built(self, connector: type[C]) -> C:
        if self._connections is None:
            options = resolve_options(region=self.source.region, timeout_ms=_TIMEOUT_MS)
            self._connections = Connections(options, threads=2, endpoint_url=self._endpoint_url)
        built = connector(self._connections)
        self._closers.append(built.client.close)
        return built
