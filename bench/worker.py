"""One sample: a fresh process runs one contender on one batch and reports time and memory.

``python -m bench.worker CONTENDER CASE EVENT_JSON [--warmup N] [--profile]``

The process loads the Kinesis event, runs a warm-up batch of the first N records (first-call
costs: lazy imports, caches, the first event loop), collects garbage, then times one full batch
with `time.perf_counter` (and the process's CPU time, user + system, all threads, from
``getrusage``: less disturbed by other load on a shared machine) and measures its peak memory
growth: the kernel's resident-set
high-water mark is reset (``/proc/self/clear_refs``) just before the batch, and the growth is
``VmHWM`` after it minus ``VmRSS`` before it. Where that reset is not available it falls back to
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after minus before (which cannot see a peak lower
than the earlier high-water mark). The result is one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import json
import pstats
import resource
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.contenders import BY_NAME
from bench.workload import CASES, Case, expected

RESULT_PREFIX = "BENCH-RESULT "


def _status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status("VmHWM") is not None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(contender: str, case: Case, event: dict[str, Any], warmup: int) -> dict[str, object]:
    spec = BY_NAME[contender]
    prepare = spec.load()
    if warmup:
        small = {"Records": copy.deepcopy(event["Records"][:warmup])}
        prepare(case, small).run()
    prepared = prepare(case, event)
    gc.collect()
    maxrss_before = _maxrss_kb()
    rss_before = _status("VmRSS")
    exact = rss_before is not None and _reset_peak()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    output = prepared.run()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    peak, before = (_status("VmHWM"), rss_before) if exact else (_maxrss_kb(), maxrss_before)
    growth = (peak or 0) - (before or 0)
    tally = prepared.tally(output)
    want = expected(spec.expect, len(event["Records"]))
    return {
        "contender": contender,
        "case": case.id,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "growth_kb": growth,
        "memory_method": "VmHWM" if exact else "ru_maxrss",
        "tally": asdict(tally),
        "ok": tally == want,
        "expected": asdict(want),
    }


def profile(contender: str, case: Case, event: dict[str, Any], warmup: int) -> None:
    """cProfile of the timed batch only, top 25 by cumulative and by own time."""
    prepare = BY_NAME[contender].load()
    if warmup:
        small = {"Records": copy.deepcopy(event["Records"][:warmup])}
        prepare(case, small).run()
    prepared = prepare(case, event)
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    prepared.run()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        print(f"--- {contender} {case.label}: top 25 by {order}")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    parser.add_argument("contender", choices=sorted(BY_NAME))
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("event", type=Path, help="the Kinesis event, as JSON")
    parser.add_argument("--warmup", type=int, default=300, help="records in the warm-up batch")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile (of the calling thread) instead"
    )
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text())
    case = CASES[args.case]
    if args.profile:
        profile(args.contender, case, event, args.warmup)
        return 0
    result = measure(args.contender, case, event, args.warmup)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
