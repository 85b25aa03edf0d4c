"""Is a barrier's cost smooth in its delay? A sweep of each barrier's median times on paired seeds.

For each of the ten barriers, every median time of the barrier (``median_days`` and, where it has
them, ``nato_plus_median_days`` and ``waiver_median_days``) is multiplied by each factor of
:data:`FACTORS` (0.25×, 0.5×, 1×, 2×, 4×); each setting is one arm of an experiment run through
the experiment engine (``experiments/engine``), every arm on the same replicate seeds (common
random numbers), the 1× arm shared by all barriers. For each barrier the report gives:

* the mean of the metric (default ``output_value_36m``) at each factor, as the paired change from
  1× ($M);
* the four **adjacent steps** (0.25→0.5, 0.5→1, 1→2, 2→4), each a mean paired difference with a
  95% interval (mean ± 1.96 standard errors);
* **monotone within noise**: no adjacent step whose interval lies wholly on the other side of
  zero from the total change (4× − 0.25×); a total whose interval includes zero is *flat*, and
  then no step may be resolved at all;
* the **largest step share**: the largest |step| ÷ Σ |steps| (for a monotone sweep, the share of
  the total change carried by one adjacent pair); the criterion of issue 14 is ≤ 60%.

Run: ``python -m dibsim.experiments.validation.barrier_sweep --seeds 20 --workers 2`` (1 + 10 × 4
arms × seeds runs of ``indo_pacific_contingency``; the results folder is kept, ``--out``).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...model.barrier_base import median_time_fields

#: Multipliers on a barrier's median times; 1.0 is the shared base arm.
FACTORS = (0.25, 0.5, 1.0, 2.0, 4.0)
#: Largest share of the total change one adjacent step may carry (issue 14).
MAX_STEP_SHARE = 0.6
BASE_ARM = "base_x1"


@dataclass(frozen=True)
class Step:
    """The paired change of the metric between two adjacent factors."""

    low: float
    high: float
    mean: float
    half_width: float  # of the 95% interval

    @property
    def resolved(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return abs(self.mean) > self.half_width


@dataclass(frozen=True)
class BarrierSweep:
    """One barrier's sweep: mean paired change from 1× at each factor, and its adjacent steps."""

    barrier: str
    cases: float  # mean cases the barrier admitted in the base arm (NaN when unknown)
    vs_base: dict[float, float]
    steps: tuple[Step, ...]
    total: Step

    @property
    def flat(self) -> bool:
        """Whether the total change (4× − 0.25×) is within noise of zero."""
        return not self.total.resolved

    @property
    def monotone(self) -> bool:
        """No adjacent step resolved against the direction of the total (none resolved when flat)."""
        if self.flat:
            return not any(s.resolved for s in self.steps)
        sign = math.copysign(1.0, self.total.mean)
        return not any(s.resolved and math.copysign(1.0, s.mean) != sign for s in self.steps)

    @property
    def largest_share(self) -> float:
        """Largest |step| ÷ Σ |steps| (NaN when nothing moves)."""
        size = sum(abs(s.mean) for s in self.steps)
        return max(abs(s.mean) for s in self.steps) / size if size > 0 else math.nan

    @property
    def smooth(self) -> bool:
        """Monotone within noise and no step above :data:`MAX_STEP_SHARE` (a flat sweep passes)."""
        share = self.largest_share
        return self.monotone and (self.flat or math.isnan(share) or share <= MAX_STEP_SHARE)


def arm_name(barrier: str, factor: float) -> str:
    """The experiment arm of one barrier at one factor (the 1× arm is shared)."""
    return BASE_ARM if factor == 1.0 else f"{barrier}_x{factor:g}"


def scaled_overrides(scenario: Any, barrier: str, factor: float) -> dict[str, float]:
    """Dotted overrides multiplying every median time of ``barrier`` by ``factor``."""
    settings = getattr(scenario.barriers, barrier)
    return {f"barriers.{barrier}.{f}": getattr(settings, f) * factor
            for f in median_time_fields(settings)}


def sweep_plan(scenario_name: str, seeds: int, barriers: Sequence[str], factors: Sequence[float] = FACTORS,
               root_seed: int | None = None, metric: str = "output_value_36m") -> Any:
    """The engine plan: one arm per (barrier, factor ≠ 1) plus the shared 1× arm, all on the
    same replicate seeds.
    """
    from ...model.loader import load_scenario, scenario_hash
    from ..engine.plan import ScenarioPlan, make_plan

    plan = make_plan([scenario_name], replications=seeds, root_seed=root_seed, timeseries=False,
                     use_sweeps=False)
    base = plan.scenarios[0]
    arms = [ScenarioPlan(BASE_ARM, base.source, base.scenario, base.hash, base.design, seeds)]
    for key in barriers:
        for f in factors:
            if f == 1.0:
                continue
            scn = load_scenario(base.scenario, scaled_overrides(base.scenario, key, f))
            arms.append(ScenarioPlan(arm_name(key, f), f"{base.source} ({key} × {f:g})", scn,
                                     scenario_hash(scn), base.design, seeds))
    metrics = tuple(dict.fromkeys((metric, *plan.metric_names)))
    return replace(plan, scenarios=tuple(arms), metric_names=metrics)


def paired_step(low: float, high: float, a: Sequence[float], b: Sequence[float]) -> Step:
    """Mean of b − a over paired replicates with a normal 95% half-width."""
    diffs = [y - x for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    n = len(diffs)
    if n == 0:
        return Step(low, high, math.nan, math.nan)
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else math.nan
    return Step(low, high, mean, 1.96 * sd / math.sqrt(n) if n > 1 else math.nan)


def summarise(values: dict[str, dict[int, float]], barriers: Sequence[str],
              factors: Sequence[float] = FACTORS, cases: dict[str, float] | None = None) -> list[BarrierSweep]:
    """Per barrier, from arm → replicate → metric value."""
    out = []
    for key in barriers:
        series = {f: values[arm_name(key, f)] for f in factors}
        reps = sorted(set.intersection(*(set(v) for v in series.values())))
        col = {f: [series[f][r] for r in reps] for f in factors}
        vs_base = {f: paired_step(1.0, f, col[1.0], col[f]).mean for f in factors}
        steps = tuple(paired_step(lo, hi, col[lo], col[hi]) for lo, hi in itertools.pairwise(factors))
        total = paired_step(factors[0], factors[-1], col[factors[0]], col[factors[-1]])
        out.append(BarrierSweep(key, (cases or {}).get(key, math.nan), vs_base, steps, total))
    return out


def read_values(folder: Path, metric: str) -> dict[str, dict[int, float]]:
    """Arm → replicate → metric value, from an experiment's results folder."""
    from ..engine.results import read_runs

    runs = read_runs(folder)
    ok = runs[runs["status"] == "ok"]
    out: dict[str, dict[int, float]] = {}
    for arm, rep, value in zip(ok["scenario"], ok["replicate"], ok[metric]):
        out.setdefault(str(arm), {})[int(rep)] = float(value)
    return out


def table(results: Sequence[BarrierSweep], factors: Sequence[float] = FACTORS, metric: str = "output_value_36m") -> str:
    """A markdown table: per barrier, the change from 1× at each factor, the adjacent steps
    (a star marks a 95% interval that excludes zero), monotone, largest step share, verdict.
    """
    others = [f for f in factors if f != 1.0]
    step_heads = [f"{s.low:g}→{s.high:g}" for s in results[0].steps] if results else []
    head = ["barrier", *[f"{f:g}× − 1×" for f in others], *step_heads, "4× − 0.25× (±95%)",
            "monotone", "largest step share", "smooth"]
    rows = [f"Mean paired change in {metric} ($M)", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.barrier, *[f"{r.vs_base[f]:+.1f}" for f in others]]
        cells += [f"{s.mean:+.1f}{'*' if s.resolved else ''}" for s in r.steps]
        cells.append(f"{r.total.mean:+.1f} ± {r.total.half_width:.1f}")
        cells.append(("yes" if r.monotone else "NO") + (" (flat)" if r.flat else ""))
        share = r.largest_share
        cells.append("—" if math.isnan(share) else f"{share:.0%}")
        cells.append("yes" if r.smooth else "NO")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def checked_barriers(p: argparse.ArgumentParser, args: argparse.Namespace) -> list[str] | None:
    """The barriers a paired-seed command runs (``--barrier``, else all), after checking ``--seeds``
    and ``--workers``; None (with one error line) when a barrier is unknown.
    """
    from ...model.barriers import BARRIERS

    if args.seeds < 2:
        p.error("--seeds must be at least 2 (a paired interval needs two)")
    if args.workers < 1:
        p.error("--workers must be at least 1")
    keys = list(args.barrier or BARRIERS)
    unknown = [k for k in keys if k not in BARRIERS]
    if unknown:
        print(f"error: --barrier: unknown barrier '{unknown[0]}' (one of {', '.join(BARRIERS)})", file=sys.stderr)
        return None
    return keys


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the sweep through the engine and print the table."""
    from ...model.loader import ScenarioError
    from ..engine.executors import ProcessExecutor, SerialExecutor
    from ..engine.runner import run_experiment
    from ..errors import UserError

    p = argparse.ArgumentParser(prog="python -m dibsim.experiments.validation.barrier_sweep",
                                description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="indo_pacific_contingency", help="scenario name or YAML path")
    p.add_argument("--seeds", type=int, default=20, help="paired replications per arm")
    p.add_argument("--seed", type=int, default=None, help="experiment root seed (default: the engine's)")
    p.add_argument("--barrier", action="append", help="only this barrier (repeatable)")
    p.add_argument("--metric", default="output_value_36m", help="metric column to judge")
    p.add_argument("--workers", type=int, default=1, help="worker processes (1 = serial)")
    p.add_argument("--out", type=Path, help="results folder (default: a new temporary folder)")
    args = p.parse_args(argv)
    keys = checked_barriers(p, args)
    if keys is None:
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="barrier_sweep_")) / "results"
    t0 = time.perf_counter()
    try:
        plan = sweep_plan(args.scenario, args.seeds, keys, root_seed=args.seed, metric=args.metric)
        if args.metric not in plan.metric_names:
            raise UserError(f"--metric: '{args.metric}' is not a metric of {args.scenario}")
        executor = ProcessExecutor(args.workers) if args.workers > 1 else SerialExecutor()
        summary = run_experiment(plan, out, executor=executor, progress=False)
    except (ScenarioError, UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = summarise(read_values(out, args.metric), keys)
    elapsed = time.perf_counter() - t0
    print(f"# {args.scenario}: {args.seeds} paired seeds per arm, {plan.n_planned} runs in "
          f"{elapsed:.0f} s ({args.workers} worker(s)); results in {out}\n")
    print(table(results, metric=args.metric))
    smooth = sum(r.smooth for r in results)
    print(f"\n{smooth} of {len(results)} barriers smooth (monotone within noise, no adjacent step "
          f"above {MAX_STEP_SHARE:.0%} of the change)")
    return summary.exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
