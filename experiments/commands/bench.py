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
    p.add_argument("--scaling", action="store_true",
                   help="only strong scaling: the same sweep on 1…cores workers, E_N = T_1/(N·T_N) and "
                   "utilisation U_N = Σ run time/(N·T_N) from elapsed_s; writes scaling.json")
    p.add_argument("--max-workers", type=int, metavar="N", help="with --scaling: the largest N "
                   "(default: the CPUs available)")
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
    if args.scaling:
        return handle_scaling(args, out)
    report = run_bench(quick=args.quick, log=lambda s: print(s, file=sys.stderr))
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(report, out / "bench.json")
    print_rows("dibsim bench — figures" + (" (quick)" if args.quick else ""), ["figure", "value"],
               [(k, v) for k, v in report["figures"].items()])
    print_rows("dibsim bench — targets", ["target", "measured", "met"],
               [(label, c["value"], "yes" if c["met"] else "NO") for label, c in report["targets"].items()])
    print(f"wrote {out / 'bench.json'}")
    return 0


def handle_scaling(args: argparse.Namespace, out: Path) -> int:
    """``--scaling``: measure, print E_N and U_N per worker count, write ``scaling.json``."""
    from ..bench_scaling import run_scaling
    from ..engine.results import write_json_atomic
    from ..errors import UserError
    from ..tables import print_rows

    if args.max_workers is not None and args.max_workers < 1:
        raise UserError(f"--max-workers: must be a positive integer (got {args.max_workers})")
    report = run_scaling(quick=args.quick, max_workers=args.max_workers, log=lambda s: print(s, file=sys.stderr))
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(report, out / "scaling.json")
    settings = report["settings"]
    print_rows(f"dibsim bench --scaling — {settings['runs']} runs of {settings['steps']} weeks, "
               f"medians of {settings['repeats']}" + (" (quick)" if args.quick else ""),
               ["N workers", "T_N s", "Σ run time s", "speedup T_1/T_N", "E_N = T_1/(N·T_N)", "U_N = Σ/(N·T_N)"],
               [(r["workers"], r["wall_s"], r["run_time_s"], r["speedup"], r["efficiency"], r["utilisation"])
                for r in report["scaling"]])
    print(f"wrote {out / 'scaling.json'}")
    return 0
