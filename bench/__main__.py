"""``python -m bench``: the anchor benchmark of DESIGN section 7 (see bench/README.md).

``python -m bench publish [options]`` runs the publishing benchmark instead (`bench.publish`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.contenders import ANCHOR, BY_NAME, EXTRAS
from bench.runner import Plan, run, summary, to_json, write_event
from bench.workload import CASES, RECORDS

ALL_CASES = (*CASES, "extras")


def _names(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})"
        )
    return names


def parse(argv: list[str]) -> tuple[Plan, argparse.Namespace]:
    contenders = tuple(c.name for c in (*ANCHOR, *EXTRAS))
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="The anchor benchmark: lambda-stream against a plain loop, the PyPI "
        "aws-lambda-stream port and Powertools' batch processor (bench/README.md).",
    )
    parser.add_argument(
        "--cases",
        type=lambda v: _names(v, ALL_CASES, "case"),
        default=ALL_CASES,
        help=f"comma-separated, from {', '.join(ALL_CASES)} (default: all)",
    )
    parser.add_argument(
        "--contenders",
        type=lambda v: _names(v, contenders, "contender"),
        default=contenders,
        help=f"comma-separated, from {', '.join(contenders)} (default: all)",
    )
    parser.add_argument(
        "--repeats", type=int, help="repeats of every case (overrides the two below)"
    )
    parser.add_argument("--repeats-d0", type=int, default=5, help="repeats at D=0 (default 5)")
    parser.add_argument("--repeats-io", type=int, default=3, help="repeats at D=5 (default 3)")
    parser.add_argument(
        "--port-io-repeats",
        type=int,
        default=1,
        help="runs of the port at D=5, where one run takes ~18 s (default 1; 0 skips it)",
    )
    parser.add_argument("--records", type=int, default=RECORDS, help="records per batch")
    parser.add_argument("--warmup", type=int, default=300, help="records of the warm-up batch")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one repeat of everything and no port at D=5 (a smoke run, ~1 minute)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw samples to this file")
    parser.add_argument(
        "--profile",
        metavar="CONTENDER",
        choices=sorted(BY_NAME),
        help="print a cProfile of one batch of CONTENDER (with --cases: the first case) instead",
    )
    args = parser.parse_args(argv)
    repeats_d0, repeats_io, port_io = args.repeats_d0, args.repeats_io, args.port_io_repeats
    if args.repeats is not None:
        repeats_d0 = repeats_io = args.repeats
    if args.quick:
        repeats_d0 = repeats_io = 1
        port_io = 0
    for name, value in (
        ("repeats", repeats_d0),
        ("repeats", repeats_io),
        ("records", args.records),
    ):
        if value < 1:
            parser.error(f"{name} must be at least 1")
    plan = Plan(
        cases=args.cases,
        contenders=args.contenders,
        repeats_d0=repeats_d0,
        repeats_io=repeats_io,
        port_io_repeats=min(port_io, repeats_io),
        records=args.records,
        warmup=min(args.warmup, args.records),
    )
    return plan, args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["publish"]:
        from bench.publish import main as publish

        return publish(argv[1:])
    plan, args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="lambda-stream-bench-") as directory:
        event_path = write_event(plan, Path(directory))
        if args.profile:
            from bench.worker import main as worker

            case = next((c for c in plan.cases if c in CASES), "d0")
            return worker(
                [args.profile, case, str(event_path), "--warmup", str(plan.warmup), "--profile"]
            )
        print(f"running {', '.join(plan.cases)}; progress on stderr", file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows = run(plan, event_path)
        elapsed = time.perf_counter() - started
    print(summary(plan, rows, elapsed))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(to_json(plan, rows), indent=1))
    return 1 if any(row.errors for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
