"""The lambda-stream command: run a handler on an event file and show what it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_stream.runtime.cli import LocalContext, load_handler, main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "kinesis_listener"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().out


def test_run_shows_each_pipeline_the_fault_events_the_response_and_a_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out = _run(
        capsys, "examples.kinesis_listener.handler:handler", str(EXAMPLE / "event.json")
    )
    assert code == 0
    assert "pipeline created: 2 uow(s)" in out
    assert "fault events: 2" in out
    assert 'response: {"batchItemFailures": [{"itemIdentifier": "6"}]}' in out
    assert "uows out  faults" in out
    assert "2 fault event(s) published, 1 record(s) to retry" in out


def test_run_says_so_when_the_handler_raises(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.py").write_text("def handler(event, context):\n    raise OSError('down')\n")
    (tmp_path / "event.json").write_text(json.dumps({"Records": []}))
    monkeypatch.chdir(tmp_path)
    code, out = _run(capsys, "broken:handler", "event.json")
    assert code == 1
    assert "the handler raised (Lambda would retry the batch): OSError: down" in out


def test_a_handler_that_runs_no_pipeline_still_shows_its_response(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plain.py").write_text("def handler(event, context):\n    return {'ok': 1}\n")
    (tmp_path / "event.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    code, out = _run(capsys, "plain:handler", "event.json")
    assert code == 0
    assert 'response: {"ok": 1}' in out


@pytest.mark.parametrize("spec", ["nocolon", ":handler", "json:nothing_here"])
def test_a_bad_handler_name_stops_with_a_message(spec: str) -> None:
    with pytest.raises(SystemExit):
        load_handler(spec)


def test_the_local_context_counts_down_from_fifteen_minutes() -> None:
    remaining = LocalContext().get_remaining_time_in_millis()
    assert 899_000 < remaining <= 900_000
