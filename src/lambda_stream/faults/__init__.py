"""Faults: fault events, the per-invocation tail that publishes them, the publisher port."""

from lambda_stream.faults.event import FAULT_COMPRESSION_IGNORE, FAULT_EVENT_TYPE, fault_event
from lambda_stream.faults.publisher import FaultPublisher, InMemoryFaultPublisher
from lambda_stream.faults.tail import FaultPublishError, FaultTail

__all__ = [
    "FAULT_COMPRESSION_IGNORE",
    "FAULT_EVENT_TYPE",
    "FaultPublishError",
    "FaultPublisher",
    "FaultTail",
    "InMemoryFaultPublisher",
    "fault_event",
]
