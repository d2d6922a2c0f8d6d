"""The cases recorded from the JS library, and where they are.

They live beside the project, in ``../shared/conformance``; ``LAMBDA_STREAM_CONFORMANCE`` names
another folder. A missing folder fails the tests that need it rather than skipping them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[2]


def _find() -> Path:
    given = os.environ.get("LAMBDA_STREAM_CONFORMANCE")
    candidates = [Path(given)] if given else []
    candidates += [parent / "shared" / "conformance" for parent in ROOT.parents]
    candidates.append(Path("/work/shared/conformance"))
    for candidate in candidates:
        if (candidate / "README.md").is_file():
            return candidate
    raise FileNotFoundError(
        "the conformance cases were not found: set LAMBDA_STREAM_CONFORMANCE to their folder"
    )


CONFORMANCE = _find()

Case = dict[str, object]


def load(name: str) -> list[Case]:
    """The cases of ``<name>.json``."""
    return cast(list[Case], json.loads((CONFORMANCE / f"{name}.json").read_text()))


def by_name(cases: list[Case]) -> dict[str, Case]:
    """The cases keyed by their ``name``."""
    return {str(case["name"]): case for case in cases}
