"""``dibsim bench``: time the model and the engine, print a table, write bench.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``bench`` subcommand."""
    p = sub.add_parser("bench", help="benchmark the model and the experiment engine",
                       description="Medians of repeats; ratios measured in one run. Run on a quiet machine.")
    p.add_argument("--quick", action="store_true", help="a tiny setting that only checks it all runs")
    p.add_argument("--out", metavar="DIR", default="results/bench", help="where bench.json goes")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the benchmark, print the figures and target checks, write ``bench.json``."""
    from ..bench import run_bench
    from ..engine.results import write_json_atomic
    from ..tables import print_rows

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        from ..errors import UserError

        raise UserError(f"--out: {out} is a file, not a folder")
    report = run_bench(quick=args.quick, log=lambda s: print(s, file=sys.stderr))
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(report, out / "bench.json")
    print_rows("dibsim bench — figures" + (" (quick)" if args.quick else ""), ["figure", "value"],
               [(k, v) for k, v in report["figures"].items()])
    print_rows("dibsim bench — targets", ["target", "measured", "met"],
               [(label, c["value"], "yes" if c["met"] else "NO") for label, c in report["targets"].items()])
    print(f"wrote {out / 'bench.json'}")
    return 0
