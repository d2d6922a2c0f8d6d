"""The progress line: redrawn in place on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

from lambda_stream.runtime.progress import Progress


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_terminal_line_is_rewritten_in_place() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = Progress(out, interactive=True, clock=clock)
    progress.update("1 record")
    clock.now = 1.0
    progress.update("20 records")
    assert out.getvalue() == "\r1 record\r20 records"


def test_a_shorter_text_covers_the_longer_one_it_replaces() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = Progress(out, interactive=True, clock=clock)
    progress.update("20 records")
    clock.now = 1.0
    progress.update("done")
    assert out.getvalue().endswith("\rdone      ")


def test_a_terminal_line_is_not_redrawn_more_than_ten_times_a_second() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = Progress(out, interactive=True, clock=clock)
    progress.update("a")
    clock.now = 0.05
    progress.update("b")
    assert out.getvalue() == "\ra"


def test_plain_output_prints_a_line_at_most_every_interval() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = Progress(out, interactive=False, every_s=5, clock=clock)
    progress.update("a")
    clock.now = 1.0
    progress.update("b")
    clock.now = 6.0
    progress.update("c")
    assert out.getvalue() == "a\nc\n"


def test_an_unchanged_text_is_not_printed_again() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = Progress(out, interactive=False, every_s=0, clock=clock)
    progress.update("a")
    progress.update("a")
    assert out.getvalue() == "a\n"


def test_a_note_goes_above_the_progress_line_on_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out, interactive=True, clock=_Clock())
    progress.update("3 records")
    progress.note("gave up")
    assert out.getvalue() == "\r3 records\r         \rgave up\n\r3 records"


def test_finish_clears_the_terminal_line_and_prints_the_final_text() -> None:
    out = io.StringIO()
    progress = Progress(out, interactive=True, clock=_Clock())
    progress.update("3 records")
    progress.finish("done")
    assert out.getvalue() == "\r3 records\r         \rdone\n"


def test_without_interactive_it_asks_the_stream_whether_it_is_a_terminal() -> None:
    assert not Progress(io.StringIO()).interactive
