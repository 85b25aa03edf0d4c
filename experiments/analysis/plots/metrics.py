"""Plots of per-run metrics: distributions per scenario, forest plots, parameter heatmaps."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import is_probability, metric_label
from ..stats import mean_interval, proportion_interval
from .common import SEQUENTIAL_CMAP, PlotRecord, colours_for, figure, record, safe_name


def _interval(values: np.ndarray, metric: str):
    return (proportion_interval if is_probability(metric) else mean_interval)(values)


def plot_distribution(runs: pd.DataFrame, metric: str, out_dir: Path,
                      formats: Iterable[str] = ("png",), seed: int = 0) -> PlotRecord:
    """Box plot and jittered runs of one metric per scenario, with the mean's 95% interval.

    Design points of a scenario are pooled. A scenario without values gets an 'no values'
    mark rather than an empty slot.
    """
    ok = runs[runs["status"] == "ok"]
    scenarios = list(dict.fromkeys(ok["scenario"]))
    colours = colours_for(scenarios)
    rng = np.random.default_rng(seed)
    fig, ax = figure(max(6.0, 1.1 * len(scenarios) + 2.5), 4.8)
    for i, scenario in enumerate(scenarios):
        values = ok.loc[ok["scenario"] == scenario, metric].to_numpy(dtype=float)
        _draw_one(ax, i, values[np.isfinite(values)], metric, colours[scenario], rng)
    ax.set_xticks(range(len(scenarios)), scenarios, rotation=30 if len(scenarios) > 4 else 0,
                  ha="right" if len(scenarios) > 4 else "center")
    ax.set_xlabel("scenario")
    ax.set_ylabel(metric_label(metric))
    ax.set_title(f"{metric} by scenario\ndots: runs; box: quartiles; black: mean with 95% interval",
                 fontsize=10)
    caption = (f"Spread of {metric} across replicate runs in each scenario; the black bar is the "
               "mean's 95% interval, so non-overlapping bars signal a real difference.")
    return record(fig, out_dir / f"dist_{safe_name(metric)}", formats,
                  f"Distribution of {metric} by scenario", caption, "distribution")


def _draw_one(ax, x: int, values: np.ndarray, metric: str, colour: str, rng) -> None:
    if values.size == 0:
        ax.text(x, 0.5, "no values", transform=ax.get_xaxis_transform(), ha="center",
                color="0.4", fontsize=9)
        return
    if not is_probability(metric) and values.size >= 5:
        ax.boxplot(values, positions=[x], widths=0.5, showfliers=False,
                   patch_artist=True, boxprops={"facecolor": colour, "alpha": 0.35},
                   medianprops={"color": colour})
    jitter = rng.uniform(-0.18, 0.18, values.size)
    ax.scatter(x + jitter, values, s=12, color=colour, alpha=0.7, linewidths=0)
    est = _interval(values, metric)
    if np.isfinite(est.low):
        err = [[max(0.0, est.mean - est.low)], [max(0.0, est.high - est.mean)]]  # rounding
        ax.errorbar(x + 0.3, est.mean, yerr=err,
                    fmt="o", color="black", capsize=4, ms=5)


def plot_forest(table: pd.DataFrame, metric: str, out_dir: Path,
                formats: Iterable[str] = ("png",)) -> PlotRecord:
    """Differences from the baseline with 95% intervals (paired where seeds are shared)."""
    rows = table[table["metric"] == metric].reset_index(drop=True)
    base = rows["baseline"].iloc[0]
    fig, ax = figure(8.0, max(2.6, 0.42 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    colours = colours_for(rows["method"])
    for yi, r in zip(y, rows.itertuples()):
        err = [[max(0.0, r.difference - r.ci_low)], [max(0.0, r.ci_high - r.difference)]]
        ax.errorbar(r.difference, yi, xerr=err if np.isfinite(r.ci_low) else None, fmt="o",
                    color=colours[r.method], capsize=4, ms=6)
    for method, c in colours.items():
        ax.plot([], [], "o", color=c, label=method)
    ax.axvline(0, color="0.3", lw=1, ls="--")
    ax.set_yticks(y, rows["scenario"])
    ax.set_ylabel("scenario")
    ax.set_xlabel(f"difference from {base}: {metric_label(metric)}")
    ax.set_title(f"{metric}\neach scenario minus {base}, 95% interval", fontsize=10)
    ax.legend(loc="best", frameon=False)
    caption = (f"How much each scenario changes {metric} relative to {base}; an interval "
               "that excludes the dashed zero line is a difference the runs can resolve.")
    return record(fig, out_dir / f"forest_{safe_name(metric)}", formats,
                  f"Forest plot of {metric} against {base}", caption, "forest")


def binned_means(runs: pd.DataFrame, metric: str, px: str, py: str,
                 bins: int | None = None) -> pd.DataFrame:
    """Mean of a metric over a 2-D grid of two parameters (cells of a grid, or bins).

    Parameters with at most ``bins`` distinct values keep their values; others are cut into
    ``bins`` equal-width intervals labelled by their midpoints. By default ``bins`` grows with
    the number of design points (about three points per cell, 3 to 8 bins per axis).
    """
    ok = runs[runs["status"] == "ok"]
    if bins is None:
        bins = int(np.clip(np.sqrt(ok["point"].nunique() / 3), 3, 8))
    keys = {}
    for p in (px, py):
        col = ok[p]
        if col.nunique() <= bins or not pd.api.types.is_numeric_dtype(col):
            keys[p] = col
        else:
            cut = pd.cut(col.astype(float), bins)
            keys[p] = cut.map(lambda iv: round(iv.mid, 6)).astype(float)
    frame = pd.DataFrame({"x": keys[px], "y": keys[py], "v": ok[metric].astype(float)})
    return frame.groupby(["y", "x"])["v"].mean().unstack("x").sort_index()


def plot_heatmap(runs: pd.DataFrame, metric: str, px: str, py: str, out_dir: Path,
                 formats: Iterable[str] = ("png",), scenario: str = "") -> PlotRecord:
    """Heatmap of a metric's mean over two swept parameters."""
    grid = binned_means(runs, metric, px, py)
    fig, ax = figure(7.5, 5.6)
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto",
                      cmap=SEQUENTIAL_CMAP)
    ax.set_xticks(range(grid.shape[1]), [f"{v:.3g}" if isinstance(v, float) else str(v)
                                         for v in grid.columns], rotation=45, ha="right")
    ax.set_yticks(range(grid.shape[0]), [f"{v:.3g}" if isinstance(v, float) else str(v)
                                         for v in grid.index])
    ax.set_xlabel(px)
    ax.set_ylabel(py)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label=f"{metric_label(metric)}, mean of runs")
    where = f" ({scenario})" if scenario else ""
    ax.set_title(f"{metric}{where}\nmean over two swept settings (blank cells: no runs)")
    caption = (f"Mean {metric} over the two swept settings {px} and {py}; a colour gradient "
               "along one axis shows which setting drives the metric, a diagonal one an interaction.")
    name = f"heatmap_{safe_name(metric)}_{safe_name(scenario)}" if scenario \
        else f"heatmap_{safe_name(metric)}"
    return record(fig, out_dir / name, formats, f"Heatmap of {metric}{where}", caption,
                  "heatmap")
