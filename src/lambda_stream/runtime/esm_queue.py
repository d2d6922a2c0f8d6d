"""Reading an SQS queue as Lambda does: receive a batch, delete what the function handled.

A message the function failed (it raised, or named the message in ``batchItemFailures``) is
not deleted: it comes back once its visibility timeout has passed, and the queue's redrive
policy moves it to a dead-letter queue after ``maxReceiveCount`` receives, as with Lambda.
"""

from __future__ import annotations

import logging

from lambda_stream.connectors.sqs import MAX_MESSAGES, SqsReceiverPort
from lambda_stream.core.json import JsonObject
from lambda_stream.runtime.esm_invoke import Invoke
from lambda_stream.runtime.esm_records import sqs_record
from lambda_stream.runtime.esm_source import EventSource
from lambda_stream.runtime.loop import run_fresh

__all__ = ["QueuePoller"]

_log = logging.getLogger(__name__)


class QueuePoller:
    """Receives a batch from a queue, hands it to `invoke`, and deletes the handled messages.

    Args:
        port: SQS.
        source: the queue.
        invoke: calls the function with a batch.
        batch_size: the most messages in a batch; above 10, several receives fill it.
        wait_time_s: how long a receive waits for a first message (long polling).
        visibility_timeout_s: how long a received message stays hidden; the queue's own
            setting when None.
    """

    def __init__(
        self,
        port: SqsReceiverPort,
        source: EventSource,
        *,
        invoke: Invoke,
        batch_size: int,
        wait_time_s: int,
        visibility_timeout_s: int | None,
    ) -> None:
        if source.queue_url is None:
            raise ValueError(f"{source.arn} is not a queue")
        self.port = port
        self.source = source
        self.queue_url: str = source.queue_url
        self._invoke = invoke
        self._batch_size = batch_size
        self._wait_time_s = wait_time_s
        self._visibility_timeout_s = visibility_timeout_s
        self.deleted = 0
        self.undeleted = 0

    def poll(self) -> tuple[int, bool]:
        """One batch, if the queue has messages.

        Returns:
            The messages delivered, and whether there were any.
        """
        messages = self._receive()
        if not messages:
            return 0, False
        records = [
            sqs_record(message, queue_arn=self.source.arn, region=self.source.region)
            for message in messages
        ]
        ids = [message.get_str("MessageId") or "" for message in messages]
        outcome = self._invoke(records, frozenset(ids))
        if outcome.error is not None:
            return len(messages), True  # all of them come back after the visibility timeout
        failed = set(outcome.failed_items)
        handled = [
            JsonObject({"Id": str(index), "ReceiptHandle": message.get_str("ReceiptHandle")})
            for index, (message, message_id) in enumerate(zip(messages, ids, strict=True))
            if message_id not in failed
        ]
        self._delete(handled)
        return len(messages), True

    def _receive(self) -> list[JsonObject]:
        messages: list[JsonObject] = []
        wait = self._wait_time_s
        while len(messages) < self._batch_size:
            wanted = min(MAX_MESSAGES, self._batch_size - len(messages))
            received = run_fresh(
                self.port.receive_message(
                    queue_url=self.queue_url,
                    max_messages=wanted,
                    wait_time_s=wait,
                    visibility_timeout_s=self._visibility_timeout_s,
                )
            )
            messages.extend(received)
            if len(received) < wanted:
                break
            wait = 0  # the batch has begun: fill it with what is there, without waiting
        return messages

    def _delete(self, entries: list[JsonObject]) -> None:
        for start in range(0, len(entries), MAX_MESSAGES):
            chunk = entries[start : start + MAX_MESSAGES]
            outcome = run_fresh(self.port.delete_message_batch(chunk, queue_url=self.queue_url))
            self.deleted += len(chunk) - outcome.failed_count
            if outcome.failed_count:
                # The message comes back after its visibility timeout and is handled again:
                # at-least-once, as with Lambda.
                self.undeleted += outcome.failed_count
                failures = [r.error_code for r in outcome.results if r.failed]
                _log.warning("%s message(s) not deleted: %s", outcome.failed_count, failures)
