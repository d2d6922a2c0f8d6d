"""from_sns against the cases recorded from the JS library's fromSns."""

from __future__ import annotations

import pytest

from lambda_stream import UnitOfWork
from lambda_stream.sources.sns import from_sns
from lambda_stream.testing import collect
from tests.conformance.cases import by_name, load

CASES = by_name(load("from-sns"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_uows_match_the_js_library(name: str) -> None:
    case = CASES[name]
    event = case["input_event"]
    assert isinstance(event, dict)
    out = collect(from_sns(event))
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert [item.to_dict() for item in out if isinstance(item, UnitOfWork)] == case["expected_uows"]
