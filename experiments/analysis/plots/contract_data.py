"""What the results-contract plots read: which scenarios to draw, the crisis systems, unit
costs, and the weekly series of the chosen runs only.

A study folder holds ~25 arms; a chart with 25 lines or panels reads as noise, so plots that
compare scenarios draw a default subset (:func:`chosen_scenarios`): for a study, each
headline's status quo, the reforms and the barrier arms that move its primary metric most;
otherwise the folder's first :data:`MAX_SCENARIOS` scenarios. ``dibsim plot --scenario``
names the scenarios instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...engine.results import TIMESERIES_FILE, TIMESERIES_SCHEMA, ResultsFolder
from ...errors import UserError
from ..catalog import resolved_scenario

#: At most this many scenarios in a chart that compares scenarios (colours stay distinct).
MAX_SCENARIOS = 6
#: In a study, per headline: the barrier arms and reforms with the largest primary effect.
TOP_BARRIER_ARMS, TOP_REFORMS = 3, 2
#: The nation whose lines are "US" in the capacity-by-nation chart.
US_ISO = "USA"


def ok_runs(runs: pd.DataFrame, scenarios: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The finished runs of each chosen scenario, in the given order (empty ones left out)."""
    ok = runs[runs["status"] == "ok"]
    return {s: g for s in scenarios if not (g := ok[ok["scenario"] == s]).empty}


def chosen_scenarios(folder: ResultsFolder, requested: Sequence[str] | None = None) -> list[str]:
    """The scenarios that comparison charts draw.

    Args:
        folder: the results folder.
        requested: scenario names to draw instead of the default subset.

    Raises:
        UserError: when a requested name is not a scenario of the folder.
    """
    present = list(dict.fromkeys(folder.runs["scenario"].astype(str)))
    if requested:
        for name in requested:
            if name not in present:
                shown = ", ".join(present[:12]) + (" …" if len(present) > 12 else "")
                raise UserError(f"--scenario '{name}' is not in {folder.path} "
                                f"(available: {shown})")
        return list(dict.fromkeys(requested))
    study = _study_subset(folder)
    return study if study else present[:MAX_SCENARIOS]


def _study_subset(folder: ResultsFolder) -> list[str]:
    """Status quo, top reforms and top barrier arms (by the primary metric's effect size)."""
    from ...study import REFORM_KINDS
    from ..answer import effects, load_study

    study = load_study(folder)
    if study is None:
        return []
    try:
        table = effects(study)
    except UserError:
        return list(study.headlines)
    chosen: list[str] = []
    for head in study.headlines:
        g = table[(table["headline"] == head) & table["primary"]]
        g = g.assign(size=g["effect"].abs()).sort_values("size", ascending=False,
                                                          na_position="last")
        reform = g["kind"].isin(REFORM_KINDS)  # investments count with the reforms here
        reforms = g[reform]["arm"].head(TOP_REFORMS)
        barriers = g[~reform]["arm"].head(TOP_BARRIER_ARMS)
        chosen += [head, *reforms, *barriers]
    return list(dict.fromkeys(chosen))


def subset_note(folder: ResultsFolder, scenarios: Sequence[str]) -> str:
    """' (k of n scenarios: …)' when the chart leaves scenarios out, else ''."""
    n = folder.runs["scenario"].nunique()
    if len(scenarios) >= n:
        return ""
    return (f" It draws {len(scenarios)} of the {n} scenarios (the status quo, the reforms and "
            "barrier arms that move the primary metric most; dibsim plot --scenario picks others).")


def unit_costs(folder: ResultsFolder, scenario: str) -> dict[str, float]:
    """``items.<id>.unit_cost_musd`` of the scenario's systems ($M per unit)."""
    items = resolved_scenario(folder.manifest, scenario).get("items") or {}
    return {k: float(v["unit_cost_musd"]) for k, v in items.items()
            if isinstance(v, dict) and v.get("kind", "system") == "system"
            and v.get("unit_cost_musd") is not None}


def crisis_systems(folder: ResultsFolder, scenarios: Iterable[str], names: Iterable[str]
                   ) -> list[str]:
    """Systems a crisis or an adversary's campaign consumes in any of the scenarios, in item
    order; every system with an ``output.<system>`` series when the manifest says nothing.
    """
    stored = [n.split(".", 1)[1] for n in names if n.startswith("output.")]
    consumed: set[str] = set()
    for s in scenarios:
        scn = resolved_scenario(folder.manifest, s)
        for c in scn.get("crises") or []:
            consumed |= set(c.get("consumption_per_week") or {})
        for adv in (scn.get("adversaries") or {}).values():
            consumed |= set(((adv or {}).get("crisis") or {}).get("consumption_per_week") or {})
    return [s for s in stored if s in consumed] or stored


def read_series(folder: ResultsFolder, names: Iterable[str], run_ids: Iterable[str],
                min_week: int | None = None) -> pd.DataFrame:
    """The named weekly series of the given runs only (long format; from ``min_week`` on when
    given), read with filters so a 25-arm study is never loaded whole.
    """
    file = Path(folder.path) / TIMESERIES_FILE
    names, run_ids = sorted(set(names)), sorted(set(map(str, run_ids)))
    columns = [f.name for f in TIMESERIES_SCHEMA]
    if not file.is_file() or not names or not run_ids:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    try:
        filters: list[tuple[str, str, Any]] = [("series", "in", names), ("run_id", "in", run_ids)]
        if min_week is not None:
            filters.append(("week", ">=", int(min_week)))
        ts = pd.read_parquet(file, columns=columns, filters=filters)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise UserError(f"cannot read '{file}': {exc}") from exc
    return ts.astype({"run_id": str, "series": str, "week": np.int64, "value": float})


def matrix(ts: pd.DataFrame, name: str) -> pd.DataFrame:
    """Runs × weeks of one series."""
    sub = ts[ts["series"] == name]
    if sub.empty:
        return pd.DataFrame()
    return sub.pivot_table(index="run_id", columns="week", values="value",
                           aggfunc="sum").sort_index(axis=1)


def weighted(ts: pd.DataFrame, prefix: str, weights: dict[str, float]) -> pd.DataFrame:
    """Runs × weeks of Σ ``<prefix>.<key>`` × weight (e.g. units × $M/unit = $M/week)."""
    sub = ts[ts["series"].str.startswith(prefix + ".")]
    keys = sub["series"].str.slice(len(prefix) + 1)
    w = keys.map(weights)
    sub = sub.assign(value=sub["value"] * w)[w.notna()]
    if sub.empty:
        return pd.DataFrame()
    return sub.pivot_table(index="run_id", columns="week", values="value",
                           aggfunc="sum").sort_index(axis=1)


def first_active_week(m: pd.DataFrame) -> pd.Series:
    """Per run, the first week a 0/1 series is 1 (NaN when never)."""
    if m.empty:
        return pd.Series(dtype=float)
    active = m.to_numpy(dtype=float) > 0.5
    weeks = m.columns.to_numpy(dtype=float)
    first = np.where(active.any(axis=1), weeks[active.argmax(axis=1)], np.nan)
    return pd.Series(first, index=m.index)


def labels(scenarios: Sequence[str]) -> dict[str, str]:
    """Legend names: a study arm ``<headline>~<arm>`` reads as ``<arm>`` when every drawn arm
    varies the same headline, and that headline as ``<headline> (status quo)``.
    """
    heads = {s.split("~", 1)[0] for s in scenarios}
    if len(heads) != 1 or not any("~" in s for s in scenarios):
        return {s: s for s in scenarios}
    return {s: s.split("~", 1)[1] if "~" in s else f"{s} (status quo)" for s in scenarios}
