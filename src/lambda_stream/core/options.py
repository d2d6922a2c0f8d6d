"""Options: one typed record, resolved once from arguments, then environment, then defaults.

The environment variable names are the JavaScript library's, so a function keeps its
configuration when it moves between the two. No other module reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
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
        bus_endpoint_id: an EventBridge global endpoint (``BUS_ENDPOINT_ID``).
        stream_name: the Kinesis stream events are published to (``STREAM_NAME``).
        queue_url: the SQS queue messages are sent to (``QUEUE_URL``).
        topic_arn: the SNS topic messages are published to (``TOPIC_ARN``).
        delivery_stream_name: the Firehose delivery stream (``DELIVERY_STREAM_NAME``).
        entity_table_name: the table entities are written to (``ENTITY_TABLE_NAME``).
        event_table_name: the table events are written to (``EVENT_TABLE_NAME``).
        table_name: the table scans and split queries read (``TABLE_NAME``).
        bucket_name: the S3 bucket of the S3 steps (``BUCKET_NAME``).
        claimcheck_bucket_name: where oversized events are stored (``CLAIMCHECK_BUCKET_NAME``).
        bus_arn: the target of scheduled events (``BUS_ARN``).
        scheduler_role_arn: the role EventBridge Scheduler assumes (``SCHEDULER_ROLE_ARN``).
        master_key_arn: the KMS key scheduled events are encrypted with (``MASTER_KEY_ARN``).
        max_payload_size: byte limit of one SQS batch (``SQS_MAX_PAYLOAD_SIZE``,
            ``MAX_PAYLOAD_SIZE``).
        timeout_ms: connect and read timeout of AWS calls (``TIMEOUT``).
        service_timeouts_ms: per-service timeouts by boto3 service name (``BUS_TIMEOUT``,
            ``KINESIS_TIMEOUT``, ``SQS_TIMEOUT``, ``SNS_TIMEOUT``, ``DYNAMODB_TIMEOUT``, ...).
        step_parallel: per-step in-flight limits by step (``PUBLISH_PARALLEL``, ``SQS_PARALLEL``,
            ``UPDATE_PARALLEL``, ...), falling back to `parallel`.
        step_batch_size: per-step batch sizes (``PUBLISH_BATCH_SIZE``, ``SQS_BATCH_SIZE``,
            ``FIREHOSE_BATCH_SIZE``), falling back to `batch_size`, then the step's own.
        batch_max_retries: retries of the failed entries of a batch call
            (``BATCH_MAX_RETRIES``).
        batch_retry_wait_ms: base wait before retrying failed entries (``BATCH_RETRY_WAIT``).
        ttl_days: default time to live of stored events, in days (``TTL``).
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
    bus_endpoint_id: str | None = None
    stream_name: str | None = None
    queue_url: str | None = None
    topic_arn: str | None = None
    delivery_stream_name: str | None = None
    entity_table_name: str | None = None
    event_table_name: str | None = None
    table_name: str | None = None
    bucket_name: str | None = None
    claimcheck_bucket_name: str | None = None
    bus_arn: str | None = None
    scheduler_role_arn: str | None = None
    master_key_arn: str | None = None
    max_payload_size: int = 1_048_576
    timeout_ms: int = 1_000
    service_timeouts_ms: Mapping[str, int] = field(default_factory=dict)
    step_parallel: Mapping[str, int] = field(default_factory=dict)
    step_batch_size: Mapping[str, int] = field(default_factory=dict)
    batch_max_retries: int = 8
    batch_retry_wait_ms: int = 100
    ttl_days: int = 33

    def __post_init__(self) -> None:
        for name in (
            "parallel",
            "max_request_size",
            "faults_batch_size",
            "max_payload_size",
            "timeout_ms",
            "batch_retry_wait_ms",
            "ttl_days",
        ):
            _positive(name, getattr(self, name))
        for name in ("batch_size", "compression_threshold"):
            value = getattr(self, name)
            if value is not None:
                _positive(name, value)
        if type(self.batch_max_retries) is not int or self.batch_max_retries < 0:
            raise OptionsError(
                f"option batch_max_retries must be >= 0, got {self.batch_max_retries!r}"
            )
        for name in ("service_timeouts_ms", "step_parallel", "step_batch_size"):
            for key, value in getattr(self, name).items():
                _positive(f"{name}[{key!r}]", value)

    def parallel_for(self, step: str) -> int:
        """The in-flight limit of `step` (``publish``, ``sqs``, ``update``, ...)."""
        return self.step_parallel.get(step, self.parallel)

    def batch_size_for(self, step: str, default: int) -> int:
        """The batch size of `step`: its own variable, then ``BATCH_SIZE``, then `default`."""
        size = self.step_batch_size.get(step)
        if size is None:
            size = self.batch_size
        return default if size is None else size

    def timeout_for(self, service: str) -> float:
        """The timeout of calls to `service` (a boto3 service name), in seconds."""
        return self.service_timeouts_ms.get(service, self.timeout_ms) / 1000

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
    bus_endpoint_id: str | None
    stream_name: str | None
    queue_url: str | None
    topic_arn: str | None
    delivery_stream_name: str | None
    entity_table_name: str | None
    event_table_name: str | None
    table_name: str | None
    bucket_name: str | None
    claimcheck_bucket_name: str | None
    bus_arn: str | None
    scheduler_role_arn: str | None
    master_key_arn: str | None
    max_payload_size: int
    timeout_ms: int
    service_timeouts_ms: Mapping[str, int]
    step_parallel: Mapping[str, int]
    step_batch_size: Mapping[str, int]
    batch_max_retries: int
    batch_retry_wait_ms: int
    ttl_days: int


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


def _count(var: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise OptionsError(f"{var} must be a whole number >= 0, got {raw!r}") from None
    if value < 0:
        raise OptionsError(f"{var} must be a whole number >= 0, got {raw!r}")
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
    "max_request_size": (("PUBLISH_MAX_REQ_SIZE", "MAX_REQ_SIZE"), _int),
    "compression_threshold": (("COMPRESSION_THRESHOLD",), _int),
    "faults_batch_size": (("FAULTS_BATCH_SIZE", "BATCH_SIZE"), _int),
    "partial_batch_response": (("REPORT_BATCH_ITEM_FAILURES",), _true),
    "bus_endpoint_id": (("BUS_ENDPOINT_ID",), _str),
    "stream_name": (("STREAM_NAME",), _str),
    "queue_url": (("QUEUE_URL",), _str),
    "topic_arn": (("TOPIC_ARN",), _str),
    "delivery_stream_name": (("DELIVERY_STREAM_NAME",), _str),
    "entity_table_name": (("ENTITY_TABLE_NAME",), _str),
    "event_table_name": (("EVENT_TABLE_NAME",), _str),
    "table_name": (("TABLE_NAME",), _str),
    "bucket_name": (("BUCKET_NAME",), _str),
    "claimcheck_bucket_name": (("CLAIMCHECK_BUCKET_NAME",), _str),
    "bus_arn": (("BUS_ARN",), _str),
    "scheduler_role_arn": (("SCHEDULER_ROLE_ARN",), _str),
    "master_key_arn": (("MASTER_KEY_ARN",), _str),
    "max_payload_size": (("SQS_MAX_PAYLOAD_SIZE", "MAX_PAYLOAD_SIZE"), _int),
    "timeout_ms": (("TIMEOUT",), _int),
    "batch_max_retries": (("BATCH_MAX_RETRIES",), _count),
    "batch_retry_wait_ms": (("BATCH_RETRY_WAIT",), _int),
    "ttl_days": (("TTL",), _int),
}

# field -> {environment variable: key}: every variable that is set contributes its key
_ENV_MAPS: Final[Mapping[str, Mapping[str, str]]] = {
    "service_timeouts_ms": {
        "BUS_TIMEOUT": "events",
        "KINESIS_TIMEOUT": "kinesis",
        "SQS_TIMEOUT": "sqs",
        "SNS_TIMEOUT": "sns",
        "DYNAMODB_TIMEOUT": "dynamodb",
        "S3_TIMEOUT": "s3",
        "FIREHOSE_TIMEOUT": "firehose",
        "CW_TIMEOUT": "cloudwatch",
        "LAMBDA_TIMEOUT": "lambda",
        "SECRETSMGR_TIMEOUT": "secretsmanager",
        "SCHEDULER_TIMEOUT": "scheduler",
    },
    "step_parallel": {
        "PUBLISH_PARALLEL": "publish",
        "SQS_PARALLEL": "sqs",
        "SNS_PARALLEL": "sns",
        "FIREHOSE_PARALLEL": "firehose",
        "UPDATE_PARALLEL": "update",
        "GET_PARALLEL": "get",
        "QUERY_PARALLEL": "query",
        "SCAN_PARALLEL": "scan",
        "S3_PARALLEL": "s3",
        "LAMBDA_PARALLEL": "lambda",
        "CW_PARALLEL": "cloudwatch",
        "FAULTS_PARALLEL": "faults",
    },
    "step_batch_size": {
        "PUBLISH_BATCH_SIZE": "publish",
        "SQS_BATCH_SIZE": "sqs",
        "FIREHOSE_BATCH_SIZE": "firehose",
    },
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
    for option in fields(Options):
        if option.name in values:
            continue
        if option.name in _ENV_MAPS:
            values[option.name] = {
                key: _int(var, env[var])
                for var, key in _ENV_MAPS[option.name].items()
                if env.get(var)
            }
            continue
        names, parse = _ENV[option.name]
        for var in names:
            raw = env.get(var)
            if raw:
                values[option.name] = parse(var, raw)
                break
    return Options(**values)  # type: ignore[arg-type]  # keys are Options fields, parsed to their types


def configured_region(environ: Mapping[str, str] | None = None) -> str | None:
    """The region the environment names, reading nothing else (for helpers outside a handler)."""
    env = os.environ if environ is None else environ
    names, _ = _ENV["region"]
    return next((env[var] for var in names if env.get(var)), None)
