"""A progress line for long work: redrawn in place on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Final, TextIO

__all__ = ["Progress"]

_REDRAW_S: Final = 0.1
"""A terminal line is redrawn at most this often."""


class Progress:
    """Shows how long work is getting on without flooding the output.

    On a terminal one line is rewritten in place; elsewhere (a pipe, a CI log) a plain line is
    printed when the text has changed, at most every `every_s` seconds. Notes are lines that
    stay, printed above the progress line.

    >>> import io
    >>> out = io.StringIO()
    >>> progress = Progress(out, interactive=False, every_s=0)
    >>> progress.update("1 record"); progress.update("1 record"); progress.finish("done")
    >>> out.getvalue().splitlines()
    ['1 record', 'done']

    Args:
        stream: where to write; standard output when None.
        interactive: whether to redraw in place; whether `stream` is a terminal when None.
        every_s: the least time between two plain lines.
        clock: the time source (seconds).
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interactive: bool | None = None,
        every_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stdout
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.every_s = every_s
        self.clock = clock
        self._shown = ""  # the text on the terminal line, or the last plain line
        self._at: float | None = None  # when it was written

    def update(self, text: str) -> None:
        """Show `text` as the current state (skipped when shown too recently)."""
        now = self.clock()
        pause = _REDRAW_S if self.interactive else self.every_s
        if text == self._shown or (self._at is not None and now - self._at < pause):
            return
        if self.interactive:
            self._draw(text)
        else:
            self._line(text)
        self._shown, self._at = text, now

    def note(self, text: str) -> None:
        """Print `text` as a line of its own, above the progress line."""
        if self.interactive and self._shown:
            self._clear()
            self._line(text)
            self._draw(self._shown)
        else:
            self._line(text)

    def finish(self, text: str | None = None) -> None:
        """End the progress line, with `text` as its final state if given."""
        if self.interactive and self._shown:
            self._clear()
        self._shown, self._at = "", None
        if text is not None:
            self._line(text)

    def _draw(self, text: str) -> None:
        padding = " " * max(0, len(self._shown) - len(text))
        self.stream.write(f"\r{text}{padding}")
        self.stream.flush()

    def _clear(self) -> None:
        self.stream.write("\r" + " " * len(self._shown) + "\r")

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
