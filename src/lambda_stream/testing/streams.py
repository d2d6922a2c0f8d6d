"""Running streams from synchronous test code."""

from __future__ import annotations

from typing import TypeVar

from lambda_stream.core.fault import Fault
from lambda_stream.runtime.loop import run_fresh
from lambda_stream.stream import Stream

__all__ = ["collect"]

T = TypeVar("T")


def collect(stream: Stream[T]) -> list[T | Fault]:
    """Drain `stream` on a fresh event loop; every element, values and faults, in order.

    >>> collect(Stream.of([1, 2, 3]).map(lambda n: n * 2))
    [2, 4, 6]
    """
    return run_fresh(stream.collect())
