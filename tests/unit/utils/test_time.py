"""ttl and ttl_rule: epoch seconds a number of days after an event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lambda_stream import Event, UnitOfWork, resolve_options
from lambda_stream.utils.time import ttl, ttl_rule

START = 1_600_000_000_000


def _uow(timestamp: int | None = START) -> UnitOfWork:
    return UnitOfWork(record=None, event=Event(id="1", type="t", timestamp=timestamp))


def test_ttl_counts_days_in_seconds_from_the_start_second() -> None:
    assert ttl(1_540_454_400_000, 30) == 1_543_046_400


def test_ttl_floors_the_start_to_its_second() -> None:
    assert ttl(1_600_000_000_999, 0) == 1_600_000_000


def test_a_fraction_of_a_day_is_rounded_to_a_whole_second() -> None:
    assert ttl(START, 1 / 3) == 1_600_000_000 + 28_800


def test_ttl_takes_decimal_days() -> None:
    assert ttl(START, Decimal("0.5")) == 1_600_043_200


def test_ttl_refuses_days_that_are_not_a_number() -> None:
    with pytest.raises(TypeError, match="must be a number"):
        ttl(START, "3")  # type: ignore[arg-type]  # the wrong type under test


def test_the_rule_ttl_wins() -> None:
    assert ttl_rule(_uow(), ttl=30, default_ttl=7) == ttl(START, 30)


def test_the_default_ttl_comes_next() -> None:
    assert ttl_rule(_uow(), default_ttl=7) == ttl(START, 7)


def test_then_the_ttl_option() -> None:
    assert ttl_rule(_uow(), options=resolve_options({"TTL": "3"})) == ttl(START, 3)


def test_without_any_setting_it_is_33_days() -> None:
    assert ttl_rule(_uow()) == ttl(START, 33)


def test_a_zero_setting_counts() -> None:
    """The JS library skips a ``ttl`` of 0 as falsy and falls back to the default."""
    assert ttl_rule(_uow(), ttl=0) == 1_600_000_000


def test_a_function_of_the_uow_gives_the_ttl_itself() -> None:
    assert ttl_rule(_uow(), ttl=lambda uow: 42) == 42


def test_a_uow_without_timestamp_is_refused() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        ttl_rule(_uow(timestamp=None))
