"""The cyclic garbage collector during a batch.

A batch allocates hundreds of thousands of short-lived objects (decoded events, uows, their
copies); reference counting frees them, but every 700 allocations the cycle collector scans
the young ones and, now and then, the whole heap of the batch. Raising the youngest
generation's threshold for the length of a batch cut the anchor benchmark's CPU time by 20-25 %
(see docs/decisions.md). The setting is process-wide: it is restored afterwards, and left alone
when something else has already raised it (a concurrent batch, or the application).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["BATCH_GC_THRESHOLD", "batch_gc"]

BATCH_GC_THRESHOLD: Final = 50_000
"""Allocations between two collections of the youngest generation while a batch runs."""


@contextmanager
def batch_gc(threshold: int = BATCH_GC_THRESHOLD) -> Iterator[None]:
    """Run the body with the youngest generation collected every `threshold` allocations."""
    young, middle, old = gc.get_threshold()
    if not gc.isenabled() or young == 0 or young >= threshold:
        yield
        return
    gc.set_threshold(threshold, middle, old)
    try:
        yield
    finally:
        if gc.get_threshold()[0] == threshold:
            gc.set_threshold(young, middle, old)
