"""Where each effect is made: every arm's paired difference decomposed by producer, system,
nation and theatre.

A study's value metrics (``output_value_12m``, ``output_value_36m``) are sums over the crisis
systems' producers of units completed in a window from onset × the item's unit cost. The
weekly series ``output_producer.<producer_id>`` (model/series.py; lines licensed during the run
are summed as ``<iso3>_<item>_licensed``) gives each producer's part of that sum per run, so
the paired difference of an arm from its status quo (same replicate seed) splits exactly into
producer parts, which add up to system, nation and theatre (the producer nation's region)
parts. ``decomposition.csv`` holds them; the written answer names the producers that carry
most of each top effect (:func:`carriers`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, read_timeseries
from ..study import ORIENTATION
from .catalog import better_direction, resolved_scenario

DECOMPOSITION_CSV = "decomposition.csv"
SERIES_PREFIX = "output_producer."
LEVELS = ("producer", "system", "nation", "theatre")
#: Decomposable metrics → the measurement field holding their window from onset (weeks).
WINDOWS = {"output_value_12m": ("surge_window_weeks", 52), "output_value_36m": ("long_window_weeks", 156)}
#: The written answer names producers until they carry at least this share of an effect.
CARRY_SHARE = 0.5


@dataclass(frozen=True)
class Line:
    """What the decomposition knows of one producer series: its item, cost, nation, theatre."""

    key: str
    item: str
    unit_cost: float
    nation: str
    theatre: str
    label: str


def crisis_systems(resolved: dict[str, Any]) -> set[str]:
    """The systems any crisis of a resolved scenario consumes (every system when none does)."""
    items = resolved.get("items") or {}
    consumed = {k for c in resolved.get("crises") or [] for k in c.get("consumption_per_week", {})}
    for adv in (resolved.get("adversaries") or {}).values():
        consumed |= set((adv.get("crisis") or {}).get("consumption_per_week", {}))
    systems = {k for k, it in items.items() if it.get("kind") == "system"}
    return (systems & consumed) or systems


def lines(resolved: dict[str, Any], keys: Iterable[str]) -> dict[str, Line]:
    """The crisis-system lines among the series keys of one scenario (others are left out)."""
    items, nations = resolved.get("items") or {}, resolved.get("nations") or {}
    producers, wanted = resolved.get("producers") or {}, crisis_systems(resolved)
    out = {}
    for key in keys:
        if key in producers:
            item, iso = producers[key]["item"], producers[key]["nation"]
        elif key.endswith("_licensed") and "_" in key:
            iso, item = key.split("_", 1)[0].upper(), key.split("_", 1)[1][: -len("_licensed")]
        else:
            continue
        if item not in wanted or item not in items:
            continue
        name = items[item].get("name") or item
        out[key] = Line(key, item, float(items[item].get("unit_cost_musd", 1.0)), iso,
                        str((nations.get(iso) or {}).get("region", "")),
                        f"{iso} {name} line ({key})")
    return out


def producer_values(folder: ResultsFolder, scenario: str, metric: str,
                    cache: dict[Any, Any] | None = None) -> pd.DataFrame:
    """Per run of a scenario: each crisis-system producer's output value in the metric's
    window from onset ($M); columns ``replicate``, ``producer`` and ``value``.

    ``cache`` (one dict per folder) keeps the producer series read once and each scenario's
    values, so a whole study's decomposition reads ``timeseries.parquet`` once.
    """
    cache = {} if cache is None else cache
    if (scenario, metric) not in cache:
        cache[(scenario, metric)] = _producer_values(folder, scenario, metric, cache)
    return cache[(scenario, metric)]


def _producer_series(folder: ResultsFolder, cache: dict[Any, Any]) -> pd.DataFrame | None:
    """The producer series of the folder (long format; ``run_id`` and ``series`` as
    categories, so a whole study's windows are cut in one pass), read once.
    """
    if "series" not in cache:
        names = [n for n in folder.series_names() if n.startswith(SERIES_PREFIX)]
        cache["series"] = read_timeseries(folder.path, names, categories=True) if names else None
    return cache["series"]


def _window_units(folder: ResultsFolder, metric: str, cache: dict[Any, Any]) -> pd.Series | None:
    """Every finished run's units per producer inside the metric's window from its onset
    (each run's scenario sets the window's length), indexed by (run_id, producer); a pair
    with no week in the window is left out. One pass over the series for the whole study.
    """
    key = ("units", metric)
    if key not in cache:
        cache[key] = _cut_windows(folder, metric, _producer_series(folder, cache))
    return cache[key]


def _cut_windows(folder: ResultsFolder, metric: str, ts: pd.DataFrame | None) -> pd.Series | None:
    if ts is None or ts.empty:
        return None
    field, default = WINDOWS[metric]
    runs = folder.runs[(folder.runs["status"] == "ok") & folder.runs[metric].notna()]
    weeks = {name: int((resolved_scenario(folder.manifest, name).get("measurement") or {})
                       .get(field) or default)
             for name in runs["scenario"].unique()}
    by_run = runs.set_index("run_id")
    runs_cat = ts["run_id"].cat.categories
    start = by_run["onset_week"].reindex(runs_cat).to_numpy(dtype=float)  # NaN: not counted
    length = by_run["scenario"].map(weeks).reindex(runs_cat).to_numpy(dtype=float)
    code = ts["run_id"].cat.codes.to_numpy()
    week = ts["week"].to_numpy(dtype=float)
    inside = (week >= start[code]) & (week < start[code] + length[code])
    n_series = len(ts["series"].cat.categories)
    pair = code[inside].astype(np.int64) * n_series + ts["series"].cat.codes.to_numpy()[inside]
    units = np.bincount(pair, weights=ts["value"].to_numpy()[inside],
                        minlength=len(runs_cat) * n_series)
    seen = np.flatnonzero(np.bincount(pair, minlength=len(runs_cat) * n_series))
    producers = ts["series"].cat.categories.str.slice(len(SERIES_PREFIX))
    index = pd.MultiIndex.from_arrays([runs_cat[seen // n_series], producers[seen % n_series]],
                                      names=["run_id", "producer"])
    return pd.Series(units[seen], index=index, name="units")


def _producer_values(folder: ResultsFolder, scenario: str, metric: str,
                     cache: dict[Any, Any]) -> pd.DataFrame:
    resolved = resolved_scenario(folder.manifest, scenario)
    runs = folder.runs[(folder.runs["scenario"] == scenario) & (folder.runs["status"] == "ok")
                       & folder.runs[metric].notna()]
    empty = pd.DataFrame({"replicate": [], "producer": [], "value": []})
    units = None if runs.empty else _window_units(folder, metric, cache)
    if units is None:
        return empty
    units = units[units.index.get_level_values("run_id").isin(runs["run_id"])]
    known = lines(resolved, units.index.get_level_values("producer").unique())  # per key
    units = units[units.index.get_level_values("producer").isin(known)]
    if units.empty:
        return empty
    out = units.reset_index()
    out["value"] = out["units"] * out["producer"].map({k: ln.unit_cost for k, ln in known.items()})
    out["replicate"] = out["run_id"].map(runs.set_index("run_id")["replicate"])
    return out[["replicate", "producer", "value"]]


def decompose_arm(folder: ResultsFolder, arm: dict[str, Any], metric: str,
                  cache: dict[Any, Any] | None = None) -> pd.DataFrame:
    """One arm's oriented effect in a value metric, by producer, system, nation and theatre
    (``cache``: as :func:`producer_values`).
    """
    cache = {} if cache is None else cache
    base = producer_values(folder, arm["headline"], metric, cache)
    other = producer_values(folder, arm["name"], metric, cache)
    if base.empty or other.empty:
        return pd.DataFrame()
    wide_b = base.pivot_table(index="replicate", columns="producer", values="value", fill_value=0.0)
    wide_a = other.pivot_table(index="replicate", columns="producer", values="value", fill_value=0.0)
    reps = wide_b.index.intersection(wide_a.index)
    cols = wide_b.columns.union(wide_a.columns)
    diff = (wide_a.reindex(index=reps, columns=cols, fill_value=0.0)
            - wide_b.reindex(index=reps, columns=cols, fill_value=0.0))
    sign = ORIENTATION[arm["kind"]] * (better_direction(metric) or 1)
    effect = sign * diff.mean()
    own, head = (resolved_scenario(folder.manifest, arm[k]) for k in ("name", "headline"))
    meta = lines(own or head, cols)
    meta |= {k: v for k, v in lines(head, cols).items() if k not in meta}
    total = float(effect.sum())
    rows = []
    for level in LEVELS:
        key = {"producer": lambda ln: ln.key, "system": lambda ln: ln.item,
               "nation": lambda ln: ln.nation, "theatre": lambda ln: ln.theatre}[level]
        parts = effect.groupby([key(meta[c]) for c in effect.index]).sum()
        for part, value in parts.sort_values(key=abs, ascending=False).items():
            label = meta[part].label if level == "producer" else str(part)
            rows.append({"headline": arm["headline"], "arm": arm["name"], "kind": arm["kind"],
                         "subject": arm["subject"], "metric": metric, "level": level,
                         "part": part, "label": label, "effect": float(value),
                         "share": float(value / total) if total else np.nan,
                         "total_effect": total, "n": len(reps)})
    return pd.DataFrame(rows)


def decomposition(study: Any) -> pd.DataFrame:
    """Every studied arm's decomposition in every decomposable headline metric it has."""
    frames: list[pd.DataFrame] = []
    cache: dict[Any, Any] = {}  # the producer series are read once for the whole study
    for arm in study.arms:
        if arm["kind"] not in ORIENTATION:
            continue
        for metric in WINDOWS:
            if metric in study.folder.runs.columns:
                frames.append(decompose_arm(study.folder, arm, metric, cache))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def write_decomposition(study: Any, table: pd.DataFrame | None = None) -> Any:
    """Write ``decomposition.csv`` into the study folder; the path, or None without series."""
    table = decomposition(study) if table is None else table
    if table.empty:
        return None
    target = study.folder.path / DECOMPOSITION_CSV
    table.to_csv(target, index=False)
    return target


def carriers(dec: pd.DataFrame, arm: str, metric: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The producers that carry at least :data:`CARRY_SHARE` of an arm's effect (largest
    first, same sign as the effect) and the largest producer that offsets it.
    """
    rows = dec[(dec["arm"] == arm) & (dec["metric"] == metric) & (dec["level"] == "producer")]
    if rows.empty or not rows["total_effect"].iloc[0]:
        return rows.iloc[:0], rows.iloc[:0]
    total = rows["total_effect"].iloc[0]
    same = rows[np.sign(rows["effect"]) == np.sign(total)].sort_values(
        "effect", key=abs, ascending=False)
    carried = np.cumsum(same["effect"].abs()) / abs(total)
    count = int(np.searchsorted(carried.to_numpy(), CARRY_SHARE) + 1)
    offset = rows[np.sign(rows["effect"]) == -np.sign(total)].sort_values(
        "effect", key=abs, ascending=False).head(1)
    return same.head(count), offset


def where_made_sentence(dec: pd.DataFrame, effect_row: Any, name: str) -> str | None:
    """'Where <name>'s +467 $M is made: +572 at the USA AMRAAM line (...), ...; offset by ...'."""
    top, offset = carriers(dec, effect_row["arm"], effect_row["metric"])
    if top.empty:
        return None
    total = top["total_effect"].iloc[0]
    parts = ", ".join(f"{v:+,.0f} $M at the {lab}" for v, lab in zip(top["effect"], top["label"]))
    text = (f"Where {name}'s {total:+,.0f} $M is made: {parts} "
            f"({top['effect'].sum() / total:.0%} of it)")
    if not offset.empty:
        text += f"; offset by {offset['effect'].iloc[0]:+,.0f} $M at the {offset['label'].iloc[0]}"
    return text + "."
