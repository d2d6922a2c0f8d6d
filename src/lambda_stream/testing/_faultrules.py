"""The fault proxy's rules: what to inject into which calls, and their JSON form."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TypeVar, overload

from lambda_stream.testing._faultbatch import BATCHES
from lambda_stream.testing._faultwire import Call

__all__: list[str] = []


@dataclass(frozen=True, slots=True)
class InjectedError:
    """A whole-call error, rendered in the protocol of the service called.

    Attributes:
        status: the HTTP status; 400 and a throttling code, or 5xx, are what botocore retries.
        code: the error code (``ThrottlingException``, ``InternalFailure``...).
        message: the error message.
    """

    status: int = 400
    code: str = "ThrottlingException"
    message: str = "Rate exceeded"


_THROTTLING: Final = {
    "dynamodb": InjectedError(
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "dynamodbstreams": InjectedError(400, "LimitExceededException", "Rate exceeded"),
    "kinesis": InjectedError(400, "ProvisionedThroughputExceededException", "Rate exceeded"),
    "sqs": InjectedError(400, "RequestThrottled", "Rate exceeded"),
    "sns": InjectedError(400, "Throttling", "Rate exceeded"),
    "cloudwatch": InjectedError(400, "Throttling", "Rate exceeded"),
    "s3": InjectedError(503, "SlowDown", "Please reduce your request rate."),
    "lambda": InjectedError(429, "TooManyRequestsException", "Rate exceeded"),
}


def throttling(service: str) -> InjectedError:
    """The throttling error `service` answers with, one botocore retries as throttling.

    >>> throttling("sns")
    InjectedError(status=400, code='Throttling', message='Rate exceeded')
    """
    return _THROTTLING.get(service, InjectedError())


@dataclass(frozen=True, slots=True, kw_only=True)
class Partial:
    """Which entries of a batch fail: exactly one of `indices`, `count` or `fraction`.

    Attributes:
        indices: these entries (negative ones count from the end).
        count: this many entries, drawn by the proxy's seeded RNG.
        fraction: this share of the entries, rounded, drawn by the seeded RNG.
        code: the entry error code; the service's usual one when ``None``.
        message: the entry error message; the service's usual one when ``None``.
    """

    indices: tuple[int, ...] | None = None
    count: int | None = None
    fraction: float | None = None
    code: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        given = [self.indices is not None, self.count is not None, self.fraction is not None]
        if sum(given) != 1:
            raise ValueError("a Partial needs exactly one of indices, count or fraction")
        if self.fraction is not None and not 0.0 <= self.fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")

    def choose(self, size: int, rng: random.Random) -> tuple[int, ...]:
        """The sorted indices that fail in a batch of `size` entries.

        >>> Partial(indices=(0, -1, 9)).choose(4, random.Random(0))
        (0, 3)
        """
        if self.indices is not None:
            return tuple(sorted({i % size for i in self.indices if -size <= i < size}))
        wanted = self.count if self.count is not None else round(size * (self.fraction or 0.0))
        return tuple(sorted(rng.sample(range(size), min(max(wanted, 0), size))))


Delay = float | tuple[float, float]
"""Milliseconds: a fixed delay, or ``(lo, hi)`` drawn uniformly per call."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """What to do to matching calls, and how often.

    A rule matches a call when each of `service`, `operation` and `path_regex` that is set
    matches (the regex is searched in ``"METHOD /path?query"``); a rule with a `partial`
    matches only the batch operations that support one. Of its matches, the first
    `skip_first` pass untouched, then every `every`-th fires, with `probability`, at most
    `max_hits` times. All firing rules add their delays; the first firing `error` fails the
    call; otherwise the first firing `partial` fails part of the batch.

    Attributes:
        service: the boto3 client name, or any service when ``None``.
        operation: the API operation (``PutRecords``), or any when ``None``.
        path_regex: a regex the request line must contain, or any when ``None``.
        delay_ms: the latency added before the call is forwarded.
        error: fail the whole call with this error instead of forwarding it.
        partial: fail these entries of a batch.
        probability: the chance that a due rule fires (drawn from the seeded RNG).
        every: fire on every N-th match only.
        skip_first: let the first N matches through untouched.
        max_hits: fire at most this many times.
    """

    service: str | None = None
    operation: str | None = None
    path_regex: str | None = None
    delay_ms: Delay | None = None
    error: InjectedError | None = None
    partial: Partial | None = None
    probability: float = 1.0
    every: int = 1
    skip_first: int = 0
    max_hits: int | None = None

    def __post_init__(self) -> None:
        if self.every < 1 or self.skip_first < 0 or (self.max_hits or 0) < 0:
            raise ValueError("every must be >= 1, skip_first and max_hits >= 0")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if isinstance(self.delay_ms, tuple) and self.delay_ms[0] > self.delay_ms[1]:
            raise ValueError("a delay range needs lo <= hi")
        if self.path_regex is not None:
            try:
                re.compile(self.path_regex)
            except re.error as exc:
                raise ValueError(f"path_regex: {exc}") from exc

    def matches(self, call: Call) -> bool:
        """Whether `call` is one this rule is about (before counting and chance)."""
        if self.service is not None and self.service != call.service:
            return False
        if self.operation is not None and self.operation != call.operation:
            return False
        if self.path_regex is not None and not re.search(
            self.path_regex, f"{call.method} {call.target}"
        ):
            return False
        return self.partial is None or (call.service, call.operation) in BATCHES

    def to_json(self) -> dict[str, object]:
        """The rule as the control API and ``--rules`` files spell it."""
        out: dict[str, object] = {
            "service": self.service,
            "operation": self.operation,
            "path_regex": self.path_regex,
            "delay_ms": list(self.delay_ms) if isinstance(self.delay_ms, tuple) else self.delay_ms,
            "probability": self.probability,
            "every": self.every,
            "skip_first": self.skip_first,
            "max_hits": self.max_hits,
        }
        if self.error is not None:
            out["error"] = {
                "status": self.error.status,
                "code": self.error.code,
                "message": self.error.message,
            }
        if self.partial is not None:
            p = self.partial
            indices = list(p.indices) if p.indices is not None else None
            partial = {"indices": indices, "count": p.count, "fraction": p.fraction}
            out["partial"] = {**partial, "code": p.code, "message": p.message}
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_json(cls, value: object) -> Rule:
        """Read a rule from its JSON form (the keys of `to_json`).

        ``error`` may name only a ``code`` (status 400), or be ``"throttling"`` for the
        service's own throttling error.

        >>> Rule.from_json({"service": "sqs", "error": "throttling", "every": 2}).error
        InjectedError(status=400, code='RequestThrottled', message='Rate exceeded')
        """
        spec = _mapping(value, "rule")
        unknown = set(spec) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        service = _get(spec, "service", str)
        delay = spec.get("delay_ms")
        return cls(
            service=service,
            operation=_get(spec, "operation", str),
            path_regex=_get(spec, "path_regex", str),
            delay_ms=None if delay is None else delay_from(delay),
            error=_error(spec.get("error"), service),
            partial=None if spec.get("partial") is None else _partial(spec["partial"]),
            probability=_get(spec, "probability", float, 1.0),
            every=_get(spec, "every", int, 1),
            skip_first=_get(spec, "skip_first", int, 0),
            max_hits=_get(spec, "max_hits", int),
        )


_T = TypeVar("_T")


def _mapping(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object")
    return {str(k): v for k, v in value.items()}


def _sequence(value: object, what: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{what} must be a JSON array")
    return list(value)


@overload
def _get(spec: Mapping[str, object], key: str, kind: type[_T]) -> _T | None: ...
@overload
def _get(spec: Mapping[str, object], key: str, kind: type[_T], default: _T) -> _T: ...
def _get(
    spec: Mapping[str, object], key: str, kind: type[_T], default: _T | None = None
) -> _T | None:
    """`spec[key]` checked to be a `kind` (an int is accepted as a float), or `default`."""
    value = spec.get(key)
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{key} must be of type {kind.__name__}")
    return value


def _error(value: object, service: str | None) -> InjectedError | None:
    if value is None:
        return None
    if value == "throttling":
        return throttling(service or "")
    spec = _mapping(value, "error")
    return InjectedError(
        status=_get(spec, "status", int, 400),
        code=_get(spec, "code", str, "ThrottlingException"),
        message=_get(spec, "message", str, "Rate exceeded"),
    )


def _partial(value: object) -> Partial:
    spec = _mapping(value, "partial")
    given = spec.get("indices")
    indices = None if given is None else _sequence(given, "indices")
    return Partial(
        indices=None if indices is None else tuple(_number(i, int) for i in indices),
        count=_get(spec, "count", int),
        fraction=_get(spec, "fraction", float),
        code=_get(spec, "code", str),
        message=_get(spec, "message", str),
    )


def _number(value: object, kind: type[_T]) -> _T:
    number = _get({"number": value}, "number", kind)
    if number is None:
        raise ValueError(f"expected a {kind.__name__}, got null")
    return number


def delay_from(value: object) -> Delay:
    """A delay from JSON or the command line: ``5``, ``[5, 20]`` or ``"5-20"``."""
    if isinstance(value, str):
        lo, _, hi = value.partition("-")
        return (float(lo), float(hi)) if hi else float(lo)
    if not isinstance(value, list | tuple):
        return _number(value, float)
    bounds = [_number(b, float) for b in value]
    if len(bounds) != 2 or bounds[0] > bounds[1]:
        raise ValueError("delay_ms must be a number or [lo, hi] with lo <= hi")
    return (bounds[0], bounds[1])


def rules_from(value: object) -> list[Rule]:
    """Rules from JSON: a list of rule objects, or a single one."""
    specs = value if isinstance(value, list) else [value]
    return [Rule.from_json(spec) for spec in specs]
