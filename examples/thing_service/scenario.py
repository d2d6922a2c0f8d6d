"""What the demo writes: a few hundred things, created, updated, soft-deleted, and one poison."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Change = Literal["create", "update", "delete"]

POISON = "thing-poison"
"""The id of the one thing the trigger cannot turn into an event."""


@dataclass(frozen=True, slots=True)
class Write:
    """One write to the entities table."""

    change: Change
    thing_id: str
    name: str
    status: str
    timestamp: int


def scenario(things: int = 200, *, seed: int = 7, start_ms: int = 1_700_000_000_000) -> list[Write]:
    """Creates of every thing, then updates and soft deletes of some, in time order.

    Every write has a later timestamp than the one before it; one thing (`POISON`) is created
    with a status the trigger refuses, so that exactly one fault event is expected.
    """
    rng = random.Random(seed)
    clock = iter(range(start_ms, start_ms + 10_000_000, 1_000))
    writes = [
        Write("create", f"thing-{n:04d}", f"Thing {n}", "new", next(clock)) for n in range(things)
    ]
    writes.append(Write("create", POISON, "Poison", "unknown", next(clock)))
    chosen = rng.sample(range(things), k=things // 2)
    for n in chosen[: things * 2 // 5]:
        writes.append(
            Write("update", f"thing-{n:04d}", f"Thing {n} (renamed)", "active", next(clock))
        )
    for n in chosen[things * 2 // 5 :]:
        writes.append(Write("delete", f"thing-{n:04d}", f"Thing {n}", "active", next(clock)))
    return writes


def expected_view(writes: list[Write]) -> dict[str, dict[str, object]]:
    """The view the listener must end with: the latest state of every thing but the poison."""
    view: dict[str, dict[str, object]] = {}
    for write in writes:
        if write.thing_id == POISON:
            continue
        view[write.thing_id] = {
            "name": write.name,
            "status": write.status,
            "deleted": write.change == "delete",
        }
    return view
