"""Plots of sensitivity indices and of PRIM scenario discovery."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .common import SEQUENTIAL_CMAP, PlotRecord, colour, figure, grid_figure, record, safe_name

CAPTIONS = {
    "sobol": "Share of the variance of {metric} due to each swept setting alone (S1) and with "
             "its interactions (ST); long ST bars are the settings worth reforming or pinning down.",
    "morris": "Screening of the swept settings for {metric}: high μ* means a strong effect, "
              "high σ relative to μ* means a non-linear effect or interactions.",
    "scores": "Ranking of the swept settings by how much they help predict {metric} "
              "(extra-trees feature scores); the top bars are the settings that matter.",
}


def short_name(path: str) -> str:
    """The last two parts of a dotted path ('fms_case.median_days'), for crowded labels."""
    parts = path.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else path


def _height(n: int) -> float:
    return max(2.8, 0.45 * n + 1.6)


def plot_indices(table: pd.DataFrame, method: str, scenario: str, metric: str, out: Path,
                 formats: Iterable[str] = ("png",)) -> PlotRecord:
    """Tornado-style bars of the method's indices, largest on top."""
    draw = {"sobol": _sobol_bars, "morris": _morris_panels, "scores": _score_bars}[method]
    fig = draw(table, f"{scenario}: {metric}")
    stem = out / f"{method}_{safe_name(scenario)}_{safe_name(metric)}"
    name = {"sobol": "Sobol indices", "morris": "Morris screening", "scores": "Feature scores"}
    return record(fig, stem, formats, f"{name[method]} of {metric} ({scenario})",
                  CAPTIONS[method].format(metric=metric), f"sensitivity_{method}")


def _sobol_bars(table: pd.DataFrame, title: str):
    t = table.sort_values("ST", ascending=True)
    fig, ax = figure(8.5, _height(len(t)))
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["ST"], height=0.38, xerr=t["ST_conf"], color=colour(0), capsize=3,
            label="total (ST)")
    ax.barh(y - 0.2, t["S1"], height=0.38, xerr=t["S1_conf"], color=colour(1), capsize=3,
            label="first order (S1)")
    ax.set_yticks(y, t["parameter"])
    ax.set_xlabel("Sobol index (share of output variance, 0–1; bars: 95% interval)")
    ax.set_ylabel("swept parameter")
    ax.set_title(f"{title} — Sobol indices")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def _morris_panels(table: pd.DataFrame, title: str):
    t = table.sort_values("mu_star", ascending=True)
    fig, (left, right) = grid_figure(2, ncols=2, panel=(5.2, _height(len(t))))
    y = np.arange(len(t))
    left.barh(y, t["mu_star"], xerr=t["mu_star_conf"], color=colour(0), capsize=3)
    left.set_yticks(y, t["parameter"])
    left.set_xlabel("μ* (mean |elementary effect|, metric units per range)")
    left.set_ylabel("swept parameter")
    left.set_title(f"{title} — Morris μ*")
    right.scatter(t["mu_star"], t["sigma"], color=colour(1), s=30)
    for r in t.itertuples():
        right.annotate(short_name(str(r.parameter)), (r.mu_star, r.sigma), fontsize=8,
                       xytext=(3, 3), textcoords="offset points")
    right.set_xlabel("μ* (metric units per range)")
    right.set_ylabel("σ of elementary effects (metric units per range)")
    right.set_title(f"{title} — Morris μ* vs σ")
    return fig


def _score_bars(table: pd.DataFrame, title: str):
    t = table.sort_values("score", ascending=True)
    fig, ax = figure(8.5, _height(len(t)))
    ax.barh(np.arange(len(t)), t["score"], color=colour(2))
    ax.set_yticks(np.arange(len(t)), t["parameter"])
    ax.set_xlabel("feature score (extra trees, share of importance, sums to 1)")
    ax.set_ylabel("swept parameter")
    ax.set_title(f"{title} — feature scores")
    return fig


def plot_tradeoff(trajectory: pd.DataFrame, chosen: int, title: str, out: Path,
                  formats: Iterable[str] = ("png",), stem: str = "") -> PlotRecord:
    """PRIM's peeling trajectory: coverage against density, coloured by restricted dims."""
    fig, ax = figure(7.5, 5.2)
    points = ax.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"],
                        cmap=SEQUENTIAL_CMAP, s=28, zorder=3)
    ax.plot(trajectory["coverage"], trajectory["density"], color="0.6", lw=0.8, zorder=2)
    pick = trajectory.iloc[chosen]
    ax.scatter([pick["coverage"]], [pick["density"]], s=160, facecolors="none",
               edgecolors=colour(3), linewidths=2, zorder=4, label=f"chosen box #{chosen}")
    bar = fig.colorbar(points, ax=ax, label="restricted dimensions (count)")
    bar.set_ticks(range(int(trajectory["res_dim"].max()) + 1))
    ax.set_xlabel("coverage (share of all cases of interest inside the box, 0–1)")
    ax.set_ylabel("density (share of runs in the box that are of interest, 0–1)")
    ax.set_title(f"PRIM peeling trade-off: {title}")
    ax.legend(loc="lower left", frameon=False)
    caption = ("Each point is a candidate box on PRIM's peeling path: moving left buys purity "
               "(density) at the cost of explaining fewer cases (coverage); the ring is the box "
               "reported in the table.")
    return record(fig, out / f"prim_tradeoff_{stem or safe_name(title)}", formats,
                  f"PRIM trade-off: {title}", caption, "prim_tradeoff")


def plot_box_limits(limits: pd.DataFrame, title: str, out: Path,
                    formats: Iterable[str] = ("png",), stem: str = "") -> PlotRecord:
    """The chosen box's restricted ranges, each drawn within the parameter's full range."""
    fig, ax = figure(8.5, _height(len(limits)))
    for i, r in enumerate(limits.itertuples()):
        ax.barh(i, 1.0, color="0.88", height=0.5)
        if np.isnan(r.lower):  # a categorical setting: name the values kept
            ax.text(0.02, i, f"only: {getattr(r, 'values', '')}", va="center", fontsize=9)
            continue
        span = (r.full_high - r.full_low) or 1.0
        lo, hi = (r.lower - r.full_low) / span, (r.upper - r.full_low) / span
        ax.barh(i, hi - lo, left=lo, color=colour(0), height=0.5)
        ax.text(1.01, i, f"{r.lower:.3g} – {r.upper:.3g}", va="center", fontsize=8)
    ax.set_yticks(range(len(limits)), limits["parameter"])
    ax.set_xlim(0, 1.25)
    ax.set_xlabel("position within the swept range (0 = low bound, 1 = high bound)")
    ax.set_ylabel("swept parameter")
    ax.set_title(f"PRIM box limits: {title}")
    caption = ("The settings that define the discovered box: runs inside the blue ranges (and "
               "with the listed values) of all these settings are mostly cases of interest.")
    return record(fig, out / f"prim_box_{stem or safe_name(title)}", formats,
                  f"PRIM box: {title}", caption, "prim_box")
