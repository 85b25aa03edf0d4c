"""The ``dibsim`` command line: thin subcommands, each calling one library function.

Every subcommand lives in a module of ``experiments.commands`` that exposes
``register(subparsers)``; heavy imports (pandas, matplotlib, dask) happen inside handlers so
``dibsim validate`` stays quick. User mistakes exit 2 with one line per problem and no
traceback; a run with failed model runs exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import UserError

#: Subcommand modules, in the order ``dibsim --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    ".commands.scenarios",
    ".commands.run",
    ".commands.consolidate",
    ".commands.bench",
    ".commands.study",
    ".commands.screen",
    ".commands.calibrate",
    ".commands.analysis",
    ".commands.validation",
    ".commands.regression",
    ".commands.view",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="dibsim",
        description="Agent-based simulation of US-allied defense-industrial cooperation "
        "under regulatory friction.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name, __package__).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dibsim`` console script; returns the exit code."""
    from ..model.loader import ScenarioError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"dibsim {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dibsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
