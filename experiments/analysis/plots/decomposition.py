"""Where the top effects are made: a stacked bar per effect, one segment per producer.

Each bar is one of the largest resolved barrier costs and reform gains of a study in a value
metric; its segments are the producers' parts of the paired difference
(:mod:`experiments.analysis.decomposition`), the few largest named and the rest pooled as
"other lines", gains to the right of zero and offsets to the left.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...study import RANKED_KINDS
from ..catalog import plain_label, ranked_label
from .common import PlotRecord, colour, figure, record, safe_name

#: Effects drawn, and producers named (the rest are pooled).
TOP_EFFECTS, TOP_PRODUCERS = 5, 6
OTHER = "other lines"


def top_effects(table: pd.DataFrame, dec: pd.DataFrame, metric: str, headline: str) -> pd.DataFrame:
    """The largest resolved barrier costs and reform gains in ``metric`` that have parts."""
    rows = table[(table["headline"] == headline) & (table["metric"] == metric)
                 & table["kind"].isin(RANKED_KINDS) & table["resolved"]
                 & table["arm"].isin(dec["arm"])]
    return rows.reindex(rows["effect"].abs().sort_values(ascending=False).index).head(TOP_EFFECTS)


def plot_decomposition(table: pd.DataFrame, dec: pd.DataFrame, metric: str, headline: str,
                       out_dir: Path, formats: Iterable[str] = ("png",)) -> PlotRecord | None:
    """The stacked bar of the top effects by producer, or None when nothing is resolved."""
    effects = top_effects(table, dec, metric, headline)
    if effects.empty:
        return None
    parts = dec[(dec["metric"] == metric) & (dec["level"] == "producer")
                & dec["arm"].isin(effects["arm"])]
    named = list(parts.groupby("label")["effect"].apply(lambda v: v.abs().sum())
                 .sort_values(ascending=False).index[:TOP_PRODUCERS])
    parts = parts.assign(segment=np.where(parts["label"].isin(named), parts["label"], OTHER))
    wide = parts.pivot_table(index="arm", columns="segment", values="effect", aggfunc="sum",
                             fill_value=0.0).reindex(effects["arm"][::-1])
    fig, ax = figure(9.0, 1.0 + 0.55 * len(wide) + 0.25 * len(wide.columns))
    order = [*named, OTHER]
    for y, (_, row) in enumerate(wide.iterrows()):
        right = left = 0.0
        for i, seg in enumerate(s for s in order if s in wide.columns):
            v = float(row[seg])
            start = right if v >= 0 else left
            ax.barh(y, v, left=start, color=colour(i) if seg != OTHER else "0.7",
                    label=seg if y == 0 else None, height=0.6)
            right, left = (right + v, left) if v >= 0 else (right, left + v)
    ax.axvline(0, color="0.2", lw=1)
    names = [ranked_label(k, s) for k, s in zip(effects["kind"][::-1], effects["subject"][::-1])]
    ax.set_yticks(range(len(wide)), names)
    ax.set_xlabel(f"effect by producer: {plain_label(metric)}")
    ax.set_title(f"Where the largest effects are made ({headline.replace('_', ' ')})", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8, frameon=False)
    top = names[-1]
    caption = (f"Each bar is a resolved barrier cost or reform gain in {plain_label(metric)}, "
               f"split by the producer lines where it is made (here the largest is {top}); "
               "segments left of zero are lines that lose output.")
    return record(fig, out_dir / f"decomposition_{safe_name(metric)}_{safe_name(headline)}",
                  formats, f"Where the effects are made ({plain_label(metric)})", caption,
                  "decomposition")
