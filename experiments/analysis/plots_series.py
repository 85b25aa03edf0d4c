"""Plots of the weekly series: fan charts, surge curves, open cases, US and allied output.

Series names follow ``docs/architecture.md`` ('Weekly series'). Each figure has one panel
per scenario (design points pooled), so scenarios read side by side on shared axes. Runs
without a crisis (``onset_week`` NaN) are kept in fan charts and left out of surge curves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from experiments.analysis.plots_common import (ONSET_COLOUR, PlotRecord, colour, colours_for,
                                               grid_figure, record, safe_name)

OUTPUT_SERIES = ("output_us", "output_allied")
OUTPUT_LABEL = "crisis-system output (units/week)"
WEEK_LABEL = "week of run (weeks)"


def series_matrix(ts: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """Runs × weeks of the sum of the named series (NaN where a run lacks a week)."""
    sub = ts[ts["series"].isin(list(names))]
    if sub.empty:
        return pd.DataFrame()
    summed = sub.groupby(["run_id", "week"])["value"].sum(min_count=1)
    return summed.unstack("week").sort_index(axis=1)


def _panel_runs(runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ok = runs[runs["status"] == "ok"]
    return {s: g for s, g in ok.groupby("scenario", sort=False)}


def mark_onset(ax, onsets: pd.Series) -> None:
    """A dashed line at the median onset week (and a band over the 10–90% range); a note
    when no run has a crisis."""
    weeks = onsets.astype(float).dropna()
    if weeks.empty:
        ax.text(0.02, 0.95, "no crisis onset in these runs", transform=ax.transAxes,
                va="top", fontsize=8, color="0.35")
        return
    lo, mid, hi = np.percentile(weeks, [10, 50, 90])
    if hi > lo:
        ax.axvspan(lo, hi, color=ONSET_COLOUR, alpha=0.08, lw=0)
    ax.axvline(mid, color=ONSET_COLOUR, ls="--", lw=1.2, label=f"crisis onset (median wk {mid:.0f})")


def fan(ax, matrix: pd.DataFrame, col: str, label: str = "median") -> None:
    """Median line with 50% and 90% bands across runs, week by week."""
    q = np.nanpercentile(matrix.to_numpy(dtype=float), [5, 25, 50, 75, 95], axis=0)
    weeks = matrix.columns.to_numpy(dtype=float)
    ax.fill_between(weeks, q[0], q[4], color=col, alpha=0.15, lw=0, label="90% band")
    ax.fill_between(weeks, q[1], q[3], color=col, alpha=0.35, lw=0, label="50% band")
    ax.plot(weeks, q[2], color=col, lw=1.6, label=label)


def plot_fan(runs: pd.DataFrame, ts: pd.DataFrame, names: Iterable[str], what: str,
             ylabel: str, out_dir: Path, formats: Iterable[str] = ("png",),
             file_stem: str = "") -> PlotRecord | None:
    """Fan chart of a (summed) series per scenario with the crisis onset marked."""
    names = list(names)
    matrix = series_matrix(ts, names)
    if matrix.empty:
        return None
    panels = _panel_runs(runs)
    fig, axes = grid_figure(len(panels), sharex=True, sharey=True)
    for i, (ax, (scenario, g)) in enumerate(zip(axes, panels.items())):
        m = matrix.reindex(g["run_id"]).dropna(how="all")
        if not m.empty:
            fan(ax, m, colour(i))
        mark_onset(ax, g["onset_week"] if "onset_week" in g else pd.Series(dtype=float))
        ax.set_title(f"{scenario}: {what}")
        ax.set_xlabel(WEEK_LABEL)
        ax.set_ylabel(ylabel)
    axes[0].legend(loc="best", frameon=False, fontsize=8)
    fig.suptitle(f"{what}: median, 50% and 90% bands across runs")
    caption = (f"How {what} evolves week by week in each scenario and how much it varies "
               "between runs; the dashed line marks the crisis onset.")
    stem = file_stem or f"fan_{safe_name(what)}"
    return record(fig, out_dir / stem, formats, f"Fan chart of {what}", caption, "fan")


def aligned_on_onset(matrix: pd.DataFrame, onsets: pd.Series, before: int = 26,
                     after: int = 104) -> pd.DataFrame:
    """Re-index each run's weeks as weeks since its own onset (runs without onset dropped)."""
    rows = {}
    for run_id, onset in onsets.dropna().items():
        if run_id not in matrix.index:
            continue
        row = matrix.loc[run_id]
        rel = row.index.to_numpy(dtype=float) - float(onset)
        keep = (rel >= -before) & (rel <= after)
        rows[run_id] = pd.Series(row.to_numpy()[keep], index=rel[keep].astype(int))
    return pd.DataFrame(rows).T.sort_index(axis=1) if rows else pd.DataFrame()


def plot_surge(runs: pd.DataFrame, ts: pd.DataFrame, out_dir: Path,
               formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """Weekly crisis-system output against weeks since onset, one line per scenario."""
    matrix = series_matrix(ts, OUTPUT_SERIES)
    if matrix.empty or "onset_week" not in runs:
        return None
    panels = _panel_runs(runs)
    colours = colours_for(panels)
    fig, axes = grid_figure(1, ncols=1, panel=(8.5, 5.0))
    ax, drawn = axes[0], 0
    for scenario, g in panels.items():
        aligned = aligned_on_onset(matrix, g.set_index("run_id")["onset_week"].astype(float))
        if aligned.empty:
            continue
        q = np.nanpercentile(aligned.to_numpy(dtype=float), [25, 50, 75], axis=0)
        weeks = aligned.columns.to_numpy()
        ax.fill_between(weeks, q[0], q[2], color=colours[scenario], alpha=0.15, lw=0)
        ax.plot(weeks, q[1], color=colours[scenario], lw=1.8,
                label=f"{scenario} (n={len(aligned)})")
        drawn += 1
    if not drawn:
        ax.text(0.5, 0.5, "no run has a crisis onset: no surge to show",
                transform=ax.transAxes, ha="center")
    ax.axvline(0, color=ONSET_COLOUR, ls="--", lw=1.2)
    ax.set_xlabel("weeks since crisis onset (weeks)")
    ax.set_ylabel(OUTPUT_LABEL)
    ax.set_title("surge curves: crisis-system output around onset (median, 50% band)")
    if drawn:
        ax.legend(loc="upper left", frameon=False)
    caption = ("How fast each scenario ramps crisis-system output after the onset (dashed); "
               "a steeper, higher curve is a stronger surge.")
    return record(fig, out_dir / "surge_curves", formats, "Surge curves by scenario", caption,
                  "surge")


def plot_open_cases(runs: pd.DataFrame, ts: pd.DataFrame, barriers: list[str], out_dir: Path,
                    formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """Mean open cases per barrier over time, one panel per scenario."""
    if not barriers:
        return None
    panels = _panel_runs(runs)
    colours = colours_for(barriers)
    mats = {b: series_matrix(ts, [f"open_cases.{b}"]) for b in barriers}
    fig, axes = grid_figure(len(panels), sharex=True, sharey=True)
    for ax, (scenario, g) in zip(axes, panels.items()):
        for b in barriers:
            m = mats[b].reindex(g["run_id"]).dropna(how="all")
            if not m.empty:
                ax.plot(m.columns, m.mean(axis=0), color=colours[b], lw=1.4, label=b)
        mark_onset(ax, g["onset_week"] if "onset_week" in g else pd.Series(dtype=float))
        ax.set_title(f"{scenario}: open cases per barrier")
        ax.set_xlabel(WEEK_LABEL)
        ax.set_ylabel("open cases (cases, mean of runs)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(5, len(labels)), frameon=False,
               fontsize=8, bbox_to_anchor=(0.5, -0.01))
    fig.suptitle("open regulatory cases per barrier (where the pipeline congests)")
    fig.subplots_adjust(bottom=0.18)
    caption = ("Which barrier stages hold the most open cases and when; a line that climbs "
               "after the onset marks the stage where the pipeline congests.")
    return record(fig, out_dir / "open_cases", formats, "Open cases per barrier", caption,
                  "open_cases")


def plot_stacked_output(runs: pd.DataFrame, ts: pd.DataFrame, out_dir: Path,
                        formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """Mean weekly output made in the US and outside it, stacked, one panel per scenario."""
    us, allied = series_matrix(ts, ["output_us"]), series_matrix(ts, ["output_allied"])
    if us.empty or allied.empty:
        return None
    panels = _panel_runs(runs)
    fig, axes = grid_figure(len(panels), sharex=True, sharey=True)
    for ax, (scenario, g) in zip(axes, panels.items()):
        mu = us.reindex(g["run_id"]).mean(axis=0)
        ma = allied.reindex(g["run_id"]).mean(axis=0).reindex(mu.index)
        ax.stackplot(mu.index, mu.fillna(0), ma.fillna(0), labels=["US-made", "allied-made"],
                     colors=[colour(0), colour(1)], alpha=0.85)
        mark_onset(ax, g["onset_week"] if "onset_week" in g else pd.Series(dtype=float))
        ax.set_title(f"{scenario}: US vs allied output")
        ax.set_xlabel(WEEK_LABEL)
        ax.set_ylabel(OUTPUT_LABEL)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, -0.01))
    fig.suptitle("crisis-system output by where it is made (mean of runs, stacked)")
    fig.subplots_adjust(bottom=0.18)
    caption = ("How much of the crisis-system output comes from allied lines rather than US "
               "ones in each scenario, and whether the allied share grows after the onset.")
    return record(fig, out_dir / "output_us_allied", formats, "US versus allied output",
                  caption, "stacked")
