"""Reading a stream as Lambda does: per shard in order, parents before children, with retries.

Each shard is read into a buffer of records not yet handled; a batch is the head of the buffer,
so a failed batch is delivered again from its first record without reading it again. After a
partial failure the shard resumes at the lowest failed sequence number (compared as integers:
moto numbers its Kinesis records ``"1"``, ``"2"``, ... ``"10"``). A batch that still fails after
its retries goes to the on-failure callback, and the shard moves on past it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import Final

from lambda_stream.connectors._entries import error_code
from lambda_stream.connectors.shards import IteratorType, Shard
from lambda_stream.core.json import JsonObject, _adopt_object
from lambda_stream.runtime.esm_failures import FailedBatch
from lambda_stream.runtime.esm_invoke import Invoke, Outcome
from lambda_stream.runtime.esm_readers import ShardReader
from lambda_stream.runtime.loop import run_fresh

__all__ = ["StreamPoller"]

_MAX_PAGES: Final = 5
"""GetRecords calls per shard and poll at most: a Kinesis shard can answer empty pages while
it is still behind its tip."""


@dataclass(frozen=True, slots=True)
class _Item:
    position: int  # the sequence number as an integer
    sequence: str
    record: JsonObject  # as GetRecords returned it


@dataclass(slots=True)
class _ShardState:
    shard: Shard
    start: IteratorType
    iterator: str | None = None
    ended: bool = False  # a closed shard read to its end
    fetched: str | None = None  # the last sequence number read
    attempts: int = 0  # failed invocations of the batch at the head of the buffer
    buffer: deque[_Item] = field(default_factory=deque)

    @property
    def done(self) -> bool:
        return self.ended and not self.buffer


class StreamPoller:
    """Polls every shard of a stream, handing batches to `invoke`.

    Args:
        reader: the stream.
        invoke: calls the function with a batch.
        give_up: called with each batch whose retries ran out, before the shard moves past it.
        function_arn: the function's ARN, for the failure records.
        batch_size: the most records in a batch.
        starting_position: where the shards listed first are read from (``TRIM_HORIZON`` or
            ``LATEST``); shards that appear later are read from their start.
        max_retry_attempts: retries of a failed batch; -1 retries until it succeeds.
    """

    def __init__(
        self,
        reader: ShardReader,
        *,
        invoke: Invoke,
        give_up: Callable[[FailedBatch], None],
        function_arn: str,
        batch_size: int,
        starting_position: IteratorType,
        max_retry_attempts: int,
    ) -> None:
        self.reader = reader
        self._invoke = invoke
        self._give_up = give_up
        self._function_arn = function_arn
        self._batch_size = batch_size
        self._starting_position = starting_position
        self._max_retries = max_retry_attempts
        self._states: dict[str, _ShardState] = {}
        self._listed = False
        self._stale = True

    def poll(self) -> tuple[int, bool]:
        """One batch from every shard that is ready.

        Returns:
            The records delivered, and whether anything happened (a batch, a shard read to its
            end, new shards).
        """
        busy = self._list() if self._stale else False
        delivered = 0
        for state in list(self._states.values()):
            if state.done or not self._ready(state):
                continue
            count, finished = self._poll_shard(state)
            delivered += count
            if finished:  # its children may be listed now
                self._stale = True
            busy = busy or finished or count > 0
        return delivered, busy

    def _list(self) -> bool:
        first = not self._listed
        new = False
        for shard in run_fresh(self.reader.shards()):
            state = self._states.get(shard.shard_id)
            if state is not None:
                state.shard = shard
                continue
            start = self._starting_position if first else "TRIM_HORIZON"
            state = self._states[shard.shard_id] = _ShardState(shard=shard, start=start)
            if start == "LATEST":  # the tip now, not when the shard's turn comes
                state.iterator = run_fresh(self.reader.iterator(shard.shard_id, start, None))
            new = True
        self._listed, self._stale = True, False
        return new

    def _ready(self, state: _ShardState) -> bool:
        return all(
            parent not in self._states or self._states[parent].done
            for parent in state.shard.parents
        )

    def _poll_shard(self, state: _ShardState) -> tuple[int, bool]:
        self._fill(state)
        if not state.buffer:
            return 0, state.ended
        batch = list(islice(state.buffer, self._batch_size))
        shard_id = state.shard.shard_id
        outcome = self._invoke(
            [self.reader.to_lambda(item.record, shard_id) for item in batch],
            frozenset(item.sequence for item in batch),
        )
        self._settle(state, batch, outcome)
        return len(batch), state.ended and not state.buffer

    def _fill(self, state: _ShardState) -> None:
        for _ in range(_MAX_PAGES):
            if len(state.buffer) >= self._batch_size or state.ended:
                return
            if state.iterator is None:
                state.iterator = self._acquire(state)
            try:
                page = run_fresh(self.reader.records(state.iterator, self._batch_size))
            except Exception as error:
                if error_code(error) != "ExpiredIteratorException":
                    raise
                state.iterator = None  # taken again after the last record read
                continue
            for record in page.records:
                sequence = self.reader.sequence(record)
                state.buffer.append(_Item(int(sequence), sequence, record))
                state.fetched = sequence
            state.iterator = page.next_iterator
            state.ended = page.next_iterator is None
            if not page.records and not page.millis_behind_latest:
                return  # at the tip

    def _acquire(self, state: _ShardState) -> str:
        shard_id = state.shard.shard_id
        if state.fetched is not None:
            return run_fresh(self.reader.iterator(shard_id, "AFTER_SEQUENCE_NUMBER", state.fetched))
        return run_fresh(self.reader.iterator(shard_id, state.start, None))

    def _settle(self, state: _ShardState, batch: list[_Item], outcome: Outcome) -> None:
        if outcome.succeeded:
            _drop(state, len(batch))
            state.attempts = 0
            return
        remaining = batch
        if outcome.error is None:  # resume at the lowest failed record
            lowest = min(int(identifier) for identifier in outcome.failed_items)
            handled = sum(item.position < lowest for item in batch)
            _drop(state, handled)
            remaining = batch[handled:]
            state.attempts = 1 if handled else state.attempts + 1
        else:
            state.attempts += 1
        if 0 <= self._max_retries < state.attempts:
            self._give_up(self._failed(state, remaining, outcome))
            _drop(state, len(remaining))
            state.attempts = 0

    def _failed(self, state: _ShardState, batch: list[_Item], outcome: Outcome) -> FailedBatch:
        shard_id = state.shard.shard_id
        return FailedBatch(
            kind=self.reader.kind,
            source_arn=self.reader.source.arn,
            function_arn=self._function_arn,
            shard_id=shard_id,
            start_sequence_number=batch[0].sequence,
            end_sequence_number=batch[-1].sequence,
            batch_size=len(batch),
            attempts=state.attempts,
            error=outcome.error,
            records=tuple(
                _adopt_object(self.reader.to_lambda(item.record, shard_id)) for item in batch
            ),
            first_arrival=self.reader.arrival(batch[0].record),
            last_arrival=self.reader.arrival(batch[-1].record),
        )


def _drop(state: _ShardState, count: int) -> None:
    for _ in range(count):
        state.buffer.popleft()
