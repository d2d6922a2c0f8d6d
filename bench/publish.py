"""``python -m bench publish``: 10,000 events published to a local EventBridge endpoint (issue 4).

The endpoint (`bench.endpoint`) answers ``PutEvents`` after 5 ms and counts what it receives.
Contenders (`bench.publishers`): lambda-stream's ``publish_to_event_bridge``, a plain boto3 loop
on a thread pool (the hand-written limit), the PyPI port's own publishing (one call at a time)
and, as the floor of the endpoint and the harness, raw ``http.client`` without an SDK. Every
sample is a fresh process (``python -m bench.publish sample ...``) that warms up on a small
batch, then publishes the whole batch once, timed; the endpoint's count then proves that every
event arrived exactly once. See bench/README.md, "Publishing benchmark".
"""

from __future__ import annotations

import argparse
import collections
import copy
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.endpoint import READY_PREFIX, Endpoint, Stats, fetch_stats, reset
from bench.publishers import BATCH, PUBLISHERS, Spec, events_client
from bench.workload import make_event

EVENTS = 10_000
DELAY_MS = 5.0
PARALLELS = (4, 16)
MODES = ("subprocess", "inprocess")
RESULT_PREFIX = "PUBLISH-RESULT "
ROOT = Path(__file__).resolve().parent.parent
"""The project root: samples run from here, so ``bench`` is importable."""

FAKE_AWS = {
    # Requests are signed, so the SDKs need credentials; these sign for the local endpoint only.
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_UNSET_AWS = (
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_EVENTBRIDGE",
)


def bench_environ() -> dict[str, str]:
    """This process's environment with the benchmark's fake credentials, for the samples."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET_AWS}
    env.update(FAKE_AWS)
    return env


def ideal_s(events: int, delay_ms: float, parallel: int) -> float:
    """``ceil(events / 10) * delay / parallel``: every call waiting, none costing anything else."""
    return math.ceil(events / BATCH) * delay_ms / 1000 / parallel


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


def _sys_s() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


# -- one sample, in a fresh process ----------------------------------------------------------------


def check(stats: Stats, accepted: int, events: Sequence[dict[str, Any]]) -> list[str]:
    """What is wrong with a run: an event lost, duplicated or malformed, or not acknowledged."""
    problems: list[str] = []
    want = [event["id"] for event in events]
    wanted = set(want)
    got = collections.Counter(stats.ids)
    missing = sum(1 for event_id in wanted if event_id not in got)
    duplicated = sum(count - 1 for count in got.values() if count > 1)
    unknown = sum(count for event_id, count in got.items() if event_id not in wanted)
    if missing or duplicated or unknown or stats.malformed:
        problems.append(
            f"endpoint: {missing} missing, {duplicated} duplicated, {unknown} unknown, "
            f"{stats.malformed} malformed of {len(want)}"
        )
    if accepted != len(want):
        problems.append(f"contender acknowledged {accepted} of {len(want)}")
    return problems


def _profiled(client: Any) -> list[cProfile.Profile]:
    """Wrap `client.put_events` so that each pool thread profiles its calls (merged later)."""
    profiles: list[cProfile.Profile] = []
    local = threading.local()
    original = client.put_events

    def put_events(**kwargs: Any) -> Any:
        profile = getattr(local, "profile", None)
        if profile is None:
            profile = local.profile = cProfile.Profile(time.thread_time)
            profiles.append(profile)
        profile.enable()
        try:
            return original(**kwargs)
        finally:
            profile.disable()

    client.put_events = put_events
    return profiles


def sample(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish sample")
    parser.add_argument("contender", choices=sorted(PUBLISHERS))
    parser.add_argument("parallel", type=int)
    parser.add_argument("url", help="the endpoint's URL, or 'inprocess' to start one here")
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--delay-ms", type=float, default=DELAY_MS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    os.environ.update(FAKE_AWS)
    endpoint = Endpoint(args.delay_ms).start() if args.url == "inprocess" else None
    url = endpoint.url if endpoint else args.url
    spec = PUBLISHERS[args.contender]
    events = [make_event(index) for index in range(args.events)]
    publisher = spec.prepare(url, args.parallel)
    try:
        if args.warmup:
            reset(url, args.delay_ms)
            publisher.publish(publisher.load(copy.deepcopy(events[: args.warmup])))
        loaded = publisher.load(events)
        reset(url, args.delay_ms)
        gc.collect()
        if args.profile:
            return _profile(spec, publisher, loaded, args.parallel)
        cpu_before, sys_before, own_before = _cpu_s(), _sys_s(), time.thread_time()
        started = time.monotonic()
        outcome = publisher.publish(loaded)
        seconds = time.monotonic() - started
        own = time.thread_time() - own_before
        cpu, system = _cpu_s() - cpu_before, _sys_s() - sys_before
        stats = fetch_stats(url)
    finally:
        publisher.close()
        if endpoint:
            endpoint.stop()
    problems = check(stats, outcome.accepted, events)
    if outcome.failed or outcome.errors:
        problems.append(f"contender reported {outcome.failed} failed: {list(outcome.errors)}")
    # In process, the endpoint's handler threads ran here too: their CPU is not the client's.
    client_cpu = cpu - stats.server_cpu_s if endpoint else cpu
    result = {
        "contender": spec.name,
        "parallel": args.parallel,
        "mode": "inprocess" if endpoint else "subprocess",
        "seconds": seconds,
        "client_cpu_seconds": client_cpu,
        "system_cpu_seconds": system,
        # the calling thread: ours' event loop (the library), the port's everything
        "calling_thread_cpu_seconds": own,
        "server_cpu_seconds": stats.server_cpu_s,
        "calls": stats.calls,
        "entries": stats.entries,
        "unique_ids": len(set(stats.ids)),
        "request_bytes": stats.request_bytes,
        "connections": stats.connections,
        "max_in_flight": stats.max_in_flight,
        # calls being answered, on average over the span from the first call to the last answer
        "mean_in_flight": (
            stats.delay_s * stats.calls / (stats.last_answer - stats.first_call)
            if stats.last_answer > stats.first_call
            else None
        ),
        "answer_delay_ms": stats.delay_s * 1000,
        "first_call_ms": (stats.first_call - started) * 1000 if stats.first_call else None,
        "problems": problems,
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 1 if problems else 0


def _profile(spec: Spec, publisher: Any, loaded: Any, parallel: int) -> int:
    """cProfile of one batch: the calling thread, and the SDK calls on the pool threads.

    Timed by ``time.thread_time``: CPU, not wall time, so that the time a thread spends waiting
    for the GIL (most of it, at P=16) is not charged to whatever it was about to run.
    """
    pool = _profiled(publisher.client) if spec.parallel and publisher.client is not None else []
    main = cProfile.Profile(time.thread_time)
    cpu_before, started = _cpu_s(), time.monotonic()
    main.enable()
    outcome = publisher.publish(loaded)
    main.disable()
    seconds, cpu = time.monotonic() - started, _cpu_s() - cpu_before
    print(
        f"--- {spec.name} P={parallel}: {outcome.accepted} accepted in {seconds * 1000:.0f} ms "
        f"(profiled), process CPU {cpu * 1000:.0f} ms"
    )
    for order, count in (("cumulative", 30), ("tottime", 25)):
        print(f"--- {spec.name}: the calling thread, top {count} by {order} (CPU seconds)")
        pstats.Stats(main, stream=sys.stdout).sort_stats(order).print_stats(count)
    if pool:
        stats = pstats.Stats(pool[0], stream=sys.stdout)
        for profile in pool[1:]:
            stats.add(profile)
        for order in ("cumulative", "tottime"):
            print(
                f"--- {spec.name}: put_events on {len(pool)} pool threads, top 25 by {order} "
                "(CPU seconds)"
            )
            stats.sort_stats(order).print_stats(25)
    return 0


# -- per-call CPU of the SDK, sequential -----------------------------------------------------------


def calibrate(argv: Sequence[str]) -> int:
    """CPU per PutEvents call of 10 entries, one call at a time: botocore against raw HTTP.

    Each variant runs `calls` calls in `rounds` interleaved rounds (so that other load on the
    machine hits every variant alike), with the endpoint answering
    at once (calls back to back, as they are when P threads keep the client busy) and after
    the benchmark's delay (calls spaced out, as with one call in flight). CPU is the calling
    thread's (``time.thread_time``).
    """
    import http.client

    from botocore.config import Config

    from bench.publishers import REGION, _entries

    parser = argparse.ArgumentParser(prog="python -m bench.publish calibrate")
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--delay-ms", type=float, default=DELAY_MS)
    args = parser.parse_args(argv)
    os.environ.update(FAKE_AWS)
    import boto3

    entries = _entries([make_event(index) for index in range(BATCH)])
    body = json.dumps({"Entries": entries})
    validated = events_client(args.url, 10)
    unvalidated = boto3.Session(region_name=REGION).client(
        "events",
        endpoint_url=args.url,
        config=Config(retries={"mode": "standard"}, parameter_validation=False),
    )
    host, port = args.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))

    def raw() -> None:
        connection.request(
            "POST",
            "/",
            body=body,
            headers={
                "X-Amz-Target": "AWSEvents.PutEvents",
                "Content-Type": "application/x-amz-json-1.1",
            },
        )
        json.loads(connection.getresponse().read())

    variants = {
        "botocore put_events": lambda: validated.put_events(Entries=entries),
        "botocore, parameter_validation=False": lambda: unvalidated.put_events(Entries=entries),
        "raw http.client POST + json": raw,
    }
    results: dict[str, dict[str, float]] = {}
    for delay in (0.0, args.delay_ms):
        reset(args.url, delay)
        cpu = dict.fromkeys(variants, 0.0)
        wall = dict.fromkeys(variants, 0.0)
        for call in variants.values():
            for _ in range(20):
                call()
        per_round = max(1, args.calls // args.rounds)
        for _ in range(args.rounds):
            for name, call in variants.items():
                cpu_before, started = time.thread_time(), time.perf_counter()
                for _ in range(per_round):
                    call()
                cpu[name] += time.thread_time() - cpu_before
                wall[name] += time.perf_counter() - started
        done = per_round * args.rounds
        for name in variants:
            results.setdefault(name, {})[f"cpu_ms_d{delay:g}"] = cpu[name] / done * 1000
            results[name][f"wall_ms_d{delay:g}"] = wall[name] / done * 1000
    reset(args.url, args.delay_ms)
    print(RESULT_PREFIX + json.dumps(results), flush=True)
    return 0


# -- the run: samples interleaved, one table -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    contenders: tuple[str, ...]
    parallels: tuple[int, ...]
    modes: tuple[str, ...]
    repeats: int
    port_repeats: int
    events: int
    warmup: int
    delay_ms: float
    calibration_calls: int
    timeout: float = 600.0


@dataclass(slots=True)
class Row:
    mode: str
    parallel: int
    spec: Spec
    samples: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def median(self, key: str) -> float | None:
        values = [float(s[key]) for s in self.samples if s.get(key) is not None]
        return statistics.median(values) if values else None

    def last(self, key: str) -> Any:
        return self.samples[-1][key] if self.samples else None


class _Endpoints:
    """The endpoint process of the ``subprocess`` mode, started when first needed."""

    def __init__(self, delay_ms: float) -> None:
        self.delay_ms = delay_ms
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> str:
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.endpoint", "--delay-ms", str(self.delay_ms)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            assert self.process.stdout is not None
            line = self.process.stdout.readline().strip()
            if not line.startswith(READY_PREFIX):
                self.stop()
                raise RuntimeError(f"the endpoint did not start: {line!r}")
            self.url = line[len(READY_PREFIX) :]
        return self.url

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def _child(plan: Plan, command: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.publish", *command],
        capture_output=True,
        text=True,
        timeout=plan.timeout,
        check=False,
        cwd=ROOT,
        env=bench_environ(),
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
    return {"error": f"exit {done.returncode}: " + " | ".join(tail)}


def _groups(plan: Plan) -> list[tuple[int, list[Spec]]]:
    """(P, contenders) timed together; the port, which has no parallelism, in a group P=1."""
    specs = [PUBLISHERS[name] for name in plan.contenders]
    groups = [(p, [s for s in specs if s.parallel]) for p in plan.parallels]
    if plan.port_repeats and any(not s.parallel for s in specs):
        groups.append((1, [s for s in specs if not s.parallel]))
    return [(p, group) for p, group in groups if group]


def run(plan: Plan, endpoints: _Endpoints) -> tuple[list[Row], dict[str, Any]]:
    """Calibration first, then every sample; within a repeat each row once, in rotating order."""
    calibration: dict[str, Any] = {}
    if plan.calibration_calls:
        calibration = _child(
            plan,
            [
                "calibrate",
                endpoints.start(),
                "--calls",
                str(plan.calibration_calls),
                "--delay-ms",
                str(plan.delay_ms),
            ],
        )
        _log(f"calibration: {json.dumps(calibration)}")
    rows: dict[tuple[str, int, str], Row] = {}
    for repeat in range(plan.repeats):
        for mode in plan.modes:
            for parallel, specs in _groups(plan):
                if parallel == 1 and repeat >= plan.port_repeats:
                    continue
                shift = repeat % len(specs)
                for spec in specs[shift:] + specs[:shift]:
                    key = (mode, parallel, spec.name)
                    row = rows.setdefault(key, Row(mode, parallel, spec))
                    url = endpoints.start() if mode == "subprocess" else "inprocess"
                    started = time.perf_counter()
                    result = _child(
                        plan,
                        [
                            "sample",
                            spec.name,
                            str(parallel),
                            url,
                            "--events",
                            str(plan.events),
                            "--warmup",
                            str(plan.warmup),
                            "--delay-ms",
                            str(plan.delay_ms),
                        ],
                    )
                    if "error" in result:
                        row.problems.append(str(result["error"]))
                        note = f"ERROR {result['error']}"
                    else:
                        row.samples.append(result)
                        row.problems += result["problems"]
                        note = (
                            f"{result['seconds'] * 1000:8.0f} ms  {result['calls']} calls  "
                            f"cpu {result['client_cpu_seconds'] * 1000:6.0f} ms"
                            + (f"  PROBLEMS {result['problems']}" if result["problems"] else "")
                        )
                    _log(
                        f"  #{repeat + 1} {mode:10} P={parallel:<2} {spec.name:6} {note}"
                        f"  ({time.perf_counter() - started:.1f} s with start-up)"
                    )
    order = {name: index for index, name in enumerate(PUBLISHERS)}
    ordered = sorted(
        rows.values(),
        key=lambda r: (plan.modes.index(r.mode), r.parallel == 1, r.parallel, order[r.spec.name]),
    )
    return ordered, calibration


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- reporting -------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f}"


def _ideal_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}".removesuffix(".0")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _source_state() -> str:
    """The commit the library was measured at, and whether its sources had changes on top."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        return "unknown"
    if not head:
        return "unknown"
    return f"{head}" + (" with uncommitted changes under src/" if dirty else "")


def environment(plan: Plan, load: Sequence[float] = ()) -> list[str]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    now = os.getloadavg() if hasattr(os, "getloadavg") else ()
    loads = " -> ".join(
        "/".join(f"{value:.1f}" for value in sample) for sample in (load, now) if sample
    )
    return [
        f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"machine: {platform.machine()}, {cpus} CPUs, {platform.platform(terse=True)}; "
        f"load average (1/5/15 min) at start -> end: {loads or 'unknown'}",
        f"lambda-stream source: {_source_state()}",
        "packages: "
        + ", ".join(
            f"{name} {_version(name)}"
            for name in ("lambda-stream", "aws-lambda-stream", "boto3", "botocore", "urllib3")
        ),
        f"batch: {plan.events:,} events of ~{_event_bytes()} bytes of JSON, PutEvents of "
        f"{BATCH} entries ({math.ceil(plan.events / BATCH):,} calls at least); the endpoint "
        f"answers after {plan.delay_ms:g} ms; warm-up {plan.warmup} events; repeats "
        f"{plan.repeats} (port {min(plan.port_repeats, plan.repeats)}); endpoint: "
        + ", ".join(plan.modes),
    ]


def _event_bytes() -> int:
    return len(json.dumps(make_event(1)))


def results_table(plan: Plan, rows: Sequence[Row]) -> list[str]:
    lines = [
        "| endpoint | P | contender | wall ms (median) | wall min-max | runs | calls "
        "| entries (each id once) | events/s | ideal ms | wall / ideal | client CPU ms "
        "| of which calling thread | CPU ms / call | CPU / ideal | in flight: mean (max) "
        "| new connections |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        wall = row.median("seconds")
        cpu = row.median("client_cpu_seconds")
        ideal = ideal_s(plan.events, plan.delay_ms, row.parallel)
        walls = [float(s["seconds"]) for s in row.samples]
        spread = f"{_ms(min(walls))}-{_ms(max(walls))}" if walls else "-"
        calls = row.last("calls")
        per_call = None if cpu is None or not calls else cpu / calls * 1000
        unique = row.last("unique_ids")
        entries = "-" if calls is None else f"{row.last('entries'):,} ({unique:,} ids)"
        failed = f" ({len(row.problems)} problems)" if row.problems else ""
        p = str(row.parallel) if row.spec.parallel else "1 (none)"
        lines.append(
            f"| {row.mode} | {p} | {row.spec.label}{failed} | {_ms(wall)} | {spread} "
            f"| {len(row.samples)} | {'-' if calls is None else f'{calls:,}'} | {entries} "
            f"| {'-' if not wall else f'{plan.events / wall:,.0f}'} | {_ideal_ms(ideal)} "
            f"| {'-' if wall is None else f'{wall / ideal:.2f}x'} | {_ms(cpu)} "
            f"| {_ms(row.median('calling_thread_cpu_seconds'))} "
            f"| {'-' if per_call is None else f'{per_call:.2f}'} "
            f"| {'-' if cpu is None else f'{cpu / ideal:.2f}x'} "
            f"| {_in_flight(row)} "
            f"| {row.last('connections') if row.samples else '-'} |"
        )
    return lines


def _in_flight(row: Row) -> str:
    mean = row.median("mean_in_flight")
    if mean is None:
        return "-"
    return f"{mean:.1f} ({max(int(s['max_in_flight']) for s in row.samples)})"


def endpoint_lines(rows: Sequence[Row]) -> list[str]:
    lines = []
    for mode in dict.fromkeys(r.mode for r in rows):
        samples = [s for r in rows if r.mode == mode for s in r.samples]
        if not samples:
            continue
        delay = statistics.median(float(s["answer_delay_ms"]) for s in samples)
        cpu = statistics.median(
            float(s["server_cpu_seconds"]) / s["calls"] * 1000 for s in samples if s["calls"]
        )
        lines.append(
            f"- endpoint {mode}: answers {delay:.2f} ms after reading a request (median of the "
            f"runs' means); its handler threads spend {cpu:.2f} ms of CPU per call"
        )
    return lines


def mode_lines(rows: Sequence[Row]) -> list[str]:
    """In-process against subprocess endpoint, per row present in both."""
    by_key = {(r.mode, r.parallel, r.spec.name): r for r in rows}
    lines = []
    for (mode, parallel, name), row in by_key.items():
        other = by_key.get(("subprocess", parallel, name))
        if mode != "inprocess" or other is None:
            continue
        a, b = row.median("seconds"), other.median("seconds")
        if a is None or b is None:
            continue
        lines.append(
            f"| {row.spec.label} | {parallel if row.spec.parallel else '1 (none)'} "
            f"| {_ms(b)} | {_ms(a)} | {a / b:.2f}x |"
        )
    if not lines:
        return []
    return [
        "| contender | P | wall ms, endpoint subprocess | wall ms, endpoint in process "
        "| in process / subprocess |",
        "|---|---:|---:|---:|---:|",
        *lines,
    ]


def calibration_lines(plan: Plan, calibration: dict[str, Any]) -> list[str]:
    if not calibration:
        return []
    if "error" in calibration:
        return [f"- calibration failed: {calibration['error']}"]
    d = f"{plan.delay_ms:g}"
    lines = [
        "| one call at a time, 10 entries | CPU ms / call, answered at once "
        f"| CPU ms / call, answered after {d} ms | wall ms / call, after {d} ms |",
        "|---|---:|---:|---:|",
    ]
    for name, values in calibration.items():
        lines.append(
            f"| {name} | {values['cpu_ms_d0']:.2f} | {values[f'cpu_ms_d{d}']:.2f} "
            f"| {values[f'wall_ms_d{d}']:.2f} |"
        )
    sdk = calibration.get("botocore put_events", {}).get("cpu_ms_d0")
    if sdk:
        calls = math.ceil(plan.events / BATCH)
        floor = calls * sdk / 1000
        bounds = ", ".join(
            f"P={p}: ideal {_ideal_ms(ideal_s(plan.events, plan.delay_ms, p))} ms, "
            f"so at least {floor / ideal_s(plan.events, plan.delay_ms, p):.2f}x"
            for p in plan.parallels
        )
        lines += [
            "",
            f"- the GIL bound: {calls:,} calls x {sdk:.2f} ms of botocore CPU (back to back) = "
            f"{floor * 1000:,.0f} ms that no number of threads overlaps; {bounds}",
        ]
    return lines


def summary(
    plan: Plan,
    rows: Sequence[Row],
    calibration: dict[str, Any],
    elapsed: float,
    load: Sequence[float] = (),
) -> str:
    parts = [
        "## lambda-stream publishing benchmark",
        "",
        *[f"- {line}" for line in environment(plan, load)],
        f"- whole run: {elapsed:.0f} s",
        *endpoint_lines(rows),
        "",
        *results_table(plan, rows),
        "",
        *calibration_lines(plan, calibration),
    ]
    modes = mode_lines(rows)
    if modes:
        parts += ["", *modes]
    problems = [f"- {r.mode} P={r.parallel} {r.spec.name}: {p}" for r in rows for p in r.problems]
    if problems:
        parts += ["", "problems:", *problems]
    return "\n".join(parts)


# -- command line ----------------------------------------------------------------------------------


def _names(value: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    if value == "both" and what == "endpoint mode":
        return tuple(allowed)
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})"
        )
    return names


def _ints(value: str) -> tuple[int, ...]:
    numbers = tuple(int(part) for part in value.split(",") if part.strip())
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError("give positive integers, comma-separated")
    return numbers


def parse(argv: Sequence[str]) -> tuple[Plan, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        prog="python -m bench publish",
        description="Publishing benchmark: 10,000 events to a local EventBridge endpoint that "
        "answers after 5 ms, through lambda-stream, a plain boto3 loop, the PyPI port and raw "
        "HTTP (bench/README.md).",
    )
    names = tuple(PUBLISHERS)
    parser.add_argument(
        "--contenders",
        type=lambda v: _names(v, names, "contender"),
        default=names,
        help=f"comma-separated, from {', '.join(names)} (default: all)",
    )
    parser.add_argument(
        "--parallel", type=_ints, default=PARALLELS, help="comma-separated (default 4,16)"
    )
    parser.add_argument(
        "--endpoint",
        type=lambda v: _names(v, MODES, "endpoint mode"),
        default=("subprocess",),
        help="where the endpoint runs: subprocess (default), inprocess (in every sample's "
        "process), or both",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of every row (default 3)")
    parser.add_argument(
        "--port-repeats",
        type=int,
        default=None,
        help="runs of the port, ~10 s each (default: --repeats; 0 leaves it out)",
    )
    parser.add_argument("--events", type=int, default=EVENTS, help="events per batch")
    parser.add_argument("--warmup", type=int, default=300, help="events of the warm-up batch")
    parser.add_argument("--delay-ms", type=float, default=DELAY_MS, help="the endpoint's delay")
    parser.add_argument(
        "--calibration-calls",
        type=int,
        default=300,
        help="sequential calls per variant for the per-call CPU (default 300; 0 skips it)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one run of everything, no port (a smoke run)"
    )
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument(
        "--profile",
        metavar="CONTENDER",
        choices=sorted(PUBLISHERS),
        help="instead of timing, print a cProfile of one batch of CONTENDER at the first "
        "--parallel (the calling thread, and the SDK calls on the pool threads)",
    )
    args = parser.parse_args(list(argv))
    repeats = 1 if args.quick else args.repeats
    port = 0 if args.quick else (repeats if args.port_repeats is None else args.port_repeats)
    if repeats < 1 or args.events < 1:
        parser.error("--repeats and --events must be at least 1")
    plan = Plan(
        contenders=args.contenders,
        parallels=args.parallel,
        modes=args.endpoint,
        repeats=repeats,
        port_repeats=min(port, repeats),
        events=args.events,
        warmup=min(args.warmup, args.events),
        delay_ms=args.delay_ms,
        calibration_calls=args.calibration_calls,
    )
    return plan, args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sample"]:
        return sample(argv[1:])
    if argv[:1] == ["calibrate"]:
        return calibrate(argv[1:])
    plan, args = parse(argv)
    endpoints = _Endpoints(plan.delay_ms)
    try:
        if args.profile:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.publish",
                    "sample",
                    args.profile,
                    str(plan.parallels[0]),
                    endpoints.start(),
                    "--events",
                    str(plan.events),
                    "--warmup",
                    str(plan.warmup),
                    "--delay-ms",
                    str(plan.delay_ms),
                    "--profile",
                ],
                check=False,
                cwd=ROOT,
                env=bench_environ(),
            )
            return done.returncode
        _log(f"publishing benchmark: {', '.join(plan.modes)}; progress on stderr")
        load = os.getloadavg() if hasattr(os, "getloadavg") else ()
        started = time.perf_counter()
        rows, calibration = run(plan, endpoints)
        elapsed = time.perf_counter() - started
    finally:
        endpoints.stop()
    print(summary(plan, rows, calibration, elapsed, load))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "environment": environment(plan, load),
                    "calibration": calibration,
                    "rows": [
                        {
                            "mode": r.mode,
                            "parallel": r.parallel,
                            "contender": r.spec.name,
                            "samples": r.samples,
                            "problems": r.problems,
                        }
                        for r in rows
                    ],
                },
                indent=1,
            )
        )
    return 1 if any(r.problems for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
