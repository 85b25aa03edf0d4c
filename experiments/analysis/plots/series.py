"""Plots of the weekly series: fan charts, surge curves, open cases, US and allied output.

Series names follow ``docs/architecture.md`` ('Weekly series'). Each figure has one panel
per scenario (design points pooled), so scenarios read side by side on shared axes. Runs
without a crisis (``onset_week`` NaN) are kept in fan charts and left out of surge curves.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (
    ONSET_COLOUR,
    PlotRecord,
    colour,
    colours_for,
    grid_figure,
    label_panel,
    line_style,
    record,
    safe_name,
    week_quantiles,
)

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


def _onsets(runs: pd.DataFrame) -> pd.Series:
    return runs["onset_week"] if "onset_week" in runs else pd.Series(dtype=float)


def _figure_legend(fig, axes) -> None:
    """One legend below the panels, gathering each label once from every panel."""
    seen: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    if seen:
        fig.legend(list(seen.values()), list(seen), loc="outside lower center",
                   ncol=min(5, len(seen)), frameon=False, fontsize=9)


def _panel_runs(runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ok = runs[runs["status"] == "ok"]
    return {name: g for name, g in ok.groupby("scenario", sort=False)}  # noqa: C416 - a GroupBy is no mapping


def mark_onset(ax, onsets: pd.Series) -> None:
    """A dashed line at the median onset week (and a band over the 10–90% range); a note
    when no run has a crisis.
    """
    weeks = onsets.astype(float).dropna()
    if weeks.empty:
        ax.text(0.02, 0.95, "no crisis onset in these runs", transform=ax.transAxes,
                va="top", fontsize=8, color="0.35")
        return
    lo, mid, hi = np.percentile(weeks, [10, 50, 90])
    if hi > lo:
        ax.axvspan(lo, hi, color=ONSET_COLOUR, alpha=0.08, lw=0)
    ax.axvline(mid, color=ONSET_COLOUR, ls="--", lw=1.2,
               label="crisis onset (median week; shaded: 10–90% of runs)")


def fan(ax, matrix: pd.DataFrame, col: str, label: str = "median") -> None:
    """Median line with 50% and 90% bands across runs, week by week."""
    q = week_quantiles(matrix.to_numpy(dtype=float), [5, 25, 50, 75, 95])
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
        mark_onset(ax, _onsets(g))
        label_panel(ax, str(scenario), WEEK_LABEL, ylabel)
    _figure_legend(fig, axes)
    fig.suptitle(f"{what} by scenario: median, 50% and 90% bands across runs")
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


#: Weeks before onset whose mean output is the pre-crisis level of the relative surge panel.
PRE_ONSET_WEEKS = 4


def relative_to_pre_onset(aligned: pd.DataFrame) -> pd.DataFrame:
    """Each run's aligned output divided by its mean over the weeks just before onset."""
    pre = [w for w in aligned.columns if -PRE_ONSET_WEEKS <= w < 0]
    level = aligned[pre].mean(axis=1) if pre else pd.Series(np.nan, index=aligned.index)
    return aligned.div(level.where(level > 0), axis=0)


def _surge_lines(ax, aligned: pd.DataFrame, col: str, label: str | None) -> None:
    q = week_quantiles(aligned.to_numpy(dtype=float), [25, 50, 75])
    weeks = aligned.columns.to_numpy()
    ax.fill_between(weeks, q[0], q[2], color=col, alpha=0.15, lw=0)
    ax.plot(weeks, q[1], color=col, lw=1.8, label=label)


def plot_surge(runs: pd.DataFrame, ts: pd.DataFrame, out_dir: Path,
               formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """Weekly crisis-system output against weeks since onset, one line per scenario: in
    units/week, and relative to the run's own pre-onset level.
    """
    matrix = series_matrix(ts, OUTPUT_SERIES)
    if matrix.empty or "onset_week" not in runs:
        return None
    panels = _panel_runs(runs)
    colours = colours_for(panels)
    fig, (ax, rel) = grid_figure(2, ncols=2, panel=(6.0, 4.4), sharex=True)
    drawn = 0
    for scenario, g in panels.items():
        aligned = aligned_on_onset(matrix, g.set_index("run_id")["onset_week"].astype(float))
        if aligned.empty:
            continue
        _surge_lines(ax, aligned, colours[scenario], f"{scenario} (n={len(aligned)})")
        _surge_lines(rel, relative_to_pre_onset(aligned), colours[scenario], None)
        drawn += 1
    if not drawn:
        ax.text(0.5, 0.5, "no run has a crisis onset: no surge to show",
                transform=ax.transAxes, ha="center")
    for a in (ax, rel):
        a.axvline(0, color=ONSET_COLOUR, ls="--", lw=1.2)
        a.set_xlabel("weeks since crisis onset (weeks)")
    ax.set_ylabel(OUTPUT_LABEL)
    rel.set_ylabel(f"output ÷ mean of the {PRE_ONSET_WEEKS} weeks before onset (×)")
    ax.set_title("weekly output, units/week")
    rel.set_title("weekly output relative to pre-onset level")
    fig.suptitle("surge curves by scenario: crisis-system output around onset "
                 "(median and 50% band of runs)")
    if drawn:
        fig.legend(loc="outside lower center", ncol=min(3, drawn), frameon=False)
    caption = ("How fast and how far each scenario ramps crisis-system output after the onset "
               "(dashed line), in units and relative to its own pre-crisis level; a steeper, "
               "higher curve is a stronger surge.")
    return record(fig, out_dir / "surge_curves", formats, "Surge curves by scenario", caption,
                  "surge")


def plot_open_cases(runs: pd.DataFrame, ts: pd.DataFrame, barriers: list[str], out_dir: Path,
                    formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """Mean open cases per barrier over time, one panel per scenario."""
    if not barriers:
        return None
    panels = _panel_runs(runs)
    mats = {b: series_matrix(ts, [f"open_cases.{b}"]) for b in barriers}
    fig, axes = grid_figure(len(panels), sharex=True, sharey=True)
    for ax, (scenario, g) in zip(axes, panels.items()):
        for i, b in enumerate(barriers):
            m = mats[b].reindex(g["run_id"]).dropna(how="all")
            if not m.empty:
                ax.plot(m.columns, m.mean(axis=0), lw=1.4, label=b, **line_style(i))
        mark_onset(ax, _onsets(g))
        label_panel(ax, str(scenario), WEEK_LABEL, "open cases (cases, mean of runs)")
    _figure_legend(fig, axes)
    fig.suptitle("open regulatory cases per barrier by scenario (where the pipeline congests)")
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
        mark_onset(ax, _onsets(g))
        label_panel(ax, str(scenario), WEEK_LABEL, OUTPUT_LABEL)
    _figure_legend(fig, axes)
    fig.suptitle("US versus allied crisis-system output by scenario (mean of runs, stacked)")
    caption = ("How much of the crisis-system output comes from allied lines rather than US "
               "ones in each scenario, and whether the allied share grows after the onset.")
    return record(fig, out_dir / "output_us_allied", formats, "US versus allied output",
                  caption, "stacked")
