"""``dibsim calibrate CONFIG``: fit parameters to the replays' targets, out of sample on request."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``calibrate`` subcommand."""
    p = sub.add_parser("calibrate", help="fit parameters to the historical replays (Optuna TPE, seeded)",
                       description="Fit the parameters a calibration config names to its replays' "
                       "observed targets; every trial runs through the experiment engine, an "
                       "interrupted calibration resumes with --resume, and the folder holds the "
                       "trials, the best parameters as extends: variants, the plausible set and plots.")
    p.add_argument("config", metavar="CONFIG", help="calibration config (scenarios/calibration/*.yaml)")
    p.add_argument("--out", metavar="DIR", help="results folder (default results/<name>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted calibration in --out")
    p.add_argument("--holdout", action="append", default=[], metavar="REPLAY",
                   help="fit without this replay and report its error out of sample (repeatable)")
    p.add_argument("--cross-validate", action="store_true",
                   help="leave one fitted replay out at a time; print in- and out-of-sample errors")
    p.add_argument("--executor", default="process", choices=("serial", "process", "dask"),
                   help="where runs execute (default process)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: CPUs available)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler (with --executor dask)")
    p.add_argument("--no-plots", action="store_true", help="skip the plots")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the calibration (or the cross-validation) and print the table of errors."""
    from ..engine.executors import make_executor
    from ..errors import UserError
    from ..validation.calib_config import read_config
    from ..validation.calib_run import calibrate, cross_validate

    config = read_config(args.config)
    make_executor(args.executor, args.workers, args.scheduler)  # check the flags before anything runs

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def factory():
        return make_executor(args.executor, args.workers, args.scheduler)

    if args.cross_validate:
        if args.holdout:
            raise UserError("--cross-validate holds each replay out in turn; drop --holdout")
        rows = cross_validate(args.config, args.out, executor_factory=factory, resume=args.resume,
                              plots=not args.no_plots, progress=progress)
        print_cv(rows)
        out = Path(args.out) if args.out else Path("results") / f"{config.name}-cv"
        print(f"wrote {out / 'cross_validation.csv'}")
        return 0
    outcome = calibrate(args.config, args.out, executor=factory(), resume=args.resume,
                        holdout=args.holdout, plots=not args.no_plots, progress=progress, config=config)
    print(f"dibsim calibrate {config.name}: {outcome.trials} trials, best trial {int(outcome.best['trial'])} "
          f"loss {outcome.best['loss']:.4f}")
    for k, v in outcome.best.items():
        if k.startswith("p:"):
            print(f"  {k[2:]:50s} {v:.6g}")
    print(f"{'replay':22s} {'role':14s} {'reached':8s} {'error (tol.)':>12s} {'rate error':>11s}  targets met")
    for s in outcome.summary:
        print(f"{s['replay']:22s} {s['role']:14s} {'yes' if s['reached'] else 'no':8s} {s['error']:12.3f} "
              f"{s['rate_error']:11.3f}  {s['targets_ok']}/{s['targets']}")
    plots = "" if args.no_plots else ", plots"
    print(f"wrote {outcome.out} (best/*.yaml variants, trials.parquet, ensemble.json{plots})")
    return 0


def _fmt(v: Any, spec: str = ".3f") -> str:
    return "—" if v is None or v != v else format(v, spec)


def print_cv(rows: list[dict]) -> None:
    """The cross-validation table: error in tolerances and mean relative rate error."""
    print("leave-one-replay-out: error = mean over targets of |error| / tolerance; rate = mean |relative error|")
    print(f"{'replay':22s} {'in-sample':>10s} {'(rate)':>8s} {'out-of-sample':>14s} {'(rate)':>8s}  reached")
    for r in rows:
        reached = r["reached_out_of_sample"]
        print(f"{r['replay']:22s} {_fmt(r['in_sample_error']):>10s} {_fmt(r['in_sample_rate_error']):>8s} "
              f"{_fmt(r['out_of_sample_error']):>14s} {_fmt(r['out_of_sample_rate_error']):>8s}  "
              f"{'—' if reached is None else ('yes' if reached else 'no')}")
