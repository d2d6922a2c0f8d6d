"""Running a coroutine to completion on a fresh event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TypeVar

__all__ = ["run_fresh"]

T = TypeVar("T")


def run_fresh(coroutine: Coroutine[object, object, T], *, instead: str = "the async variant") -> T:
    """The result of `coroutine`, run on a new event loop that is closed afterwards.

    Raises:
        RuntimeError: an event loop is already running in this thread; the message tells to
            await `instead`.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        coroutine.close()
        raise RuntimeError(
            f"this call runs its own event loop; from async code await {instead} instead"
        )
    box: list[T] = []

    async def main() -> None:
        # The main task returns None: on Python 3.11 asyncio.run formats repr() of the main task,
        # result included, when it restores the SIGINT handler; for a batch's worth of uows that
        # cost 0.7 s.
        box.append(await coroutine)

    asyncio.run(main())
    return box[0]
