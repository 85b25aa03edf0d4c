"""``dibsim study``: the default study (baseline and reform variants) that ``make run`` runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``study`` subcommand."""
    from .run import add_engine_flags

    p = sub.add_parser("study", help="run the default study into results/default_study/",
                       description="The baseline and the reform variants in scenarios/, a few "
                       "replicates each, same seeds; resumes the folder when it already exists.")
    add_engine_flags(p, out_help="results folder (default: results/default_study)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Plan the study and run it, resuming a matching folder; then write its HTML report."""
    from .run import execute
    from ..study import STUDY_DIR, study_plan

    plan = study_plan(args.replications, args.steps, args.seed)
    plan = plan if not args.no_timeseries else _without_series(plan)
    out = Path(args.out) if args.out else STUDY_DIR
    code = execute(plan, out, args, resume=True)
    from ..analysis.report import build_report  # make run ends with the report

    print(f"report: {build_report([out]).resolve()}")
    return code


def _without_series(plan: Any) -> Any:
    from dataclasses import replace

    return replace(plan, timeseries=False)
