"""Does each barrier move a headline outcome? Each barrier removed against the unchanged scenario.

For each of the ten barriers, the scenario with the barrier removed (``enabled: false``) is one arm
of an experiment run through the experiment engine (``experiments/engine``), beside the unchanged
scenario, every arm on the same replicate seeds (common random numbers, ``engine/seeds.run_seed``);
several scenarios go into one experiment, each with its own base arm. For each barrier, scenario
and headline metric (:data:`HEADLINES`: the outcomes issue 15 judges a barrier by) the report gives
the mean paired change (removed − base) with its 95% Student's t interval (``analysis/stats``) and
whether the interval excludes zero (*resolved*), and per barrier whether any headline resolves.

Run: ``python -m dibsim.experiments.validation.barrier_headlines --seeds 20 --workers 2 --out DIR``
(scenarios ``baseline`` and ``indo_pacific_contingency`` by default: 2 × 11 arms × seeds runs; the
weekly series are kept in ``DIR`` for tracing an effect by producer, ``analysis/decomposition``).
``--csv`` writes one row per (scenario, barrier, metric).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

#: The headline outcomes a barrier is judged by (issue 15).
HEADLINES = ("output_value_12m", "output_value_36m", "theatre_delivered_value_12m",
             "failure_probability.indo_pacific", "deterrence_index.indo_pacific")
SCENARIOS = ("baseline", "indo_pacific_contingency")
BASE_ARM = "base"


@dataclass(frozen=True)
class Headline:
    """The paired change of one headline metric with one barrier removed in one scenario."""

    scenario: str
    barrier: str
    metric: str
    n: int
    base_mean: float
    diff_mean: float
    se: float
    ci_low: float
    ci_high: float

    @property
    def resolved(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return self.ci_low > 0.0 or self.ci_high < 0.0


def arm_name(scenario: str, barrier: str | None) -> str:
    """The experiment arm of one scenario with one barrier removed (``None``: the base arm)."""
    return f"{scenario}__{barrier or BASE_ARM}"


def headline_plan(scenarios: Sequence[str], seeds: int, barriers: Sequence[str],
                  root_seed: int | None = None, timeseries: bool = True) -> Any:
    """The engine plan: per scenario its base arm and one arm per barrier removed, all on the
    same replicate seeds.
    """
    from ...model.loader import load_scenario, scenario_hash
    from ..engine.plan import ScenarioPlan, make_plan

    plan = make_plan(list(scenarios), replications=seeds, root_seed=root_seed, timeseries=timeseries,
                     use_sweeps=False)
    arms = []
    for base in plan.scenarios:
        arms.append(replace(base, name=arm_name(base.name, None)))
        for key in barriers:
            scn = load_scenario(base.scenario, {f"barriers.{key}.enabled": False})
            arms.append(ScenarioPlan(arm_name(base.name, key), f"{base.source} ({key} removed)", scn,
                                     scenario_hash(scn), base.design, seeds))
    metrics = tuple(dict.fromkeys((*HEADLINES, *plan.metric_names)))
    return replace(plan, scenarios=tuple(arms), metric_names=metrics)


def read_values(folder: Path, metrics: Sequence[str] = HEADLINES) -> dict[tuple[str, str], dict[int, float]]:
    """(arm, metric) → replicate → value, from an experiment's results folder."""
    from ..engine.results import read_runs

    runs = read_runs(folder)
    ok = runs[runs["status"] == "ok"]
    out: dict[tuple[str, str], dict[int, float]] = {}
    for metric in metrics:
        for arm, rep, value in zip(ok["scenario"], ok["replicate"], ok[metric]):
            out.setdefault((str(arm), metric), {})[int(rep)] = float(value)
    return out


def summarise(values: dict[tuple[str, str], dict[int, float]], scenarios: Sequence[str],
              barriers: Sequence[str], metrics: Sequence[str] = HEADLINES) -> list[Headline]:
    """Per scenario, barrier and metric, the paired change on the replicates both arms have."""
    import numpy as np

    from ..analysis.stats import paired_difference

    out = []
    for scn in scenarios:
        for key in barriers:
            for metric in metrics:
                base = values.get((arm_name(scn, None), metric), {})
                var = values.get((arm_name(scn, key), metric), {})
                reps = sorted(set(base) & set(var))
                b = np.array([base[r] for r in reps], dtype=float)
                v = np.array([var[r] for r in reps], dtype=float)
                est = paired_difference(v, b)
                se = est.sd / math.sqrt(est.n) if est.n > 1 else math.nan
                out.append(Headline(scn, key, metric, est.n, float(np.nanmean(b)) if reps else math.nan,
                                    est.mean, se, est.low, est.high))
    return out


def _cell(h: Headline) -> str:
    if math.isnan(h.diff_mean):
        return "—"
    digits = 4 if abs(h.base_mean) < 10 else 0
    text = f"{h.diff_mean:+.{digits}f} [{h.ci_low:+.{digits}f}, {h.ci_high:+.{digits}f}]"
    return f"**{text}**" if h.resolved else text


def table(results: Sequence[Headline], scenario: str, metrics: Sequence[str] = HEADLINES) -> str:
    """A markdown table for one scenario: per barrier the mean paired change and 95% interval of
    each headline (**bold**: resolved), and whether any headline resolves.
    """
    rows = ["| barrier | " + " | ".join(f"`{m}`" for m in metrics) + " | any resolved |",
            "|" + "---|" * (len(metrics) + 2)]
    by: dict[str, dict[str, Headline]] = {}
    for h in results:
        if h.scenario == scenario:
            by.setdefault(h.barrier, {})[h.metric] = h
    for key, cells in by.items():
        any_res = any(cells[m].resolved for m in metrics)
        rows.append(f"| `{key}` | " + " | ".join(_cell(cells[m]) for m in metrics)
                    + f" | {'yes' if any_res else 'no'} |")
    first = next(iter(by.values()), {})
    if first:
        rows.append("| base mean | " + " | ".join(f"{first[m].base_mean:.4g}" for m in metrics) + " | |")
    return "\n".join(rows)


def write_csv(results: Sequence[Headline], path: Path) -> None:
    """One row per (scenario, barrier, metric)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["scenario", "barrier", "metric", "n", "base_mean", "diff_mean", "se", "ci_low",
                    "ci_high", "resolved"])
        for h in results:
            w.writerow([h.scenario, h.barrier, h.metric, h.n, h.base_mean, h.diff_mean, h.se,
                        h.ci_low, h.ci_high, h.resolved])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the arms through the engine and print one table per scenario."""
    from ...model.barriers import BARRIERS
    from ...model.loader import ScenarioError
    from ..engine.executors import ProcessExecutor, SerialExecutor
    from ..engine.runner import run_experiment
    from ..errors import UserError

    p = argparse.ArgumentParser(prog="python -m dibsim.experiments.validation.barrier_headlines",
                                description=__doc__.splitlines()[0])
    p.add_argument("--scenario", action="append", help="scenario name or YAML path (repeatable; "
                   f"default: {', '.join(SCENARIOS)})")
    p.add_argument("--seeds", type=int, default=20, help="paired replications per arm")
    p.add_argument("--seed", type=int, default=None, help="experiment root seed (default: the engine's)")
    p.add_argument("--barrier", action="append", help="only this barrier (repeatable)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (1 = serial)")
    p.add_argument("--out", type=Path, required=True, help="results folder (resumed when it exists)")
    p.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = p.parse_args(argv)
    if args.seeds < 2:
        p.error("--seeds must be at least 2 (a paired interval needs two)")
    if args.workers < 1:
        p.error("--workers must be at least 1")
    keys = list(args.barrier or BARRIERS)
    unknown = [k for k in keys if k not in BARRIERS]
    if unknown:
        print(f"error: --barrier: unknown barrier '{unknown[0]}' (one of {', '.join(BARRIERS)})", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        plan = headline_plan(args.scenario or SCENARIOS, args.seeds, keys, root_seed=args.seed)
        names = [s.name.removesuffix(f"__{BASE_ARM}") for s in plan.scenarios if s.name.endswith(f"__{BASE_ARM}")]
        executor = ProcessExecutor(args.workers) if args.workers > 1 else SerialExecutor()
        summary = run_experiment(plan, args.out, executor=executor, progress=False,
                                 resume=(args.out / "manifest.json").exists())
    except (ScenarioError, UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = summarise(read_values(args.out), names, keys)
    print(f"# {args.seeds} paired seeds per arm, {plan.n_planned} runs in {time.perf_counter() - t0:.0f} s "
          f"({args.workers} worker(s)); results in {args.out}")
    for name in names:
        print(f"\n## {name}: mean paired change, barrier removed − base [95% t interval]\n")
        print(table(results, name))
    if args.csv:
        write_csv(results, args.csv)
    return summary.exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
