"""DEBUG=pl:* switches pipeline loggers on, the way the JS ``debug`` package does."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from lambda_stream import (
    Pipeline,
    PipelineContext,
    UnitOfWork,
    from_kinesis,
    initialize,
    resolve_options,
)
from lambda_stream.pipelines import assemble, debug_enabled
from lambda_stream.pipelines.debug import pipeline_logger
from lambda_stream.testing import to_kinesis_records

PIPELINE = "dbg"
LOGGER = "lambda_stream.pl." + PIPELINE


@pytest.fixture(autouse=True)
def _restore_logger() -> Iterator[None]:
    """Pipeline loggers are process-wide: give each test a pristine one and put it back."""
    logger = logging.getLogger(LOGGER)
    saved = (logger.level, list(logger.handlers), logger.propagate)
    yield
    logger.setLevel(saved[0])
    logger.handlers[:] = saved[1]
    logger.propagate = saved[2]


def _identity(context: PipelineContext) -> Pipeline:
    return lambda s: s


def _invoke(debug: str) -> None:
    event = to_kinesis_records([{"id": "e1", "type": "t1"}, {"id": "e2", "type": "t2"}])
    initialize({PIPELINE: _identity}, resolve_options({}, debug=debug)).invoke(from_kinesis(event))


@pytest.mark.parametrize(
    ("patterns", "namespace"),
    [
        ("pl:created", "pl:created"),
        ("pl:*", "pl:created"),
        ("*", "pl:created"),
        ("pl:a,pl:created", "pl:created"),
        ("pl:a pl:created", "pl:created"),
        ("pl:*,-pl:all", "pl:created"),
    ],
)
def test_patterns_that_name_a_namespace_enable_it(patterns: str, namespace: str) -> None:
    assert debug_enabled(patterns, namespace)


@pytest.mark.parametrize(
    ("patterns", "namespace"),
    [
        ("", "pl:created"),
        ("pl:updated", "pl:created"),
        ("pl:create", "pl:created"),
        ("pl:*,-pl:created", "pl:created"),
        ("-pl:created,pl:*", "pl:created"),
        ("other:*", "pl:created"),
    ],
)
def test_patterns_that_do_not_name_a_namespace_leave_it_off(patterns: str, namespace: str) -> None:
    assert not debug_enabled(patterns, namespace)


def test_a_pattern_is_matched_literally_apart_from_the_star() -> None:
    assert not debug_enabled("pl:a.c", "pl:abc")


def test_the_pipeline_logger_is_named_after_the_pipeline() -> None:
    assert pipeline_logger(PIPELINE, "").name == LOGGER


def test_a_named_pipeline_logger_is_switched_to_debug() -> None:
    assert pipeline_logger(PIPELINE, "pl:*").isEnabledFor(logging.DEBUG)


def test_an_unnamed_pipeline_logger_is_left_alone() -> None:
    assert pipeline_logger(PIPELINE, "pl:other").level == logging.NOTSET


def test_without_any_logging_set_up_debug_lines_go_to_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    logger = pipeline_logger(PIPELINE, "pl:*")
    handler = logger.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    assert (handler.stream, logger.propagate) == (sys.stderr, False)


def test_with_logging_set_up_debug_lines_go_through_it() -> None:
    # pytest's log capture is a root handler: the lines must reach it, as they would reach
    # Lambda's own root handler
    logger = pipeline_logger(PIPELINE, "pl:*")
    assert (logger.handlers, logger.propagate) == ([], True)


def test_debug_logs_a_start_and_an_end_line_per_uow(caplog: pytest.LogCaptureFixture) -> None:
    _invoke("pl:*")
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER]
    assert sorted(lines) == sorted(
        [
            "start type: t1, eid: e1",
            "start type: t2, eid: e2",
            "end type: t1, eid: e1",
            "end type: t2, eid: e2",
        ]
    )


def test_debug_for_another_pipeline_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    _invoke("pl:other")
    assert [record for record in caplog.records if record.name == LOGGER] == []


def test_without_debug_no_uow_is_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    logged: list[UnitOfWork] = []
    monkeypatch.setattr(assemble, "_log_uow", lambda logger, stage, uow: logged.append(uow))
    _invoke("")
    assert logged == []


def test_with_debug_each_uow_is_formatted_at_start_and_end(monkeypatch: pytest.MonkeyPatch) -> None:
    logged: list[str] = []
    monkeypatch.setattr(assemble, "_log_uow", lambda logger, stage, uow: logged.append(stage))
    _invoke("pl:dbg")
    assert sorted(logged) == ["end", "end", "start", "start"]
