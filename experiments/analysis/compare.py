"""``dibsim compare``: each scenario's difference from a baseline, with 95% intervals.

An *arm* is one design point of one scenario in one results folder. Every arm is compared
with the baseline arm metric by metric. When the two arms share replicate seeds (the engine
derives a replicate's seed from the root seed and the replicate index alone, so scenarios of
one study run on common random numbers), runs are paired by seed and the interval is the t
interval of per-seed differences; otherwise it is Welch's (Newcombe's for 0/1 metrics). Both
intervals are reported so the reader sees what pairing bought.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder
from ..errors import UserError
from .catalog import design_info, is_probability, metric_columns
from .stats import LEVEL, paired_difference, unpaired_difference

#: Share of the smaller arm's runs whose seeds must appear in the other arm to pair them.
MIN_SHARED = 0.5


@dataclass(frozen=True)
class Arm:
    """One design point of one scenario in one folder: its label and its ok runs."""

    label: str
    source: str
    scenario: str
    point: int
    runs: pd.DataFrame


def build_arms(folders: list[ResultsFolder]) -> list[Arm]:
    """Arms of every folder, labelled 'scenario', with '@point' for sweeps and a folder prefix
    when a scenario name appears in more than one folder.
    """
    frames = [f.runs.assign(source=f.name) for f in folders]
    runs = pd.concat(frames, ignore_index=True)
    sources_per_scenario = runs.groupby("scenario")["source"].nunique()
    points_per = runs.groupby(["source", "scenario"])["point"].nunique()
    arms = []
    for (source, scenario, point), g in runs.groupby(["source", "scenario", "point"], sort=False):
        label = scenario if sources_per_scenario[scenario] == 1 else f"{source}/{scenario}"
        if points_per[(source, scenario)] > 1:
            label += f"@{point}"
        arms.append(Arm(label, source, scenario, int(point), g[g["status"] == "ok"]))
    return arms


def pick_baseline(arms: list[Arm], name: str | None) -> Arm:
    """The arm named by ``--baseline`` (label, 'folder/scenario' or scenario), else the
    scenario called 'baseline', else the first arm.
    """
    if name is None:
        named = [a for a in arms if a.scenario == "baseline"]
        return named[0] if named else arms[0]
    for key in ("label", "scenario"):
        hits = [a for a in arms if getattr(a, key) == name or f"{a.source}/{a.scenario}" == name]
        if hits:
            return hits[0]
    known = ", ".join(dict.fromkeys(a.label for a in arms))
    raise UserError(f"--baseline '{name}' is not a scenario in these results (known: {known})")


def _seeded(arm: Arm, metric: str) -> pd.Series:
    """The arm's finite values of a metric, indexed by seed."""
    s = arm.runs.set_index("seed")[metric].astype(float).dropna()
    return s[~s.index.duplicated()]


def difference(arm: Arm, base: Arm, metric: str, level: float = LEVEL) -> dict:
    """One comparison row: means, the difference with its interval and the method used.

    Runs are paired by seed when at least two seeds, and at least :data:`MIN_SHARED` of the
    smaller arm's runs, have values on both sides; only those pairs enter the interval.
    """
    a, b = _seeded(arm, metric), _seeded(base, metric)
    unpaired = unpaired_difference(a.to_numpy(), b.to_numpy(), is_probability(metric), level)
    shared = a.index.intersection(b.index)
    if a.empty or b.empty:
        est = replace(unpaired, method="no values")
    elif len(shared) >= 2 and len(shared) >= MIN_SHARED * min(len(a), len(b)):
        est = paired_difference(a.loc[shared].to_numpy(), b.loc[shared].to_numpy(), level)
    else:
        est = unpaired
    base_mean = float(b.mean()) if len(b) else np.nan
    return {"scenario": arm.label, "baseline": base.label, "metric": metric,
            "baseline_mean": base_mean, "scenario_mean": float(a.mean()) if len(a) else np.nan,
            "difference": est.mean, "ci_low": est.low, "ci_high": est.high,
            "relative_pct": 100 * est.mean / base_mean if base_mean else np.nan,
            "n": est.n, "method": est.method,
            "unpaired_ci_low": unpaired.low, "unpaired_ci_high": unpaired.high}


def compare(folders: list[ResultsFolder], baseline: str | None = None,
            metrics: list[str] | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Differences of every arm against the baseline arm, for each metric.

    Args:
        folders: loaded results folders (one or several).
        baseline: see :func:`pick_baseline`.
        metrics: metric columns (default: every metric found in all folders).
        level: confidence level.

    Returns:
        One row per (arm, metric) with the difference, its interval, the method and, for
        reference, the unpaired interval.
    """
    arms = build_arms(folders)
    base = pick_baseline(arms, baseline)
    metrics = metrics or common_metrics(folders)
    rows = [difference(arm, base, m, level) for m in metrics for arm in arms if arm is not base]
    if not rows:
        raise UserError("compare needs at least two scenarios or design points; "
                        f"found only '{base.label}'")
    return pd.DataFrame(rows)


def common_metrics(folders: list[ResultsFolder]) -> list[str]:
    """Metrics present in every folder, in the catalog's order."""
    lists = [metric_columns(f.runs, design_info(f).names) for f in folders]
    return [m for m in lists[0] if all(m in other for other in lists[1:])]


def to_markdown(table: pd.DataFrame) -> str:
    """A GitHub-flavoured markdown table of a comparison (numbers to 3 significant figures)."""
    cols = ["scenario", "metric", "baseline_mean", "scenario_mean", "difference", "ci_low",
            "ci_high", "relative_pct", "n", "method"]
    fmt = {c: (lambda v: "NA" if pd.isna(v) else f"{v:.3g}") for c in cols[2:8]}
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in table[cols].itertuples(index=False):
        cells = [fmt[c](v) if c in fmt else str(v) for c, v in zip(cols, r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_comparison(table: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    """Write ``comparison.csv`` and ``comparison.md`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, md = out_dir / "comparison.csv", out_dir / "comparison.md"
    table.to_csv(csv, index=False)
    base = table["baseline"].iloc[0]
    methods = ", ".join(sorted(table["method"].unique()))
    md.write_text(f"# Comparison against `{base}`\n\n95% intervals; method(s): {methods}.\n\n"
                  + to_markdown(table), encoding="utf-8")
    return csv, md
