"""Options: one typed record, resolved once from arguments, then environment, then defaults.

The environment variable names are the JavaScript library's, so a function keeps its
configuration when it moves between the two. No other module reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Final, TypedDict, Unpack

__all__ = ["OptionArgs", "Options", "OptionsError", "configured_region", "resolve_options"]


class OptionsError(ValueError):
    """An option, given or read from the environment, has an unusable value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Resolved configuration of a function (see `resolve_options` for the sources).

    Attributes:
        parallel: default in-flight limit of IO steps (``PARALLEL``).
        batch_size: default batch size of batching steps (``BATCH_SIZE``), None for each step's own.
        bus_name: the event bus events and faults are published to (``BUS_NAME``).
        bus_source: the EventBridge ``Source`` of published events (``BUS_SRC``).
        enabled_pipelines: when not empty, only these pipelines run (``ENABLED_PIPELINES``).
        disabled_pipelines: these pipelines never run (``DISABLED_PIPELINES``).
        debug: ``debug``-style patterns switching on pipeline loggers, e.g. ``pl:*`` (``DEBUG``).
        region: the AWS region (``AWS_REGION``).
        account_name: the ``account`` tag (``ACCOUNT_NAME``).
        stage: the ``stage`` tag (``STAGE``, ``SERVERLESS_STAGE``).
        service: the ``source`` tag (``SERVICE``, ``PROJECT``, ``SERVERLESS_PROJECT``).
        function_name: the ``functionname`` tag (``AWS_LAMBDA_FUNCTION_NAME``).
        test_mode: published events get ``tags.skip = true`` (``NODE_ENV=test``).
        max_request_size: byte limit of one publish request (``MAX_REQ_SIZE``).
        compression_threshold: fields larger than this are compressed on publish
            (``COMPRESSION_THRESHOLD``); None never compresses.
        faults_batch_size: fault events per publish request (``FAULTS_BATCH_SIZE``, ``BATCH_SIZE``).
        partial_batch_response: answer with ``batchItemFailures`` instead of raising when records
            fail retryably (``REPORT_BATCH_ITEM_FAILURES``); turn it on together with the event
            source mapping's ``ReportBatchItemFailures``.
    """

    parallel: int = 4
    batch_size: int | None = None
    bus_name: str | None = None
    bus_source: str = "custom"
    enabled_pipelines: tuple[str, ...] = ()
    disabled_pipelines: tuple[str, ...] = ()
    debug: str = ""
    region: str | None = None
    account_name: str | None = None
    stage: str | None = None
    service: str | None = None
    function_name: str | None = None
    test_mode: bool = False
    max_request_size: int = 262_144
    compression_threshold: int | None = 10_240
    faults_batch_size: int = 4
    partial_batch_response: bool = False

    def __post_init__(self) -> None:
        for name in ("parallel", "max_request_size", "faults_batch_size"):
            _positive(name, getattr(self, name))
        for name in ("batch_size", "compression_threshold"):
            value = getattr(self, name)
            if value is not None:
                _positive(name, value)

    def pipeline_enabled(self, pipeline_id: str) -> bool:
        """Whether `pipeline_id` runs under ENABLED_PIPELINES / DISABLED_PIPELINES."""
        if pipeline_id in self.disabled_pipelines:
            return False
        return not self.enabled_pipelines or pipeline_id in self.enabled_pipelines


class OptionArgs(TypedDict, total=False):
    """Explicit option values for `resolve_options` (they win over the environment)."""

    parallel: int
    batch_size: int | None
    bus_name: str | None
    bus_source: str
    enabled_pipelines: tuple[str, ...]
    disabled_pipelines: tuple[str, ...]
    debug: str
    region: str | None
    account_name: str | None
    stage: str | None
    service: str | None
    function_name: str | None
    test_mode: bool
    max_request_size: int
    compression_threshold: int | None
    faults_batch_size: int
    partial_batch_response: bool


def _positive(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise OptionsError(f"option {name} must be a positive integer, got {value!r}")


def _int(var: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise OptionsError(f"{var} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise OptionsError(f"{var} must be a positive integer, got {raw!r}")
    return value


def _str(var: str, raw: str) -> str:
    return raw


def _names(var: str, raw: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in raw.split(",") if name.strip())


def _true(var: str, raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _test(var: str, raw: str) -> bool:
    return raw == "test"


_Parser = Callable[[str, str], object]

# field -> (environment variables, first set one wins; parser)
_ENV: Final[Mapping[str, tuple[tuple[str, ...], _Parser]]] = {
    "parallel": (("PARALLEL",), _int),
    "batch_size": (("BATCH_SIZE",), _int),
    "bus_name": (("BUS_NAME",), _str),
    "bus_source": (("BUS_SRC",), _str),
    "enabled_pipelines": (("ENABLED_PIPELINES",), _names),
    "disabled_pipelines": (("DISABLED_PIPELINES",), _names),
    "debug": (("DEBUG",), _str),
    "region": (("AWS_REGION", "AWS_DEFAULT_REGION"), _str),
    "account_name": (("ACCOUNT_NAME",), _str),
    "stage": (("STAGE", "SERVERLESS_STAGE"), _str),
    "service": (("SERVICE", "PROJECT", "SERVERLESS_PROJECT"), _str),
    "function_name": (("AWS_LAMBDA_FUNCTION_NAME",), _str),
    "test_mode": (("NODE_ENV",), _test),
    "max_request_size": (("MAX_REQ_SIZE",), _int),
    "compression_threshold": (("COMPRESSION_THRESHOLD",), _int),
    "faults_batch_size": (("FAULTS_BATCH_SIZE", "BATCH_SIZE"), _int),
    "partial_batch_response": (("REPORT_BATCH_ITEM_FAILURES",), _true),
}


def resolve_options(
    environ: Mapping[str, str] | None = None, **explicit: Unpack[OptionArgs]
) -> Options:
    """Resolve options: `explicit` values, then `environ` (default ``os.environ``), then defaults.

    An empty environment variable counts as unset.

    >>> resolve_options({"PARALLEL": "16", "ENABLED_PIPELINES": "a, b"}, bus_name="bus").parallel
    16

    Raises:
        OptionsError: a value is unusable; the message names the variable and what it must be.
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = dict(explicit)
    for field in fields(Options):
        if field.name in values:
            continue
        names, parse = _ENV[field.name]
        for var in names:
            raw = env.get(var)
            if raw:
                values[field.name] = parse(var, raw)
                break
    return Options(**values)  # type: ignore[arg-type]  # keys are Options fields, parsed to their types


def configured_region(environ: Mapping[str, str] | None = None) -> str | None:
    """The region the environment names, reading nothing else (for helpers outside a handler)."""
    env = os.environ if environ is None else environ
    names, _ = _ENV["region"]
    return next((env[var] for var in names if env.get(var)), None)
