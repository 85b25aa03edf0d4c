"""The robustness checks of the main study: its top effects re-run in changed worlds.

Each *check world* changes every arm of the study in one way (experiments.analysis.robustness
reads the folders and flags each effect):

* ``structure``: each structural alternative of the study config
  (:data:`experiments.study.STRUCTURAL_ALTERNATIVES`);
* ``assumptions``: the low and the high end of each of the five assumption-tagged fields the
  headline depends on most, one at a time (the stored screening,
  :mod:`experiments.assumption_screen`; each arm's own values scaled);
* ``plausible_set``: points of the calibrated plausible set by history matching (the stored
  record of :data:`PLAUSIBLE_CALIBRATION`, :mod:`experiments.validation.calib_record`), spread
  across the set.

Only the **top resolved effects** are checked: the first :data:`TOP_CHECKED` barriers removed or
reforms of each headline's ranking whose primary effect the main study resolved (an unresolved
effect has no sign to hold), run with their status quo at reduced replications on the main
study's seeds; a headline with no resolved effect runs no check. Each world is read by the sign
rule of :mod:`experiments.analysis.robustness`, so 3–5 replications can say something: a world
fails an effect only by resolving it the other way, or with the group's other worlds by showing
the other sign too often. The worlds are run in :func:`priority` order (one of each group in turn) so a
budget that ends early still leaves each group some checks; what was skipped is listed in
``robustness/plan.json`` and said in the printed answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .study import RANKED_KINDS

#: Effects checked per headline: the top of its ranking.
TOP_CHECKED = 3
#: Replications per arm of a check world (reduced: a check of sign, not a new estimate); the
#: budget may lower it to :data:`MIN_CHECK_REPLICATIONS`.
CHECK_REPLICATIONS, MIN_CHECK_REPLICATIONS = 5, 3
#: The calibration whose stored plausible set the study checks against, and how many of its
#: points at most.
PLAUSIBLE_CALIBRATION, MAX_PLAUSIBLE = "expansion_155mm", 3
PLAN_FILE = "plan.json"


@dataclass(frozen=True)
class CheckWorld:
    """One changed world the top effects are re-run in."""

    group: str
    name: str
    what: str
    overrides: dict[str, Any] | None = None
    transform: Callable[[Any], dict[str, Any]] | None = None

    @property
    def folder(self) -> str:
        """The folder name under ``robustness/<group>/`` (no path or shell characters)."""
        return re.sub(r"[^A-Za-z0-9_.@=-]+", "_", self.name).strip("_")


def structure_worlds() -> list[CheckWorld]:
    """The structural alternatives."""
    from .study import STRUCTURAL_ALTERNATIVES

    return [CheckWorld("structure", name, f"{name} ({', '.join(f'{k} = {v}' for k, v in o.items())})", o)
            for name, o in STRUCTURAL_ALTERNATIVES.items()]


def assumption_worlds() -> list[CheckWorld]:
    """The low and high end of each of the top screened assumption-tagged fields."""
    from .assumption_screen import HIGH_FACTOR, LOW_FACTOR, end_transform, top_fields

    out = []
    for f in top_fields():
        for end, factor in (("low", LOW_FACTOR), ("high", HIGH_FACTOR)):
            out.append(CheckWorld("assumptions", f"{f}@{end}", f"{f} × {factor:g}",
                                  transform=end_transform(f, end)))
    return out


def plausible_worlds(limit: int = MAX_PLAUSIBLE) -> list[CheckWorld]:
    """Points of the stored plausible set (spread across it), each its study overrides."""
    from .validation.calib_record import read_record
    from .validation.history_matching import carried

    record = read_record(PLAUSIBLE_CALIBRATION)
    if record is None:
        return []
    sets = [s for s in record["plausible_set"]["carried"] if s.get("study_overrides")]
    return [CheckWorld("plausible_set", f"set_{i:02d}_trial_{sets[i]['trial']}",
                       f"{PLAUSIBLE_CALIBRATION} trial {sets[i]['trial']} "
                       f"(implausibility {sets[i]['implausibility']:.2f})", sets[i]["study_overrides"])
            for i in carried(len(sets), limit)]


def priority(groups: list[list[CheckWorld]]) -> list[CheckWorld]:
    """The worlds one of each group in turn (structure, assumption end, plausible point, …)."""
    out, k = [], 0
    while any(k < len(g) for g in groups):
        out += [g[k] for g in groups if k < len(g)]
        k += 1
    return out


def check_worlds() -> list[CheckWorld]:
    """Every check world, in the order the study runs them."""
    return priority([structure_worlds(), assumption_worlds(), plausible_worlds()])


def top_arms(table: pd.DataFrame, k: int = TOP_CHECKED) -> list[str]:
    """The arms of the first ``k`` resolved rows of each headline's ranking (barriers removed and
    reforms by their primary effect, largest |effect| first); fewer when fewer are resolved.
    """
    rows = table[table["primary"] & table["kind"].isin(RANKED_KINDS) & table["resolved"]]
    out: list[str] = []
    for _, group in rows.groupby("headline", sort=False):
        order = group.assign(_mag=group["effect"].abs()).sort_values("_mag", ascending=False)
        out += list(order["arm"].head(k))
    return out


def run_checks(out: Any, main_plan: Any, table: pd.DataFrame, budget: Any, run: Callable[[Any, Any], Any],
               say: Callable[[str], None], root_seed: int | None = None,
               headlines: Any = None, steps: int | None = None) -> dict[str, Any]:
    """Run the top effects in every check world that fits the budget; write ``plan.json``.

    Args:
        out: the main study folder (checks go to ``<out>/robustness/<group>/<world>``).
        main_plan: the main study's plan (its seeds, horizon and series setting are kept).
        table: the main study's effects (its ranking chooses the arms checked).
        budget: the :class:`~experiments.study_budget.Budget`.
        run: (plan, folder) → the engine's summary.
        say: prints one progress line.
        root_seed: the main study's root seed.
        headlines: the main study's headline scenarios (those with a checked effect are run).
        steps: the main study's horizon.

    Returns:
        What ``plan.json`` holds: the arms checked, the replications, the worlds run and skipped.
    """
    from pathlib import Path

    from .analysis.robustness import ROBUSTNESS_DIR
    from .engine.results import write_json_atomic
    from .study import study_plan, write_study_file
    from .study_budget import check_replications

    arms = top_arms(table)
    worlds = check_worlds() if arms else []
    if not arms:
        say(f"{budget.stamp()} robustness checks: none (no ranked effect is resolved, so none has "
            "a sign to check)")
    mine = set(table.loc[table["arm"].isin(arms), "headline"])
    headlines = [h for h in (headlines or dict.fromkeys(table["headline"])) if h in mine]
    per_rep = len(arms) + len(headlines)
    reps = check_replications(budget, per_rep, len(worlds),
                              min(s.replications for s in main_plan.scenarios))
    if arms:
        say(f"{budget.stamp()} robustness checks: {len(arms)} top resolved effects ({', '.join(arms)}) "
            f"in {len(worlds)} worlds × {reps} replications = up to {per_rep * reps * len(worlds)} runs")
    done, skipped = [], []
    for w in worlds:
        cost = per_rep * reps * (budget.pace or 0.0)
        if budget.limited and budget.left_until(1.0) < cost:
            skipped.append(w)
            continue
        plan, chosen, _ = study_plan(reps, steps, root_seed, headlines, overrides=w.overrides,
                                     transform=w.transform, only=arms)
        from dataclasses import replace

        plan = replace(plan, timeseries=main_plan.timeseries)
        folder = Path(out) / ROBUSTNESS_DIR / w.group / w.folder
        summary = run(plan, folder)
        budget.observe(summary.ran, summary.elapsed_s)
        write_study_file(folder, plan, chosen)
        done.append(w)
        say(f"{budget.stamp()} checked {w.group}: {w.what}")
    if skipped:
        groups = {g: sum(w.group == g for w in skipped) for g in dict.fromkeys(w.group for w in skipped)}
        say(f"{budget.stamp()} not checked for lack of time: {len(skipped)} of {len(worlds)} worlds ("
            + ", ".join(f"{n} {g}" for g, n in groups.items()) + f"; listed in {ROBUSTNESS_DIR}/{PLAN_FILE})")
    info = {"arms": arms, "replications": reps,
            "run": [{"group": w.group, "name": w.name, "what": w.what} for w in done],
            "skipped": [{"group": w.group, "name": w.name, "what": w.what} for w in skipped]}
    (Path(out) / ROBUSTNESS_DIR).mkdir(parents=True, exist_ok=True)
    write_json_atomic(info, Path(out) / ROBUSTNESS_DIR / PLAN_FILE)
    return info
