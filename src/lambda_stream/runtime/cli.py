"""The ``lambda-stream`` command: ``run``, ``poll`` and ``demo``.

``run`` runs a handler on an event file and shows what it did; ``poll`` feeds a handler from a
stream or a queue (`runtime.poll`); ``demo`` runs the thing service end to end (`runtime.demo`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lambda_stream.runtime.demo import add_demo_command
from lambda_stream.runtime.handler import Invocation, observing
from lambda_stream.runtime.poll import add_poll_command
from lambda_stream.runtime.report import format_invocation, format_table

__all__ = ["main"]


@dataclass(frozen=True, slots=True)
class LocalContext:
    """A Lambda context for running a handler on this machine."""

    function_name: str = "local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: float = field(default_factory=lambda: time.monotonic() + 900)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left of the 15 minutes a local run is given."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def load_handler(spec: str) -> Callable[..., object]:
    """The handler named ``module:function`` (the current directory is importable).

    Raises:
        SystemExit: the spec is malformed, or names nothing callable.
    """
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise SystemExit(f"name the handler as MODULE:FUNCTION, got {spec!r}")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    module = importlib.import_module(module_name)
    handler = getattr(module, name, None)
    if not callable(handler):
        raise SystemExit(f"{module_name} has no function {name!r}")
    return handler  # type: ignore[no-any-return]  # checked callable: a user's handler


def run(args: argparse.Namespace) -> int:
    """``lambda-stream run MODULE:HANDLER EVENT.json``."""
    handler = load_handler(args.handler)
    event = json.loads(Path(args.event).read_text())
    seen: list[Invocation] = []
    started = time.perf_counter()
    try:
        with observing(seen.append):
            response = handler(event, LocalContext())
    except Exception as error:
        for invocation in seen:
            print(format_invocation(invocation, full=args.full))
        print(
            f"\nthe handler raised (Lambda would retry the batch): {type(error).__name__}: {error}"
        )
        if args.traceback:
            traceback.print_exc()
        return 1
    elapsed = time.perf_counter() - started
    for invocation in seen:
        print(format_invocation(invocation, full=args.full))
        print()
        print(summary(invocation, elapsed))
    if not seen:
        print("the handler ran no lambda-stream pipelines")
        print("response: " + json.dumps(response, default=str))
    return 0


def summary(invocation: Invocation, elapsed: float) -> str:
    """The table at the end of a run: per pipeline, uows out and faults."""
    faults: dict[str, int] = {}
    for fault in invocation.faults:
        faults[fault.pipeline or "(decoding)"] = faults.get(fault.pipeline or "(decoding)", 0) + 1
    pipelines = {name: len(uows) for name, uows in invocation.by_pipeline().items()}
    rows = [
        [name, str(pipelines.get(name, 0)), str(faults.get(name, 0))]
        for name in sorted(set(pipelines) | set(faults))
    ]
    rows.append(["total", str(len(invocation.uows)), str(len(invocation.faults))])
    table = format_table(["pipeline", "uows out", "faults"], rows)
    retry = f", {len(invocation.retry)} record(s) to retry" if invocation.retry else ""
    return (
        f"{table}\n{len(invocation.fault_events)} fault event(s) published{retry}, {elapsed:.2f} s"
    )


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(
        prog="lambda-stream", description="Run lambda-stream functions on this machine."
    )
    commands = top.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser(
        "run", help="run a handler on a Lambda event file and show what each pipeline did"
    )
    run_command.add_argument("handler", help="MODULE:FUNCTION, e.g. handler:handler")
    run_command.add_argument("event", help="a JSON file holding the Lambda event")
    run_command.add_argument("--full", action="store_true", help="print whole uows and faults")
    run_command.add_argument(
        "--traceback", action="store_true", help="print the traceback when the handler raises"
    )
    run_command.set_defaults(action=run)
    add_poll_command(commands, load=load_handler)
    add_demo_command(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point of ``lambda-stream``."""
    top = parser()
    args, rest = top.parse_known_args(argv)
    if getattr(args, "forwards", False):
        args.demo_args = rest  # the demo parses its own options (--help included)
    elif rest:
        top.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("lambda_stream.faults").setLevel(logging.ERROR)  # the report lists them
    action: Callable[[argparse.Namespace], int] = args.action
    return action(args)


if __name__ == "__main__":
    sys.exit(main())
