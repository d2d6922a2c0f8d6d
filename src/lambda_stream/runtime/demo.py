"""``lambda-stream demo``: the thing service of ``examples/`` end to end on a local moto server.

The service's code is an example, not part of the library: it lives in the repository's
``examples/thing_service`` package, which this command finds in the current directory or beside
the library's source (an editable install), and runs. Its options are the demo's own
(``lambda-stream demo --help``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Final

__all__ = ["add_demo_command", "demo", "find_demo"]

DEMO: Final = "examples.thing_service.demo"
_FILE: Final = Path("examples", "thing_service", "demo.py")


def find_demo(roots: list[Path] | None = None) -> ModuleType:
    """Import the demo from the first of `roots` holding it.

    The roots are the current directory, then the checkout the library is installed from (an
    editable install), when None.

    Raises:
        SystemExit: no root holds it; the message says where to run the command.
    """
    if roots is None:
        roots = [Path.cwd(), Path(__file__).resolve().parents[3]]
    for root in roots:
        if (root / _FILE).is_file():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            return importlib.import_module(DEMO)
    raise SystemExit(
        "lambda-stream demo runs examples/thing_service from a checkout of lambda-stream, and "
        "none was found here; run it from the repository's root (python3 dev.py run)"
    )


def demo(args: argparse.Namespace) -> int:
    """Run the demo's own command line on the arguments after ``demo``."""
    main: Callable[[Sequence[str]], int] = find_demo().main
    try:
        code = main(args.demo_args)
    except ModuleNotFoundError as missing:  # moto: an optional dependency
        raise SystemExit(str(missing)) from missing
    return code


def add_demo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo`` to the ``lambda-stream`` command line."""
    command = commands.add_parser(
        "demo",
        help="run the thing service (examples/thing_service) end to end on a local moto server",
        add_help=False,  # --help goes to the demo's own parser
    )
    command.set_defaults(action=demo, forwards=True)  # main() hands over the rest: demo_args
