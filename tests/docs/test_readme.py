"""The code shown in README.md type-checks under the project's mypy settings and works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

from lambda_stream import (
    JsonObject,
    JsonValue,
    MaterializeRule,
    from_kinesis,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors import Ports
from lambda_stream.testing import InMemoryDynamoDB, to_kinesis_records

ROOT = Path(__file__).resolve().parents[2]


def _blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    blocks: list[str] = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) == 2, "README.md shows a handler, then a flavor's rule"
    return blocks


def _run(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(source, "README.md", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for both blocks: the second check reuses the library's analysis."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("index", [0, 1], ids=["handler", "flavor"])
def test_the_readme_code_passes_mypy_strict(tmp_path: Path, mypy_cache: Path, index: int) -> None:
    snippet = tmp_path / f"readme_{index}.py"
    snippet.write_text(_blocks()[index])
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--cache-dir",
            str(mypy_cache),
            str(snippet),
        ]
    )
    assert status == 0, out + err


def test_the_readme_handler_answers_a_kinesis_batch() -> None:
    handler = _run(_blocks()[0])["handler"]
    assert callable(handler)
    event = to_kinesis_records(
        [{"id": "1", "type": "thing-created"}, {"id": "2", "type": "thing-updated"}]
    )
    assert handler(event, None) == {"batchItemFailures": []}


def test_the_readme_rule_materializes_the_newest_thing() -> None:
    rules = _run(_blocks()[1])["RULES"]
    assert isinstance(rules, list)
    view_rules = [rule for rule in rules if isinstance(rule, MaterializeRule)]
    assert view_rules == rules
    db, options = InMemoryDynamoDB(), resolve_options({}, entity_table_name="Views")
    pipelines = initialize_from(view_rules, options, ports=Ports(options, dynamodb=db))
    events: list[dict[str, JsonValue]] = [
        {"id": "e2", "type": "thing-updated", "timestamp": 2, "thing": {"id": "t1", "name": "new"}},
        {"id": "e1", "type": "thing-created", "timestamp": 1, "thing": {"id": "t1", "name": "old"}},
    ]
    pipelines.handle(from_kinesis(to_kinesis_records(events)))
    assert db.items("Views") == [
        JsonObject({"pk": "t1", "sk": "thing", "name": "new", "timestamp": 2})
    ]
