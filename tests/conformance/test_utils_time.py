"""ttl and ttl_rule against the JS library's ``ttl`` and ``ttlRule``."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_stream import Event, UnitOfWork, resolve_options
from lambda_stream.utils.time import ttl, ttl_rule
from tests.conformance.cases import Case, by_name, load

CASES = by_name([case for case in load("utils") if case["function"] in ("ttl", "ttlRule")])
STRING_DAYS = "ttl-1600000000000-3"


def _args(case: Case) -> list[Any]:
    """The recorded arguments (JSON, typed by the function they go to)."""
    args = case["args"]
    assert isinstance(args, list)
    return args


@pytest.mark.parametrize(
    "name",
    sorted(name for name in CASES if CASES[name]["function"] == "ttl" and name != STRING_DAYS),
)
def test_ttl_matches_the_js_library(name: str) -> None:
    case = CASES[name]
    start, days = _args(case)
    assert ttl(start, days) == case["expected"]


@pytest.mark.parametrize(
    "name", sorted(name for name in CASES if CASES[name]["function"] == "ttlRule")
)
def test_ttl_rule_matches_the_js_library(name: str) -> None:
    case = CASES[name]
    rule, given = _args(case)
    env = {"AWS_REGION": "us-west-2", **case.get("env", {})}  # type: ignore[dict-item]  # recorded env
    uow = UnitOfWork(record=None, event=Event.from_dict(given["event"] | {"id": "1", "type": "t"}))
    assert ttl_rule(uow, ttl=rule.get("ttl"), options=resolve_options(env)) == case["expected"]


def test_days_given_as_text_are_refused() -> None:
    """Deliberate difference (case ``ttl-1600000000000-3``): the JS library multiplies the
    text ``"3"`` as a number; `ttl` takes numbers only (``TTL`` from the environment is parsed
    once, in the options). The number gives the recorded result."""
    case = CASES[STRING_DAYS]
    start, days = _args(case)
    with pytest.raises(TypeError):
        ttl(start, days)
    assert ttl(start, int(days)) == case["expected"]
