"""Every snippet under rejected/ must fail mypy, with the expected code, on its marked line.

A snippet names the error code it expects on its first line (``# expect: arg-type``), may name
part of the message on the next (``# message: ...``), and marks the offending line with
``# error here``. mypy runs once, with the project's mypy.ini, over all snippets; each snippet
must then have at least one error and no error but the expected one, so a snippet broken for
another reason (a typo, a renamed import) fails instead of passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = sorted((Path(__file__).parent / "rejected").glob("*.py"))
MARKER = "# error here"

_EXPECT = re.compile(r"# expect: ([a-z][a-z0-9-]*)\s*$")
_MESSAGE = re.compile(r"# message: (.+?)\s*$")
_ERROR = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


@dataclass(frozen=True)
class Expectation:
    code: str
    line: int
    message: str | None


@dataclass(frozen=True)
class Reported:
    line: int
    code: str | None
    message: str


def expectation(path: Path) -> Expectation:
    lines = path.read_text().splitlines()
    expect = _EXPECT.fullmatch(lines[0]) if lines else None
    assert expect, f"{path.name}: the first line must be '# expect: <error code>'"
    message = _MESSAGE.fullmatch(lines[1]) if len(lines) > 1 else None
    marked = [number for number, text in enumerate(lines, 1) if text.rstrip().endswith(MARKER)]
    assert len(marked) == 1, f"{path.name}: exactly one line must end with '{MARKER}'"
    return Expectation(expect.group(1), marked[0], message.group(1) if message else None)


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[Reported]]:
    """One mypy run over every snippet: the errors it reported, by snippet."""
    cache = tmp_path_factory.mktemp("mypy-cache")
    args = ["--config-file", "mypy.ini", "--cache-dir", str(cache), "--show-absolute-path"]
    # The output format this module parses, whatever mypy.ini says about presentation.
    args += ["--show-error-codes", "--hide-error-end", "--hide-column-numbers", "--no-pretty"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # mypy.ini's mypy_path is relative to the project root
        stdout, stderr, status = api.run([*args, *map(str, SNIPPETS)])
    assert not stderr, f"mypy failed to run ({status}):\n{stderr}"
    assert status == 1, f"mypy found no errors in the snippets ({status}):\n{stdout}"
    errors: dict[Path, list[Reported]] = {path: [] for path in SNIPPETS}
    for text in stdout.splitlines():
        if found := _ERROR.match(text):
            path = Path(found["path"]).resolve()
            assert path in errors, f"mypy reported an error outside the snippets: {text}"
            errors[path].append(Reported(int(found["line"]), found["code"], found["message"]))
    return errors


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[path.stem for path in SNIPPETS])
def test_snippet_is_rejected(snippet: Path, reported: dict[Path, list[Reported]]) -> None:
    expected = expectation(snippet)
    errors = reported[snippet]
    assert errors, (
        f"mypy accepted {snippet.name}; expected [{expected.code}] on line {expected.line}"
    )
    unexpected = [
        error for error in errors if (error.line, error.code) != (expected.line, expected.code)
    ]
    assert not unexpected, (
        f"{snippet.name}: expected only [{expected.code}] on line {expected.line}, got {unexpected}"
    )
    if expected.message is not None:
        assert any(expected.message in error.message for error in errors), errors


def test_every_snippet_went_through_mypy(reported: dict[Path, list[Reported]]) -> None:
    assert len(SNIPPETS) >= 8, "the rejected/ snippets are missing"
    assert sorted(reported) == SNIPPETS
