"""``dibsim screen-assumptions``: which assumption-tagged fields move the headline most
(experiments.assumption_screen); the study's robustness checks read the stored ranking.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

#: Where the screening's runs go unless ``--out`` says.
SCREEN_DIR = Path("results") / "assumption_screen"
#: Replicates per field end unless ``--replications`` says (the stored screening's: 3).
SCREEN_REPLICATIONS = 3


def register(sub: Any) -> None:
    """Add the ``screen-assumptions`` subcommand."""
    from .run import add_engine_flags, add_headline_flag

    p = sub.add_parser("screen-assumptions", help="rank the assumption-tagged fields by their "
                       "influence on the headline (stored for the study's robustness checks)",
                       description="Run the headline's status quo and every assumption-tagged field "
                       "at half and 1.5 times its values, one at a time, on common random numbers; "
                       "rank the fields by the largest change of the primary headline metric and "
                       "store the ranking (scenarios/screening/assumptions.json).")
    add_engine_flags(p, out_help=f"results folder of the screening's runs (default: {SCREEN_DIR})",
                     shards=False, replications_help="replicates per field end and of the "
                     f"status quo (default {SCREEN_REPLICATIONS})")
    add_headline_flag(p, repeat=False)
    p.add_argument("--file", default=None, metavar="PATH",
                   help="where to store the ranking (default: scenarios/screening/assumptions.json)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Plan, run (resuming), rank, store, print the top of the ranking."""
    from ..assumption_screen import SCREEN_FILE, TOP, influence, screen_plan, write_screen
    from ..engine.manifest import code_revision, now
    from ..engine.results import load_results
    from ..study import HEADLINE_METRICS, STUDY_HEADLINES
    from .run import out_folder, run_plan

    headline = args.scenario or STUDY_HEADLINES[0]
    reps = args.replications or SCREEN_REPLICATIONS
    plan, what = screen_plan(headline, reps, args.steps, args.seed)
    out = out_folder(args, SCREEN_DIR)
    if not args.quiet:
        print(f"dibsim screen-assumptions: {len(what)} field ends of {headline} × {reps} "
              f"replications = {plan.n_planned} runs into {out}", flush=True)
    run_plan(plan, out, args)
    metric = HEADLINE_METRICS[0]
    ranking = influence(load_results(out).runs, plan.scenarios[0].name, what, metric)
    meta = {"headline": headline, "metric": metric, "replications": reps, "steps": args.steps,
            "root_seed": plan.root_seed, "code_revision": code_revision(), "written_at": now()}
    path = write_screen(ranking, meta, Path(args.file) if args.file else SCREEN_FILE)
    if not args.quiet:
        for r in ranking[:TOP]:
            print(f"  {r['field']:55s} influence {r['influence']:8.2%}  (low {r['low']:+.4g}, high {r['high']:+.4g})")
    print(f"wrote {path}")
    return 0
