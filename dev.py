#!/usr/bin/env python3
"""The project's commands; each one creates or refreshes the virtual environment it needs.

    python3 dev.py run      the main job: the thing service end to end (lambda-stream demo)
    python3 dev.py check    every check: ruff, mypy --strict, cfn-lint, the tests
    python3 dev.py bench    the benchmarks (bench/README.md)

Only a Python >= 3.11 with the standard library is needed; everything else is installed into
``.venv`` (reinstalled when pyproject.toml changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def _stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(f"{sys.version_info[:2]}|{extras}".encode())
    return digest.hexdigest()


def ensure_venv(extras: str) -> None:
    """Create `.venv` if needed and install the project with `extras` when anything changed."""
    stamp_file = VENV / f".installed-{extras or 'base'}"
    wanted = _stamp(extras)
    if PYTHON.exists() and stamp_file.exists() and stamp_file.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"creating {VENV.name} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    spec = f".[{extras}]" if extras else "."
    print(f"installing {spec} into {VENV.name} ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-e", spec], check=True, cwd=ROOT)
    stamp_file.write_text(wanted)


def run(*args: str) -> int:
    """Run a command from the venv; its exit code."""
    print("$", " ".join(args), flush=True)
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    """Run the command named by `argv`; its exit code."""
    command = argv[0] if argv else "run"
    if command == "run":
        ensure_venv("demo")
        return run("lambda-stream", "demo", *argv[1:])
    if command == "check":
        ensure_venv("dev")
        for step in (
            ("ruff", "check", "."),
            ("ruff", "format", "--check", "."),
            ("mypy",),
            ("cfn-lint", "examples/*/template.yaml"),  # cfn-lint expands the pattern itself
            ("pytest", "-q"),
        ):
            code = run(*step)
            if code:
                return code
        return 0
    if command == "bench":
        ensure_venv("dev,bench")
        return run("python", "-m", "bench", *argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
