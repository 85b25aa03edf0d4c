"""The tornado chart of a barrier/reform study: how far each barrier and reform moves a metric.

One row per barrier (removed on one side of the row, made stricter on the other, drawn as two
half-height bars so they never hide each other) and one per reform or industrial investment, sorted by the larger of
the row's effects, largest on top. Each bar is the mean paired difference from the status quo
in the metric's own unit, with its 95% interval as an error bar; bars whose interval includes
zero are drawn faded ("not resolved").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...study import REFORM_KINDS
from ..answer import NO_CHANGE, effects, load_study
from ..catalog import better_direction, metric_label, plain_label, subject_label
from .common import OKABE_ITO, PlotRecord, figure, record, safe_name

#: Bar colours per arm kind (Okabe–Ito: blue, vermillion, bluish green, reddish purple).
KIND_COLOURS = {"removed": OKABE_ITO[0], "stricter": OKABE_ITO[3], "reform": OKABE_ITO[2],
                "investment": OKABE_ITO[4]}
KIND_LEGEND = {"removed": "barrier removed", "stricter": "barrier made stricter",
               "reform": "reform", "investment": "industrial investment (capacity bought)"}
#: A reform row's name prefix per kind.
PREFIX = {"reform": "reform: ", "investment": "investment: "}
#: Opacity of resolved and of not-resolved bars.
SOLID, FADED = 0.9, 0.25


def tornado_rows(table: pd.DataFrame, metric: str, headline: str) -> pd.DataFrame:
    """One row per barrier or reform with its bars' differences, sorted smallest first (so
    the largest is drawn on top).
    """
    g = table[(table["metric"] == metric) & (table["headline"] == headline)]
    rows = []
    for subject, s in g.groupby("subject", sort=False):
        kinds = {r.kind: r for r in s.itertuples()}
        size = max((abs(r.difference) for r in kinds.values() if np.isfinite(r.difference)),
                   default=0.0)
        kind = next((k for k in REFORM_KINDS if k in kinds), "removed")
        name = PREFIX.get(kind, "") + subject_label(kind, str(subject))
        rows.append({"name": name, "subject": subject, "size": size, "bars": kinds})
    return pd.DataFrame(rows).sort_values("size", kind="stable").reset_index(drop=True)


def _bar(ax, y: float, height: float, r, colour: str) -> None:
    if not np.isfinite(r.difference):
        ax.text(0, y, " no values", va="center", fontsize=8, color="0.4")
        return
    alpha = SOLID if r.resolved else FADED
    ax.barh(y, r.difference, height=height, color=colour, alpha=alpha, edgecolor=colour)
    if np.isfinite(r.ci_low):
        err = [[max(0.0, r.difference - r.ci_low)], [max(0.0, r.ci_high - r.difference)]]
        ax.errorbar(r.difference, y, xerr=err, fmt="none", ecolor="0.15", capsize=3,
                    elinewidth=1, alpha=1.0 if r.resolved else 0.45)


def plot_tornado(table: pd.DataFrame, metric: str, headline: str, out_dir: Path,
                 formats: Iterable[str] = ("png",), many_headlines: bool = False) -> PlotRecord:
    """Draw the tornado chart of one headline metric.

    Args:
        table: the study's effects (:func:`experiments.analysis.answer.effects`).
        metric: the metric to draw.
        headline: the headline scenario whose arms are drawn.
        out_dir: where the image goes.
        formats: image formats (PNG first).
        many_headlines: put the headline's name in the file name.
    """
    rows = tornado_rows(table, metric, headline)
    fig, ax = figure(9.0, max(3.2, 0.42 * len(rows) + 1.9))
    for y, row in rows.iterrows():
        bars = row["bars"]
        if all(r.verdict == NO_CHANGE for r in bars.values()):
            ax.text(0, y, "  no run changed", va="center", fontsize=8, color="0.45")
            continue
        reform = next((k for k in REFORM_KINDS if k in bars), None)
        if reform is not None:
            _bar(ax, y, 0.6, bars[reform], KIND_COLOURS[reform])
            continue
        for kind, offset in (("removed", 0.19), ("stricter", -0.19)):
            if kind in bars:
                _bar(ax, y + offset, 0.36, bars[kind], KIND_COLOURS[kind])
    ax.axvline(0, color="0.2", lw=1)
    ax.set_yticks(range(len(rows)), rows["name"])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    better = better_direction(metric) or 1
    arrow = "higher is better →" if better > 0 else "← lower is better"
    # three short lines: centred over the axes (right of the long row names), one long line
    # ran off the image's right edge
    ax.set_xlabel(f"change from the status quo: {metric_label(metric)}\n({arrow})")
    ax.set_title(f"{plain_label(metric)} in {headline.replace('_', ' ')}\n"
                 "each barrier removed or made stricter, each reform or investment\n"
                 "bar: mean paired difference; line: 95% interval; "
                 "faded: not resolved", fontsize=9)
    from matplotlib.patches import Patch

    kinds = set(table.loc[table["metric"] == metric, "kind"])
    ax.legend(handles=[Patch(color=KIND_COLOURS[k], label=KIND_LEGEND[k])
                       for k in KIND_COLOURS if k in kinds],
              loc="best", frameon=True, framealpha=0.9, fontsize=8)
    name = f"tornado_{safe_name(metric)}" + (f"_{safe_name(headline)}" if many_headlines else "")
    top = rows["name"].iloc[-1] if len(rows) else "none"
    caption = (f"How far each barrier and reform moves {metric} from the status quo of "
               f"{headline}, largest on top (here: {top}); bars clear of the zero line with "
               "their interval are effects the runs resolve, faded bars are not resolved.")
    return record(fig, out_dir / name, formats, f"Tornado chart of {metric} ({headline})",
                  caption, "tornado")


def tornado_plots(path: Path, out: Path, formats: Iterable[str] = ("png",)) -> list[PlotRecord]:
    """A tornado chart per headline metric and headline of a study folder (none otherwise)."""
    study = load_study(path)
    if study is None:
        return []
    table = effects(study)
    heads = list(dict.fromkeys(table["headline"]))
    return [plot_tornado(table, m, h, out, formats, len(heads) > 1) for h in heads
            for m in dict.fromkeys(table.loc[table["headline"] == h, "metric"])]
