"""The handler shown in README.md type-checks under the project's mypy settings and works."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

from lambda_stream.testing import to_kinesis_records

ROOT = Path(__file__).resolve().parents[2]


def _handler_source() -> str:
    readme = (ROOT / "README.md").read_text()
    blocks: list[str] = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) == 1, "README.md should show exactly one Python handler"
    return blocks[0]


def test_the_readme_handler_passes_mypy_strict(tmp_path: Path) -> None:
    snippet = tmp_path / "readme_handler.py"
    snippet.write_text(_handler_source())
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(snippet),
        ]
    )
    assert status == 0, out + err


def test_the_readme_handler_answers_a_kinesis_batch() -> None:
    namespace: dict[str, object] = {}
    exec(compile(_handler_source(), "README.md", "exec"), namespace)
    handler = namespace["handler"]
    assert callable(handler)
    event = to_kinesis_records(
        [{"id": "1", "type": "thing-created"}, {"id": "2", "type": "thing-updated"}]
    )
    assert handler(event, None) == {"batchItemFailures": []}
