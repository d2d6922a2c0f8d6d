"""Runs the samples (one fresh process each, contenders interleaved) and prints the tables."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.contenders import ANCHOR, EXTRAS, Contender
from bench.worker import RESULT_PREFIX
from bench.workload import CASES, CREATED, EVENT_TYPES, UPDATED, Case, kinesis_event

EXTRAS_CASE = "d0"
"""The extra rows run at D=0."""

MEMORY_LIMIT_MB = 64
ROOT = Path(__file__).resolve().parent.parent
"""The project root: workers run from here, so ``bench`` is importable."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run: the cases (``extras`` included or not), repeats, and the batch size."""

    cases: tuple[str, ...]
    contenders: tuple[str, ...]
    repeats_d0: int
    repeats_io: int
    port_io_repeats: int
    records: int
    warmup: int
    timeout: float = 900.0


@dataclass(slots=True)
class Row:
    """The samples of one contender in one case."""

    contender: Contender
    case: Case
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    growth_kb: list[int] = field(default_factory=list)
    memory_method: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.seconds) * 1000 if self.seconds else None

    @property
    def cpu_ms(self) -> float | None:
        return statistics.median(self.cpu_seconds) * 1000 if self.cpu_seconds else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.growth_kb) / 1024 if self.growth_kb else None


def _schedule(plan: Plan) -> list[tuple[str, list[Contender], int]]:
    """(case id, contenders, repeats) per group of rows timed together."""
    groups: list[tuple[str, list[Contender], int]] = []
    for case_id in plan.cases:
        if case_id == "extras":
            rows = [c for c in EXTRAS if c.name in plan.contenders]
            groups.append((EXTRAS_CASE, rows, plan.repeats_d0))
            continue
        case = CASES[case_id]
        rows = [
            c
            for c in ANCHOR
            if c.name in plan.contenders and not (c.io_only and case.delay_ms == 0)
        ]
        if case.delay_ms and plan.port_io_repeats == 0:
            rows = [c for c in rows if c.name != "port"]
        groups.append((case_id, rows, plan.repeats_d0 if case.delay_ms == 0 else plan.repeats_io))
    return groups


def _sample(plan: Plan, contender: Contender, case: Case, event_path: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.worker",
        contender.name,
        case.id,
        str(event_path),
        "--warmup",
        str(plan.warmup),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=plan.timeout, check=False, cwd=ROOT
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
    return {"error": f"exit {done.returncode}: " + " | ".join(tail)}


def run(plan: Plan, event_path: Path, log: bool = True) -> list[Row]:
    """Every sample of `plan`; within a repeat each contender runs once, in rotating order."""
    rows: list[Row] = []
    for case_id, contenders, repeats in _schedule(plan):
        case = CASES[case_id]
        group = {c.name: Row(c, case) for c in contenders}
        rows.extend(group.values())
        for repeat in range(repeats):
            shift = repeat % len(contenders) if contenders else 0
            for contender in contenders[shift:] + contenders[:shift]:
                if contender.name == "port" and case.delay_ms and repeat >= plan.port_io_repeats:
                    continue
                started = time.perf_counter()
                result = _sample(plan, contender, case, event_path)
                row = group[contender.name]
                if "error" in result:
                    row.errors.append(str(result["error"]))
                    note = f"ERROR {result['error']}"
                elif not result["ok"]:
                    row.errors.append(f"wrong output {result['tally']} != {result['expected']}")
                    note = f"WRONG OUTPUT {result['tally']}"
                else:
                    row.seconds.append(float(result["seconds"]))
                    row.cpu_seconds.append(float(result["cpu_seconds"]))
                    row.growth_kb.append(int(result["growth_kb"]))
                    row.memory_method = str(result["memory_method"])
                    note = (
                        f"{float(result['seconds']) * 1000:9.1f} ms"
                        f"  cpu {float(result['cpu_seconds']) * 1000:7.1f} ms"
                        f"  {int(result['growth_kb']) / 1024:6.1f} MB"
                    )
                if log:
                    print(
                        f"  {case.label:16} #{repeat + 1} {contender.name:21} {note}"
                        f"  ({time.perf_counter() - started:.1f} s with start-up)",
                        file=sys.stderr,
                        flush=True,
                    )
    return rows


# -- reporting ---------------------------------------------------------------------------------


def environment(plan: Plan) -> list[str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"python: {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        f"machine: {platform.machine()}, {_cpus()} CPUs, {platform.platform(terse=True)}",
        "packages: lambda-stream "
        + version("lambda-stream")
        + ", aws-lambda-stream "
        + version("aws-lambda-stream")
        + ", reactivex "
        + version("reactivex")
        + ", aws-lambda-powertools "
        + version("aws-lambda-powertools"),
        f"batch: {plan.records} Kinesis records, types cycling {', '.join(EVENT_TYPES)}; "
        f"warm-up {plan.warmup} records; repeats: D=0 {plan.repeats_d0}, "
        f"D=5 {plan.repeats_io} (port at D=5: {plan.port_io_repeats})",
    ]


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def _fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def results_table(rows: Sequence[Row]) -> list[str]:
    """One markdown table: every row's wall and CPU medians, spread, memory, ratios to plain."""
    base: dict[tuple[str, str], Row] = {}
    for row in rows:
        if row.contender.name in ("plain", "decode-plain"):
            base[(row.contender.expect, row.case.id)] = row
    lines = [
        "| case | contender | wall ms (median) | wall min-max | CPU ms (median) | runs "
        "| peak RSS growth MB | wall / plain | CPU / plain |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        spread = (
            f"{_fmt_ms(min(row.seconds) * 1000)}-{_fmt_ms(max(row.seconds) * 1000)}"
            if row.seconds
            else "-"
        )
        memory = "-" if row.peak_mb is None else f"{row.peak_mb:.1f}"
        case = "D=0 (extras)" if row.contender in EXTRAS else row.case.label
        plain = base.get((row.contender.expect, row.case.id))
        wall = _ratio(row.median_ms, plain.median_ms if plain else None)
        cpu = _ratio(row.cpu_ms, plain.cpu_ms if plain else None)
        errors = f" ({len(row.errors)} failed)" if row.errors else ""
        lines.append(
            f"| {case} | {row.contender.label}{errors} | {_fmt_ms(row.median_ms)} | {spread} "
            f"| {_fmt_ms(row.cpu_ms)} | {len(row.seconds)} | {memory} "
            f"| {_fmt_ratio(wall)} | {_fmt_ratio(cpu)} |"
        )
    return lines


def _ideal_ms(case: Case, records: int) -> float:
    types = [EVENT_TYPES[i % len(EVENT_TYPES)] for i in range(records)]
    per_pipeline = max(types.count(CREATED), types.count(UPDATED))
    return per_pipeline * case.delay_ms / case.parallel


def targets_table(rows: Sequence[Row], records: int) -> list[str]:
    """The DESIGN section 7 targets, as ratios of this run's wall-time medians.

    The CPU-time ratio is shown beside the D=0 ones: on a shared machine it is the steadier
    of the two, but the targets are judged on wall time.
    """

    def find(name: str, case_id: str) -> Row | None:
        extras = name in {c.name for c in EXTRAS}
        for row in rows:
            same = row.contender.name == name and row.case.id == case_id
            if same and (row.contender in EXTRAS) == extras:
                return row
        return None

    def ratio(num: str, den: str, case_id: str, cpu: bool = False) -> float | None:
        a, b = find(num, case_id), find(den, case_id)
        if a is None or b is None:
            return None
        return _ratio(a.cpu_ms, b.cpu_ms) if cpu else _ratio(a.median_ms, b.median_ms)

    lines = [
        "| target | wall | CPU | goal | holds (wall) |",
        "|---|---:|---:|---:|---|",
    ]

    def add(name: str, wall: float | None, cpu: float | None, goal: str, limit: float) -> None:
        if wall is None and cpu is None:
            return
        verdict = "-"
        if wall is not None and limit:
            holds = wall <= limit if goal.startswith("<") else wall >= limit
            verdict = "yes" if holds else "**no**"
        lines.append(f"| {name} | {_fmt_ratio(wall)} | {_fmt_ratio(cpu)} | {goal} | {verdict} |")

    add(
        "D=0: ours / plain loop",
        ratio("ours", "plain", "d0"),
        ratio("ours", "plain", "d0", cpu=True),
        "<= 3",
        3,
    )
    add(
        "D=0: port / ours",
        ratio("port", "ours", "d0"),
        ratio("port", "ours", "d0", cpu=True),
        ">= 5",
        5,
    )
    add(
        "D=0: Powertools / ours (info)",
        ratio("powertools", "ours", "d0"),
        ratio("powertools", "ours", "d0", cpu=True),
        "-",
        0,
    )
    for case_id in ("d5p4", "d5p16"):
        ours, plain = find("ours", case_id), find("plain", case_id)
        if ours is None and plain is None:
            continue
        case = CASES[case_id]
        ideal = _ideal_ms(case, records)
        label = f"D={case.delay_ms}, P={case.parallel}"
        add(
            f"{label}: ours / plain asyncio loop",
            ratio("ours", "plain", case_id),
            None,
            "<= 1.05",
            1.05,
        )
        ours_ms = ours.median_ms if ours else None
        plain_ms = plain.median_ms if plain else None
        add(
            f"{label}: ours / ideal ({ideal:,.0f} ms)",
            _ratio(ours_ms, ideal),
            None,
            "info (~1.2)",
            0,
        )
        add(f"{label}: plain / ideal", _ratio(plain_ms, ideal), None, "info (~1.2)", 0)
        add(
            f"{label}: Powertools bounded / ours",
            ratio("powertools", "ours", case_id),
            None,
            "info",
            0,
        )
        add(f"{label}: port / ours", ratio("port", "ours", case_id), None, "info", 0)
    add(
        "5 idle pipelines / 1 idle pipeline",
        ratio("ours-none-5", "ours-none-1", EXTRAS_CASE),
        ratio("ours-none-5", "ours-none-1", EXTRAS_CASE, cpu=True),
        "<= 1.5",
        1.5,
    )
    add(
        "decode only: from_kinesis / plain loop",
        ratio("decode-ours", "decode-plain", EXTRAS_CASE),
        ratio("decode-ours", "decode-plain", EXTRAS_CASE, cpu=True),
        "<= 3",
        3,
    )
    for row in rows:
        if row.contender.name == "ours" and row.peak_mb is not None:
            ok = "yes" if row.peak_mb < MEMORY_LIMIT_MB else "**no**"
            lines.append(
                f"| {row.case.label}: ours peak RSS growth | {row.peak_mb:.1f} MB | - "
                f"| < {MEMORY_LIMIT_MB} MB | {ok} |"
            )
    return lines


def write_event(plan: Plan, directory: Path) -> Path:
    path = directory / f"kinesis-{plan.records}.json"
    path.write_text(json.dumps(kinesis_event(plan.records)))
    return path


def summary(plan: Plan, rows: Sequence[Row], elapsed: float) -> str:
    parts = [
        "## lambda-stream anchor benchmark",
        "",
        *[f"- {line}" for line in environment(plan)],
        f"- memory: {', '.join(sorted({r.memory_method for r in rows if r.memory_method}))}"
        " (peak resident-set growth over the batch, the largest of the runs)",
        f"- whole run: {elapsed:.0f} s",
        "",
        *results_table(rows),
        "",
        *targets_table(rows, plan.records),
    ]
    failures = [f"- {r.contender.name} {r.case.label}: {e}" for r in rows for e in r.errors]
    if failures:
        parts += ["", "failed samples:", *failures]
    return "\n".join(parts)


def to_json(plan: Plan, rows: Sequence[Row]) -> dict[str, object]:
    return {
        "environment": environment(plan),
        "rows": [
            {
                "contender": r.contender.name,
                "case": r.case.id,
                "seconds": r.seconds,
                "cpu_seconds": r.cpu_seconds,
                "growth_kb": r.growth_kb,
                "memory_method": r.memory_method,
                "errors": r.errors,
            }
            for r in rows
        ],
    }
