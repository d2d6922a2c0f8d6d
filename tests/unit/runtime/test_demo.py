"""``lambda-stream demo``: finding the example service and handing it the command line."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

import pytest

from lambda_stream.runtime import demo as command
from lambda_stream.runtime.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_is_found_in_a_checkout() -> None:
    module = command.find_demo([ROOT])
    assert module.__name__ == "examples.thing_service.demo"
    assert callable(module.main)


def test_without_a_checkout_the_error_says_where_to_run_it(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="run it from the repository's root"):
        command.find_demo([tmp_path])


def test_a_root_is_put_on_the_path_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(ROOT)])
    command.find_demo([tmp_path, ROOT])
    command.find_demo([ROOT])
    assert sys.path.count(str(ROOT)) == 1


def test_the_options_after_demo_go_to_the_demo_help_included(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: lambda-stream demo")
    assert "--chaos" in out


def test_the_demos_arguments_reach_its_main(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(argv)
        return 3

    monkeypatch.setattr(command, "find_demo", lambda: types.SimpleNamespace(main=fake_main))
    assert main(["demo", "--chaos", "--things", "20"]) == 3
    assert seen == [["--chaos", "--things", "20"]]


def test_other_commands_still_refuse_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "handler:handler", "event.json", "--bogus"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_a_missing_moto_is_a_clear_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def without_moto(argv: list[str]) -> int:
        raise ModuleNotFoundError("moto server is not installed; install it with: pip ...")

    monkeypatch.setattr(command, "find_demo", lambda: types.SimpleNamespace(main=without_moto))
    with pytest.raises(SystemExit, match="moto server is not installed"):
        command.demo(argparse.Namespace(demo_args=[]))
