"""The fault tail: gathers one invocation's faults and publishes them, or fails loudly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from lambda_stream import (
    Event,
    Fault,
    JsonObject,
    RetryableError,
    UnitOfWork,
    freeze,
    resolve_options,
)
from lambda_stream.faults import FaultPublishError, FaultTail, InMemoryFaultPublisher


class BrokenPublisher:
    async def publish_faults(self, events: Sequence[Event]) -> None:
        raise ConnectionError("bus unreachable")


def _uow(n: int, pipeline: str | None = "p1") -> UnitOfWork:
    event = Event(id=f"e{n}", type="thing-created")
    return UnitOfWork(record=freeze({"eventID": f"r{n}"}), event=event, pipeline=pipeline)


def _fault(n: int, error: Exception | None = None) -> Fault:
    return Fault.of(error or ValueError(f"bad {n}"), _uow(n))


def _failed_event_id(fault_event: Event) -> object:
    uow = fault_event.get("uow")
    assert isinstance(uow, JsonObject)
    return uow.get_object("event").get("id")


def _tail() -> FaultTail:
    return FaultTail(resolve_options({}), clock=lambda: 1700000000000)


def _flush(
    tail: FaultTail, publisher: InMemoryFaultPublisher | BrokenPublisher | None
) -> tuple[Event, ...]:
    return asyncio.run(tail.flush(publisher))


def test_faults_are_kept_in_the_order_they_came() -> None:
    tail = _tail()
    first, second = _fault(1), _fault(2)
    tail.add(first)
    tail.add(second)
    assert tail.faults == (first, second)


def test_a_batch_fault_counts_once_per_member() -> None:
    batch = _uow(0).with_batch((_uow(1), _uow(2), _uow(3)))
    tail = _tail()
    tail.add(Fault.of(ValueError("batch failed"), batch))
    assert [fault.uows for fault in tail.faults] == [(_uow(1),), (_uow(2),), (_uow(3),)]


def test_retryable_lists_only_the_retryable_faults() -> None:
    tail = _tail()
    retry = _fault(2, RetryableError("throttled"))
    tail.add(_fault(1))
    tail.add(retry)
    assert tail.retryable == (retry,)


def test_flush_publishes_one_event_per_non_retryable_fault() -> None:
    tail = _tail()
    for n in (1, 2):
        tail.add(_fault(n))
    tail.add(_fault(3, RetryableError("throttled")))
    publisher = InMemoryFaultPublisher()
    _flush(tail, publisher)
    assert [_failed_event_id(event) for event in publisher.events] == ["e1", "e2"]


def test_flush_returns_the_events_it_published() -> None:
    tail = _tail()
    tail.add(_fault(1))
    publisher = InMemoryFaultPublisher()
    assert list(_flush(tail, publisher)) == publisher.events


def test_fault_events_are_stamped_by_the_tail_clock() -> None:
    tail = _tail()
    tail.add(_fault(1))
    assert [event.timestamp for event in _flush(tail, InMemoryFaultPublisher())] == [1700000000000]


def test_flush_without_faults_publishes_nothing() -> None:
    publisher = InMemoryFaultPublisher()
    assert (_flush(_tail(), publisher), publisher.events) == ((), [])


def test_flush_without_faults_needs_no_publisher() -> None:
    assert _flush(_tail(), None) == ()


def test_only_retryable_faults_need_no_publisher() -> None:
    tail = _tail()
    tail.add(_fault(1, RetryableError("throttled")))
    assert _flush(tail, None) == ()


def test_a_fault_without_a_publisher_raises() -> None:
    tail = _tail()
    tail.add(_fault(1))
    with pytest.raises(FaultPublishError, match="no fault publisher"):
        _flush(tail, None)


def test_a_failing_publisher_raises_fault_publish_error() -> None:
    tail = _tail()
    tail.add(_fault(1))
    with pytest.raises(FaultPublishError, match="ConnectionError: bus unreachable"):
        _flush(tail, BrokenPublisher())


def test_a_publish_failure_keeps_its_cause() -> None:
    tail = _tail()
    tail.add(_fault(1))
    with pytest.raises(FaultPublishError) as raised:
        _flush(tail, BrokenPublisher())
    assert isinstance(raised.value.__cause__, ConnectionError)


def test_two_tails_share_nothing() -> None:
    first, second = _tail(), _tail()
    first.add(_fault(1))
    assert second.faults == ()


def test_each_fault_is_logged_with_its_pipeline(caplog: pytest.LogCaptureFixture) -> None:
    tail = _tail()
    with caplog.at_level(logging.WARNING, logger="lambda_stream.faults"):
        tail.add(_fault(1))
    assert [record.getMessage() for record in caplog.records] == [
        "fault in pipeline p1: ValueError: bad 1"
    ]


def test_a_retryable_fault_is_logged_as_retryable(caplog: pytest.LogCaptureFixture) -> None:
    tail = _tail()
    with caplog.at_level(logging.WARNING, logger="lambda_stream.faults"):
        tail.add(_fault(1, RetryableError("throttled")))
    assert caplog.records[0].getMessage().endswith("(retryable)")
