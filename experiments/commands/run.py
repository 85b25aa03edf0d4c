"""``dibsim run A.yaml [B.yaml ...]``: run scenarios and their sweeps into a results folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

#: Where results folders go when ``--out`` is not given.
RESULTS_DIR = Path("results")


def add_engine_flags(p: argparse.ArgumentParser, *, out_help: str, shards: bool = True,
                     replications_help: str = "replicates per design point (default: the "
                     "sweep's replications, else 10)") -> None:
    """The flags ``run``, ``study`` and ``screen-assumptions`` share (defined once); without
    ``shards``, no ``--shard`` and ``--no-timeseries`` (a command that runs whole and stores
    no series).
    """
    p.add_argument("--out", metavar="DIR", help=out_help)
    p.add_argument("--replications", type=int, metavar="N", help=replications_help)
    p.add_argument("--seed", type=int, metavar="N", help="root seed (default: the sweep's root_seed)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: CPUs available)")
    p.add_argument("--executor", default="process", choices=("serial", "process", "dask"),
                   help="where runs execute (default: process, a fork pool)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786 "
                   "(with --executor dask; default: a LocalCluster)")
    p.add_argument("--steps", type=int, metavar="WEEKS", help="shorter horizon for quick looks")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no tables")
    if not shards:
        p.set_defaults(no_timeseries=True, shard=None)
        return
    p.add_argument("--no-timeseries", action="store_true", help="do not store weekly series")
    p.add_argument("--shard", metavar="I/N", help="run only shard I of N of the plan (the I-th of N "
                   "contiguous blocks of runs in plan order) into DIR/shards/IofN/, e.g. one Slurm "
                   "array task each; merge with 'dibsim consolidate DIR' or the next --resume")


def add_headline_flag(p: argparse.ArgumentParser, *, repeat: bool) -> None:
    """``--scenario NAME``: the headline scenario (``repeat``: one or more), defaulting to the
    study's headlines (:data:`experiments.study.STUDY_HEADLINES`, named in the help).
    """
    from ..study import STUDY_HEADLINES

    if repeat:
        p.add_argument("--scenario", action="append", metavar="NAME",
                       help="headline scenario (repeat for several; default: "
                       f"{' and '.join(STUDY_HEADLINES)})")
    else:
        p.add_argument("--scenario", default=None, metavar="NAME",
                       help=f"headline scenario (default: the study's first, {STUDY_HEADLINES[0]})")


def out_folder(args: argparse.Namespace, default: Path) -> Path:
    """The results folder: ``--out``, else ``default``."""
    return Path(args.out) if args.out else default


def run_plan(plan: Any, out: Path, args: argparse.Namespace, *, resume: bool = True,
             quiet: bool = False, shard: Any = None) -> Any:
    """Run a plan into ``out`` with the executor the flags name (``--executor``, ``--workers``,
    ``--scheduler``), a progress bar unless ``--quiet`` or ``quiet``; the run's summary.
    """
    from ..engine.executors import make_executor
    from ..engine.runner import run_experiment

    executor = make_executor(args.executor, args.workers, args.scheduler)
    return run_experiment(plan, out, executor=executor, resume=resume,
                          progress=False if args.quiet or quiet else None, shard=shard)


def register(sub: Any) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser("run", help="run scenarios and their sweeps into results/<name>/",
                       description="Run each scenario and its sweep; several scenarios share seeds.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files or names")
    add_engine_flags(p, out_help="results folder (default: results/<scenario name>)")
    p.add_argument("--resume", action="store_true",
                   help="finish (or add replicates to) a folder started with the same scenarios and design")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Plan, run, report; exit 1 when any run failed."""
    from ..engine.plan import make_plan
    from ..engine.shards import parse_shard

    parse_shard(args.shard)  # a bad value is refused before anything is planned
    plan = make_plan(args.scenarios, replications=args.replications, root_seed=args.seed,
                     steps=args.steps, timeseries=not args.no_timeseries)
    out = out_folder(args, RESULTS_DIR / "__".join(s.name for s in plan.scenarios))
    return execute(plan, out, args, resume=args.resume)


def execute(plan: Any, out: Path, args: argparse.Namespace, *, resume: bool) -> int:
    """Run a plan with the executor the flags name, then print the summary and table."""
    from ..engine.shards import parse_shard

    shard = parse_shard(args.shard)
    summary = run_plan(plan, out, args, resume=resume, shard=shard)
    if shard is not None:
        report_shard(summary, shard, out, quiet=args.quiet)
    else:
        report(summary, plan, quiet=args.quiet)
    return summary.exit_code


def report_shard(summary: Any, shard: Any, out: Path, *, quiet: bool) -> None:
    """One line for a shard: its share's counts and how to merge the shards."""
    if not quiet:
        print(f"{summary.out}: shard {shard.index}/{shard.count}: {summary.done}/{summary.planned} of its runs "
              f"recorded ({summary.ran} this session, {summary.elapsed_s:.1f} s), {summary.failed} failed; "
              f"when every shard has finished: dibsim consolidate {out}")
    report(summary, None, quiet=True)


def report(summary: Any, plan: Any, *, quiet: bool) -> None:
    """One line of counts, the failures (stderr), and the metric means (unless quiet)."""
    if not quiet:
        from ..tables import print_metric_means

        print_metric_means(summary.out, plan.metric_names)
        print(f"{summary.out}: {summary.done}/{summary.planned} runs recorded "
              f"({summary.ran} this session, {summary.elapsed_s:.1f} s), {summary.failed} failed")
    if summary.failed:
        print(f"dibsim: {summary.failed} of {summary.done} runs failed; first failures:", file=sys.stderr)
        for run_id, error in summary.failures:
            print(f"  {run_id}: {error}", file=sys.stderr)
        print(f"  (all in {summary.out / 'runs.parquet'}, column 'error')", file=sys.stderr)
