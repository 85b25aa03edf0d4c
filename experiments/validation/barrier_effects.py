"""What each barrier costs in a shipped scenario: paired runs with the barrier removed or slowed.

For each of the ten barriers and two variants — ``removed`` (``enabled: false``) and ``slower``
(every median time of the barrier slower by the one stricter rule declared with the barriers,
``model/barrier_base.stricter_settings``, aspect ``delay``) — the scenario runs on the same N seeds
as its unchanged base (common random numbers), and the report gives the mean paired change
(variant − base) with a 95% Student's t interval (``analysis/stats``) in:

* **deliverable capacity** of system lines, US and allied, at chosen weeks ($M/week): what each
  line can make given its inputs on hand and their expected supply over the look-ahead window
  (``Producer.deliverable_capacity``, ``model/supply.py``; the ``deliverable.*`` series), valued
  at unit cost and read at the end of the week;
* **deliveries**: value of system output over the whole run, US and allied ($M);
* and, for the base run, the number of cases the barrier admitted (a barrier that admits none
  cannot bite in that scenario).

Run: ``python -m dibsim.experiments.validation.barrier_effects --scenario indo_pacific_contingency
--seeds 10`` (serial; about 21 × seeds runs per scenario).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.seeds import DEFAULT_ROOT_SEED, run_seed

#: The weeks at which deliverable capacity is read (DESIGN: one, three and five years in).
WEEKS = (52, 156, 260)
VARIANTS = ("removed", "slower")


@dataclass(frozen=True)
class RunMeasures:
    """What one run yields: deliverable capacity at ``WEEKS``, deliveries, cases per barrier."""

    capacity: dict[tuple[str, int], float]  # (side, week) → $M/week; side 'us' or 'allied'
    deliveries: dict[str, float]  # side → $M over the run
    entered: dict[str, int]  # barrier key → cases admitted


@dataclass(frozen=True)
class Effect:
    """The paired change of one measure under one barrier variant."""

    barrier: str
    variant: str
    measure: str
    n: int
    base_mean: float
    diff_mean: float
    ci_low: float
    ci_high: float

    @property
    def moves(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return self.ci_low > 0.0 or self.ci_high < 0.0


def measure_run(scenario: Any, seed: int, weeks: Sequence[int] = WEEKS) -> RunMeasures:
    """Run one scenario to its horizon and read deliverable capacity and deliveries."""
    from ...model import CooperationModel

    model = CooperationModel(scenario, rng=seed)
    items = model.scenario_spec.items
    capacity: dict[tuple[str, int], float] = {}
    deliveries = {"us": 0.0, "allied": 0.0}
    wanted = set(weeks)
    while model.running:
        model.step()
        week = model.week
        for p in model.producer_list:
            if items[p.item].kind != "system":
                continue
            side = "us" if p.nation.iso == "USA" else "allied"
            deliveries[side] += p.output * p.unit_cost
            if week in wanted:
                key = (side, week)
                capacity[key] = capacity.get(key, 0.0) + p.deliverable_capacity(week) * p.unit_cost
    for w in weeks:
        for side in ("us", "allied"):
            capacity.setdefault((side, w), math.nan)
    entered = {b.key: b.entered for b in model.pipeline.barriers}
    return RunMeasures(capacity, deliveries, entered)


def variant_overrides(scenario: Any, key: str, variant: str) -> dict[str, Any]:
    """Dotted overrides that remove barrier ``key`` or make its median times slower (the one
    stricter rule, aspect ``delay``).
    """
    from ..study import stricter_overrides

    if variant == "removed":
        return {f"barriers.{key}.enabled": False}
    return stricter_overrides(getattr(scenario.barriers, key), key, "delay")


def measure_names(weeks: Sequence[int] = WEEKS) -> list[str]:
    """Column names: capacity per side and week, then deliveries per side."""
    names = [f"capacity_{side}_w{w}" for w in weeks for side in ("us", "allied")]
    return [*names, "deliveries_us", "deliveries_allied"]


def _flatten(m: RunMeasures, weeks: Sequence[int]) -> dict[str, float]:
    out = {f"capacity_{side}_w{w}": m.capacity[(side, w)] for w in weeks for side in ("us", "allied")}
    out.update({f"deliveries_{side}": v for side, v in m.deliveries.items()})
    return out


def paired(barrier: str, variant: str, measure: str, base: list[float], var: list[float]) -> Effect:
    """Mean paired difference with its 95% Student's t interval (analysis/stats)."""
    from ..analysis.stats import paired_difference

    est = paired_difference(np.asarray(var, dtype=float), np.asarray(base, dtype=float))
    return Effect(barrier, variant, measure, est.n, sum(base) / len(base), est.mean,
                  est.low, est.high)


def barrier_effects(scenario_name: str, seeds: int, root_seed: int = DEFAULT_ROOT_SEED,
                    barriers: Sequence[str] | None = None,
                    weeks: Sequence[int] = WEEKS) -> tuple[list[Effect], dict[str, float]]:
    """Paired effects of removing or slowing each barrier in a scenario.

    Args:
        scenario_name: a shipped scenario name or a YAML path.
        seeds: replications per arm (replicate i uses ``run_seed(root_seed, i)`` in every arm).
        root_seed: the experiment's root seed.
        barriers: barrier keys to test (default: all ten).
        weeks: weeks at which deliverable capacity is read (each at most the horizon).

    Returns:
        The effects, and the mean number of cases each barrier admitted in the base runs.
    """
    from ...model.barriers import BARRIERS
    from ...model.loader import load_scenario

    base_scn = load_scenario(scenario_name)
    keys = list(barriers or BARRIERS)
    seed_list = [run_seed(root_seed, i) for i in range(seeds)]
    base_runs = [measure_run(base_scn, s, weeks) for s in seed_list]
    base_cols = [_flatten(r, weeks) for r in base_runs]
    effects = []
    for key in keys:
        for variant in VARIANTS:
            scn = load_scenario(base_scn, variant_overrides(base_scn, key, variant))
            runs = [_flatten(measure_run(scn, s, weeks), weeks) for s in seed_list]
            for name in measure_names(weeks):
                effects.append(paired(key, variant, name, [b[name] for b in base_cols],
                                      [r[name] for r in runs]))
    entered = {k: sum(r.entered[k] for r in base_runs) / seeds for k in keys}
    return effects, entered


def table(effects: list[Effect], entered: dict[str, float], weeks: Sequence[int] = WEEKS) -> str:
    """A markdown table: one row per barrier and variant, mean change per measure
    (a star marks a 95% interval that excludes zero).
    """
    names = measure_names(weeks)
    head = ["barrier", "variant", "base cases", *names]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by = {(e.barrier, e.variant, e.measure): e for e in effects}
    for key, cases in entered.items():
        for variant in VARIANTS:
            cells = [key, variant, f"{cases:.0f}"]
            for name in names:
                e = by[(key, variant, name)]
                cells.append(f"{e.diff_mean:+.1f}{'*' if e.moves else ''}")
            rows.append("| " + " | ".join(cells) + " |")
    bases = {n: next(e.base_mean for e in effects if e.measure == n) for n in names}
    rows.append("| base mean | | | " + " | ".join(f"{bases[n]:.1f}" for n in names) + " |")
    return "\n".join(rows)


def write_csv(effects: list[Effect], path: Path) -> None:
    """One row per (barrier, variant, measure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["barrier", "variant", "measure", "n", "base_mean", "diff_mean", "ci_low", "ci_high"])
        for e in effects:
            w.writerow([e.barrier, e.variant, e.measure, e.n, e.base_mean, e.diff_mean, e.ci_low, e.ci_high])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the table (and timing); optionally write the CSV."""
    p = argparse.ArgumentParser(prog="python -m dibsim.experiments.validation.barrier_effects",
                                description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="indo_pacific_contingency", help="scenario name or YAML path")
    p.add_argument("--seeds", type=int, default=10, help="paired replications per arm")
    p.add_argument("--root-seed", type=int, default=DEFAULT_ROOT_SEED, help="experiment root seed")
    p.add_argument("--barrier", action="append", help="only this barrier (repeatable)")
    p.add_argument("--csv", type=Path, help="write every effect with its interval here")
    args = p.parse_args(argv)
    if args.seeds < 2:
        p.error("--seeds must be at least 2 (a paired interval needs two)")
    from ...model.loader import ScenarioError

    t0 = time.perf_counter()
    try:
        effects, entered = barrier_effects(args.scenario, args.seeds, args.root_seed, args.barrier)
    except (ScenarioError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - t0
    print(f"# {args.scenario}: {args.seeds} paired seeds, capacity in $M/week, deliveries in $M; "
          f"* = 95% interval excludes 0\n")
    print(table(effects, entered))
    runs = args.seeds * (1 + 2 * len(entered))
    print(f"\n{runs} runs in {elapsed:.0f} s ({elapsed / runs:.2f} s a run)")
    if args.csv:
        write_csv(effects, args.csv)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
