"""``dibsim summary``: each metric's mean, spread and 95% interval per scenario and design point.

One row per (scenario, design point, metric) in ``summary.csv``. Failed runs are counted, not
averaged; missing values of ok runs (a metric undefined in that run, e.g. no crisis) are
counted as ``n_missing``. ``deterrence_failure`` is a probability with Wilson's interval.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, load_results
from .catalog import design_info, is_probability, metric_columns
from .stats import LEVEL, mean_interval, proportion_interval

if TYPE_CHECKING:
    from rich.table import Table

SUMMARY_FILE = "summary.csv"
SUMMARY_COLUMNS = ["scenario", "point", "metric", "mean", "sd", "ci_low", "ci_high", "n",
                   "n_missing", "n_failed", "method"]


def summarise(runs: pd.DataFrame, metrics: list[str] | None = None,
              params: list[str] | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Per (scenario, point, metric): mean, sd, interval, n, missing and failed counts.

    Args:
        runs: a runs table as read by :func:`experiments.engine.results.read_runs`.
        metrics: metric columns to summarise (default: all found).
        params: swept-parameter columns to carry along (their value at the point).
        level: confidence level.

    Returns:
        A long table with :data:`SUMMARY_COLUMNS` plus one column per swept parameter.
    """
    metrics = metrics or metric_columns(runs, params)
    params = [p for p in (params or []) if p in runs.columns]
    rows = []
    for (scenario, point), group in runs.groupby(["scenario", "point"], sort=True):
        ok = group[group["status"] == "ok"]
        base = {"scenario": scenario, "point": int(point)}
        base |= {p: group[p].iloc[0] for p in params}
        for metric in metrics:
            rows.append(base | _metric_row(ok, metric, len(group) - len(ok), level))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS[:2] + params + SUMMARY_COLUMNS[2:])


def _metric_row(ok: pd.DataFrame, metric: str, n_failed: int, level: float) -> dict:
    values = ok[metric].to_numpy(dtype=float) if metric in ok else np.array([])
    estimate = (proportion_interval if is_probability(metric) else mean_interval)(values, level)
    return {"metric": metric, "mean": estimate.mean, "sd": estimate.sd,
            "ci_low": estimate.low, "ci_high": estimate.high, "n": estimate.n,
            "n_missing": int(np.isnan(values).sum()), "n_failed": n_failed,
            "method": estimate.method}


def summarise_folder(folder: ResultsFolder, metrics: list[str] | None = None) -> pd.DataFrame:
    """:func:`summarise` of a loaded results folder, carrying its swept parameters."""
    params = design_info(folder).names
    return summarise(folder.runs, metrics or metric_columns(folder.runs, params), params)


def format_value(value: float) -> str:
    """A compact human number: 3 significant figures (thousands separated from 10,000 up),
    'NA' for NaN.
    """
    if value is None or not np.isfinite(value):
        return "NA"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def render_table(summary: pd.DataFrame, max_points: int = 40) -> "Table":
    """A rich table: one row per scenario/point, one column per metric, 'mean [low, high]'."""
    from rich.table import Table

    table = Table(title="dibsim summary: mean [95% interval] (n ok; failed)", show_lines=False)
    table.add_column("scenario / point")
    metrics = list(dict.fromkeys(summary["metric"]))
    for m in metrics:
        table.add_column(m, overflow="fold")
    for i, ((scenario, point), g) in enumerate(summary.groupby(["scenario", "point"], sort=True)):
        if i >= max_points:
            table.caption = f"… {summary.groupby(['scenario', 'point']).ngroups - i} more in CSV"
            break
        cells = {r.metric: f"{format_value(r.mean)} [{format_value(r.ci_low)}, "
                           f"{format_value(r.ci_high)}] ({r.n}; {r.n_failed})"
                 for r in g.itertuples()}
        table.add_row(f"{scenario} / {point}", *[cells.get(m, "") for m in metrics])
    return table


def write_summary(path: str | Path, metrics: list[str] | None = None,
                  out: str | Path | None = None) -> tuple[Path, pd.DataFrame]:
    """Summarise a results folder into ``summary.csv`` (in the folder unless ``out`` is given)."""
    folder = load_results(path)
    summary = summarise_folder(folder, metrics)
    target = Path(out) if out else folder.path / SUMMARY_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    summary.to_csv(target, index=False)
    return target, summary
