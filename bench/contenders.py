"""Every row the benchmark can run: which module builds it, what it computes, where it runs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bench.workload import Case, Expect, Prepared

Prepare = Callable[[Case, Mapping[str, object]], Prepared]


@dataclass(frozen=True, slots=True)
class Contender:
    """A row of the table: `target` is ``module:function`` returning a `Prepared`."""

    name: str
    target: str
    expect: Expect
    label: str
    io_only: bool = False
    """Only meaningful with IO (D > 0)."""

    def load(self) -> Prepare:
        module, function = self.target.split(":")
        prepare: Prepare = getattr(importlib.import_module(module), function)
        return prepare


ANCHOR: tuple[Contender, ...] = (
    Contender("plain", "bench.plain:prepare", "pipelines", "plain loop (the limit)"),
    Contender("ours", "bench.ours:prepare", "pipelines", "lambda-stream (ours)"),
    Contender("port", "bench.port:prepare", "pipelines", "aws-lambda-stream 1.4.0 (PyPI port)"),
    Contender("powertools", "bench.powertools:prepare", "pipelines", "Powertools batch"),
    Contender(
        "powertools-unbounded",
        "bench.powertools:prepare_unbounded",
        "pipelines",
        "Powertools, no limit (not the same work)",
        io_only=True,
    ),
)
"""The contenders of the three anchor cases."""

EXTRAS: tuple[Contender, ...] = (
    Contender(
        "ours-none-1", "bench.ours:prepare_none_1", "none", "ours, 1 pipeline matching nothing"
    ),
    Contender(
        "ours-none-5", "bench.ours:prepare_none_5", "none", "ours, 5 pipelines matching nothing"
    ),
    Contender("decode-plain", "bench.plain:prepare_decode", "decode", "decode only, plain loop"),
    Contender("decode-ours", "bench.ours:prepare_decode", "decode", "decode only, from_kinesis"),
)
"""Extra rows, all at D=0: fan-out cost of idle pipelines, and decoding alone."""

BY_NAME: Mapping[str, Contender] = {c.name: c for c in (*ANCHOR, *EXTRAS)}
