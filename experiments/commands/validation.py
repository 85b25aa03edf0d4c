"""Validation commands: ``dibsim validate-history`` (replays against the public record) and
``dibsim facts`` (stylised facts with common random numbers).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``validate-history`` and ``facts`` subcommands."""
    p = sub.add_parser("validate-history", help="replay history and plot simulated against observed",
                       description="Run the historical replays (scenarios/historical/), compare "
                       "them with the public figures within stated tolerances, write "
                       "comparison.csv and one plot per replay with its sources in the caption.")
    p.add_argument("--only", nargs="+", metavar="NAME", default=(), help="replays to run (default: all)")
    p.add_argument("--replications", type=int, default=20, metavar="N", help="seeds per replay (default 20)")
    p.add_argument("--seed", type=int, metavar="N", help="root seed (default: the project's)")
    p.add_argument("--out", metavar="DIR", default="results/history", help="output folder")
    p.set_defaults(handler=handle_history)

    p = sub.add_parser("facts", help="measure the stylised facts with common random numbers",
                       description="Each fact runs a base and a variant on the same seeds and "
                       "reports the mean paired difference with its 95%% interval.")
    p.add_argument("--only", nargs="+", metavar="NAME", default=(), help="facts to run (default: all)")
    p.add_argument("--replications", type=int, default=100, metavar="N", help="seeds per arm (default 100)")
    p.add_argument("--seed", type=int, metavar="N", help="root seed (default: the project's)")
    p.add_argument("--out", metavar="DIR", default="results/facts", help="output folder")
    p.add_argument("--deterrence", action="store_true",
                   help="instead, measure the baseline's deterrence calibration figures (docs/ODD.md)")
    p.add_argument("--write-docs", action="store_true",
                   help="with --deterrence: write them into docs/ODD.md between its markers")
    p.add_argument("--grid", action="store_true",
                   help="with --deterrence: also the robust-direction grid of the all-barriers-removed "
                   "change in the failure probability (--replications paired seeds a point)")
    p.set_defaults(handler=handle_facts)


def _checked(args: argparse.Namespace) -> tuple[Path, int]:
    from ..engine.seeds import DEFAULT_ROOT_SEED
    from ..errors import UserError

    if args.replications < 2:
        raise UserError(f"--replications must be at least 2 (got {args.replications})")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out: {out} is a file, not a folder")
    return out, DEFAULT_ROOT_SEED if args.seed is None else args.seed


def handle_history(args: argparse.Namespace) -> int:
    """Run the replays, print the comparison, write the table and plots; exit 1 on a miss."""
    from ..errors import UserError
    from ..tables import print_rows
    from ..validation.history import REPLAYS, validate_history

    out, seed = _checked(args)
    unknown = [n for n in args.only if n not in REPLAYS]
    if unknown:
        raise UserError(f"--only: unknown replay(s) {', '.join(unknown)} (known: {', '.join(REPLAYS)})")
    rows = validate_history(out, args.replications, args.only, seed)
    print_rows("dibsim validate-history — simulated (median, 10-90%) against observed",
               ["replay", "check", "date", "observed", "simulated", "p10", "p90", "tolerance", "ok"],
               [(r["replay"], r["check"], r["date"], r["observed"], r["simulated"], r["p10"],
                 r["p90"], r["tolerance"], "yes" if r["ok"] else "NO") for r in rows])
    print(f"wrote {out / 'comparison.csv'} and one plot per replay in {out}")
    return 0 if all(r["ok"] for r in rows) else 1


def handle_facts(args: argparse.Namespace) -> int:
    """Measure the facts, print and write the table; exit 1 when a fact does not hold."""
    from ..validation.facts import run_facts, write_table

    out, seed = _checked(args)
    if args.deterrence:
        return handle_deterrence(args, seed)
    results = run_facts(args.only, args.replications, seed)
    print(f"dibsim facts — variant − base over {args.replications} paired replications")
    print(f"{'fact':38s} {'metric':28s} {'base':>10s} {'variant':>10s} {'difference':>11s} "
          f"{'95% interval':>24s}  {'claim':12s} holds")
    for r in results:
        ci = f"[{r.ci_low:.4g}, {r.ci_high:.4g}]"
        print(f"{r.fact:38s} {r.metric:28s} {r.base_mean:10.4g} {r.variant_mean:10.4g} "
              f"{r.diff_mean:11.4g} {ci:>24s}  {r.expect:12s} {'yes' if r.holds else 'NO'}")
    path = write_table(results, out / "facts.csv")
    print(f"wrote {path}")
    return 0 if all(r.holds for r in results) else 1


def handle_deterrence(args: argparse.Namespace, seed: int) -> int:
    """Print (and with ``--write-docs`` write) the deterrence calibration figures; with
    ``--grid`` the robust-direction table too.
    """
    from ..validation import deterrence_facts as df

    facts = df.calibration_facts(df.DOC_SEEDS, seed)
    block = df.render_block(facts)
    print(block)
    if args.write_docs:
        path = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
        df.write_block(path, block)
        print(f"wrote {path}")
    if args.grid:
        mean, se = df.paired_change(args.replications, None, seed)
        print(f"baseline: all barriers removed, change in {df.FAILURE} {mean:+.4f} "
              f"(paired SE {se:.4f}, {args.replications} seeds)")
        print(f"{'hazard':>8s} {'requirement':>12s} {'lift':>6s} {'change':>9s} {'SE':>8s} sign")
        for r in df.robust_direction(args.replications, None, seed):
            sign = "−" if r["change"] + 1.96 * r["se"] < 0 else "+" if r["change"] - 1.96 * r["se"] > 0 else "0"
            print(f"{r['hazard']:8.4f} {r['requirement']:12.2f} {r['lift']:6.3f} {r['change']:+9.4f} "
                  f"{r['se']:8.4f} {sign}")
    return 0
