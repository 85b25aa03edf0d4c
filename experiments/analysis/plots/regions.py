"""Deterrence by region: each scenario's weekly ``deterrence.<region>`` with the crisis
onsets marked.

One panel per region that has a deterrence series (the regions an adversary assesses). Each
scenario's median across runs is a line with its 50% band; the week a crisis starts in the
region (the first week of ``crisis_active.<region>``, else the run's ``onset_week``) is
marked by a triangle on the panel's top edge in the scenario's colour, with a note of how many
runs have one when not all do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...engine.results import ResultsFolder
from .common import PlotRecord, colour, grid_figure, label_panel, record, week_quantiles
from .contract_data import (
    chosen_scenarios,
    first_active_week,
    labels,
    matrix,
    ok_runs,
    read_series,
    subset_note,
)


def region_onsets(ts: pd.DataFrame, region: str, g: pd.DataFrame) -> pd.Series:
    """Per run of ``g``, the first week a crisis is active in the region (NaN when none)."""
    active = matrix(ts, f"crisis_active.{region}")
    if not active.empty:
        return first_active_week(active).reindex(g["run_id"].astype(str))
    return pd.Series(np.nan, index=g["run_id"].astype(str))


def _mark_onsets(ax, onsets: pd.Series, col: str, slot: int) -> str | None:
    """A triangle at the median onset week on the top edge; the text 'k/n runs' when only
    some runs have an onset. Returns a description for the panel note, or None.
    """
    weeks = onsets.dropna()
    if weeks.empty:
        return None
    mid = float(np.median(weeks))
    ax.plot([mid], [1.0 - 0.035 * slot], marker="v", ms=8, color=col, mec="0.15", mew=0.6,
            transform=ax.get_xaxis_transform(), clip_on=False, ls="none")
    ax.axvline(mid, color=col, ls=":", lw=1.0, alpha=0.8)
    if len(weeks) < len(onsets):
        return f"{len(weeks)}/{len(onsets)} runs"
    return None


def plot_deterrence_by_region(folder: ResultsFolder, out_dir: Path,
                              formats: Iterable[str] = ("png",),
                              scenarios: Sequence[str] | None = None) -> PlotRecord | None:
    """Weekly deterrence index per region: each scenario's median and 50% band, onsets marked.

    Args:
        folder: the results folder.
        out_dir: where the image goes.
        formats: image formats (PNG first).
        scenarios: the scenarios to draw (default :func:`contract_data.chosen_scenarios`).
    """
    names_stored = folder.series_names()
    regions = [n.split(".", 1)[1] for n in names_stored if n.startswith("deterrence.")]
    chosen = list(scenarios or chosen_scenarios(folder))
    runs = ok_runs(folder.runs, chosen)
    if not regions or not runs:
        return None
    ids = pd.concat(runs.values())["run_id"]
    wanted = [f"{p}.{r}" for p in ("deterrence", "crisis_active") for r in regions]
    ts = read_series(folder, wanted, ids)
    names = labels(list(runs))
    # one region gets a wide panel, so the legend of a many-arm study fits under it
    panel = (9.5, 4.6) if len(regions) == 1 else (5.6, 3.6)
    fig, axes = grid_figure(len(regions), ncols=2, panel=panel, sharex=True, sharey=True)
    for ax, region in zip(axes, regions):
        det = matrix(ts, f"deterrence.{region}")
        partial = []
        for i, (scenario, g) in enumerate(runs.items()):
            m = det.reindex(g["run_id"].astype(str)).dropna(how="all")
            if m.empty:
                continue
            q = week_quantiles(m.to_numpy(dtype=float), [25, 50, 75])
            x = m.columns.to_numpy(dtype=float)
            ax.fill_between(x, q[0], q[2], color=colour(i), alpha=0.2, lw=0)
            ax.plot(x, q[1], color=colour(i), lw=1.5, label=names[scenario])
            note = _mark_onsets(ax, region_onsets(ts, region, g), colour(i), i)
            if note:
                partial.append(f"{names[scenario]}: {note}")
        if not any(ax.get_lines()):
            ax.text(0.5, 0.5, f"no deterrence series for {region}", ha="center",
                    transform=ax.transAxes, color="0.35")
        if not any(line.get_marker() == "v" for line in ax.get_lines()) and any(ax.get_lines()):
            ax.text(0.01, 0.97, "no crisis starts in this region in these runs",
                    transform=ax.transAxes, fontsize=8, color="0.35", va="top")
        if partial:  # one line per scenario, so the note never widens the panel
            shown = partial[:4] + ([f"… and {len(partial) - 4} more"] if len(partial) > 4 else [])
            ax.text(0.01, 0.02, "crisis onset in\n" + "\n".join(shown), transform=ax.transAxes,
                    fontsize=7, color="0.3", va="bottom", in_layout=False)
        ax.set_ylim(0, 1.05)
        label_panel(ax, region.replace("_", " "), "week of run (weeks)",
                    "deterrence index (0–1)")
    handles: list[Any] = [Line2D([], [], color=colour(i), lw=2) for i in range(len(runs))]
    texts = list(names.values())
    handles += [Patch(color="0.5", alpha=0.3),
                Line2D([], [], marker="v", color="0.4", ls=":", mec="0.15")]
    texts += ["50% of runs", "crisis onset in the region (median week, scenario's colour)"]
    fig.legend(handles, texts, loc="outside lower center", ncol=2 if len(regions) == 1 else 3,
               frameon=False, fontsize=8)
    fig.suptitle("deterrence by region: 1 − the adversary's assessed chance of success\n"
                 "(median across runs; higher is better)")
    caption = ("How strongly each region is deterred week by week in each scenario and how it "
               "moves when a crisis starts there (triangles); a lower line is a region the "
               "adversary judges easier to take." + subset_note(folder, list(runs)))
    return record(fig, out_dir / "deterrence_by_region", formats, "Deterrence by region",
                  caption, "deterrence_region")
