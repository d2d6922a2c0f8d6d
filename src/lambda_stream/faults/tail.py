"""The fault tail: faults gathered over one invocation, published once the batch has drained."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from lambda_stream.core.errors import InvocationError
from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.options import Options
from lambda_stream.faults.event import fault_event
from lambda_stream.faults.publisher import FaultPublisher

__all__ = ["FaultPublishError", "FaultTail"]

_log = logging.getLogger("lambda_stream.faults")


class FaultPublishError(InvocationError):
    """Fault events could not be published; the invocation must fail so nothing is lost."""


class FaultTail:
    """Gathers the faults of one invocation (never shared between invocations)."""

    def __init__(self, options: Options, clock: Callable[[], int] | None = None) -> None:
        self._options = options
        self._clock = clock or (lambda: time.time_ns() // 1_000_000)
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Take `fault` (a batch fault counts once per member)."""
        for single in fault.expand():
            self._faults.append(single)
            _log.warning(
                "fault in pipeline %s: %s: %s%s",
                single.pipeline or "-",
                single.name,
                single.message,
                " (retryable)" if single.retryable else "",
            )

    @property
    def faults(self) -> tuple[Fault, ...]:
        """Every fault taken so far."""
        return tuple(self._faults)

    @property
    def retryable(self) -> tuple[Fault, ...]:
        """The faults whose records are to be retried rather than published."""
        return tuple(fault for fault in self._faults if fault.retryable)

    async def flush(
        self, publisher: FaultPublisher | None, hold: Callable[[Fault], bool] = lambda _: False
    ) -> tuple[Event, ...]:
        """Publish a fault event per non-retryable fault that `hold` does not keep back.

        A fault is held back when its record will be delivered again: the retry makes the same
        fault again, and publishing it now would publish it twice. Returns the events published.

        Raises:
            FaultPublishError: publishing failed, or there are faults and no publisher.
        """
        now = self._clock()
        events = tuple(
            fault_event(fault, self._options, now_ms=now)
            for fault in self._faults
            if not fault.retryable and not hold(fault)
        )
        if not events:
            return events
        if publisher is None:
            raise FaultPublishError(
                f"{len(events)} fault event(s) and no fault publisher: pass publisher= to "
                "initialize() so faults are not lost"
            )
        try:
            await publisher.publish_faults(events)
        except Exception as error:
            raise FaultPublishError(
                f"publishing {len(events)} fault event(s) failed: {type(error).__name__}: {error}"
            ) from error
        return events
