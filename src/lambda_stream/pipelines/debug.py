"""Pipeline loggers switched on the way the JS ``debug`` package does: ``DEBUG=pl:*``."""

from __future__ import annotations

import logging
import re
import sys
from functools import lru_cache

__all__ = ["debug_enabled", "pipeline_logger"]

_PREFIX = "lambda_stream.pl."


@lru_cache(maxsize=64)
def _compile(patterns: str) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    enabled: list[re.Pattern[str]] = []
    skipped: list[re.Pattern[str]] = []
    for pattern in re.split(r"[\s,]+", patterns):
        if not pattern:
            continue
        target = skipped if pattern.startswith("-") else enabled
        body = re.escape(pattern.lstrip("-")).replace(r"\*", ".*?")
        target.append(re.compile(f"^{body}$"))
    return tuple(enabled), tuple(skipped)


def debug_enabled(patterns: str, namespace: str) -> bool:
    """Whether `namespace` (e.g. ``pl:created``) is on under `patterns` (e.g. ``pl:*,-pl:all``).

    >>> debug_enabled("pl:*,-pl:all", "pl:created"), debug_enabled("pl:*,-pl:all", "pl:all")
    (True, False)
    """
    enabled, skipped = _compile(patterns)
    if any(pattern.match(namespace) for pattern in skipped):
        return False
    return any(pattern.match(namespace) for pattern in enabled)


def pipeline_logger(pipeline_id: str, patterns: str) -> logging.Logger:
    """The logger of pipeline `pipeline_id`, switched to DEBUG when `patterns` name it.

    When switched on and no handler would show its lines (none of its own, none on its
    ancestors: logging is not set up), it writes to standard error, as the JS library's ``debug``
    does; otherwise the lines go through the logging already set up (Lambda's root handler).
    """
    logger = logging.getLogger(_PREFIX + pipeline_id)
    if patterns and debug_enabled(patterns, f"pl:{pipeline_id}"):
        logger.setLevel(logging.DEBUG)
        if not logger.hasHandlers():
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
            logger.addHandler(handler)
            logger.propagate = False
    return logger
