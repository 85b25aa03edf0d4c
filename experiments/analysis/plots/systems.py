"""Surge by system and by value: per-system surge curves and value-weighted fan charts.

Both read the weekly series ``output.<system>`` (units/week) and ``deliverable.<system>``
(units/week) of the crisis systems (:func:`contract_data.crisis_systems`); value is units ×
the scenario's ``items.<id>.unit_cost_musd`` from the manifest ($M/week), the weighting of the
value metrics (``output_value_12m``…). Bands are across replications: 50% (25th–75th
percentile) and 90% (5th–95th).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...engine.results import ResultsFolder
from .common import ONSET_COLOUR, PlotRecord, colour, grid_figure, label_panel, plt, record, week_quantiles
from .contract_data import (
    chosen_scenarios,
    crisis_systems,
    labels,
    matrix,
    ok_runs,
    read_series,
    subset_note,
    unit_costs,
    weighted,
)
from .series import aligned_on_onset, fan, mark_onset

#: Weeks drawn before and after each run's onset in the surge curves (36 months after).
BEFORE_ONSET, AFTER_ONSET = 26, 156
SINCE_ONSET = "weeks since crisis onset (weeks)"


def bands(ax, m: pd.DataFrame, col: str, label: str | None) -> None:
    """Median line with light 90% and darker 50% bands across runs, week by week."""
    q = week_quantiles(m.to_numpy(dtype=float), [5, 25, 50, 75, 95])
    x = m.columns.to_numpy(dtype=float)
    ax.fill_between(x, q[0], q[4], color=col, alpha=0.10, lw=0)
    ax.fill_between(x, q[1], q[3], color=col, alpha=0.25, lw=0)
    ax.plot(x, q[2], color=col, lw=1.5, label=label)


def band_legend(fig, names: dict[str, str], extra: Sequence[tuple[object, str]] = ()) -> None:
    """One legend below the panels: a line per scenario, the two band shades, extras."""
    handles: list[Any] = [Line2D([], [], color=colour(i), lw=2) for i in range(len(names))]
    texts = list(names.values())
    handles += [Patch(color="0.5", alpha=0.45), Patch(color="0.5", alpha=0.15)]
    texts += ["50% of runs", "90% of runs"]
    for h, t in extra:
        handles.append(h)
        texts.append(t)
    fig.legend(handles, texts, loc="outside lower center", ncol=min(4, len(texts)),
               frameon=False, fontsize=9)


def _runs_and_systems(folder: ResultsFolder, scenarios: Sequence[str] | None):
    """The chosen scenarios' ok runs and the crisis systems they make (both figures' start)."""
    runs = ok_runs(folder.runs, list(scenarios or chosen_scenarios(folder)))
    return runs, crisis_systems(folder, runs, folder.series_names())


def plot_surge_by_system(folder: ResultsFolder, out_dir: Path, formats: Iterable[str] = ("png",),
                         scenarios: Sequence[str] | None = None) -> PlotRecord | None:
    """Weekly output of each crisis system (units/week) against weeks since the run's onset,
    one panel per system, one median and band per scenario.

    Args:
        folder: the results folder.
        out_dir: where the image goes.
        formats: image formats (PNG first).
        scenarios: the scenarios to draw (default :func:`contract_data.chosen_scenarios`).
    """
    runs, systems = _runs_and_systems(folder, scenarios)
    if not systems or not runs or "onset_week" not in folder.runs:
        return None
    ids = pd.concat(runs.values())["run_id"]
    ts = read_series(folder, [f"output.{s}" for s in systems], ids)
    mats = {s: matrix(ts, f"output.{s}") for s in systems}
    names = labels(list(runs))
    fig, axes = grid_figure(len(systems), ncols=3, panel=(4.4, 3.0), sharex=True)
    drawn = 0
    for ax, system in zip(axes, systems):
        for i, (scenario, g) in enumerate(runs.items()):
            onsets = g.set_index("run_id")["onset_week"].astype(float)
            aligned = aligned_on_onset(mats[system], onsets, BEFORE_ONSET, AFTER_ONSET)
            if not aligned.empty:
                bands(ax, aligned, colour(i), names[scenario])
                drawn += 1
        ax.axvline(0, color=ONSET_COLOUR, ls="--", lw=1.1)
        ax.set_ylim(bottom=0)
        label_panel(ax, system, SINCE_ONSET, "output (units/week)")
    if not drawn:
        axes[0].text(0.5, 0.5, "no run has a crisis onset: no surge to show",
                     transform=axes[0].transAxes, ha="center")
    band_legend(fig, names, [(Line2D([], [], color=ONSET_COLOUR, ls="--"), "crisis onset")])
    fig.suptitle("surge by system: weekly output of each crisis system around the onset "
                 "(median across runs)")
    caption = ("How fast and how far each crisis system's weekly output (units) ramps after "
               "the onset (dashed line) in each scenario; a curve that stays flat marks a "
               "system whose lines cannot surge." + subset_note(folder, list(runs)))
    return record(fig, out_dir / "surge_by_system", formats, "Surge curves by system",
                  caption, "surge_system")


def value_matrices(folder: ResultsFolder, ts: pd.DataFrame, scenario: str, ids: pd.Series,
                   systems: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs × weeks of crisis-system output and of deliverable capacity by value ($M/week)."""
    costs = {k: v for k, v in unit_costs(folder, scenario).items() if k in systems}
    mine = ts[ts["run_id"].isin(set(ids))]
    return weighted(mine, "output", costs), weighted(mine, "deliverable", costs)


def plot_value_fans(folder: ResultsFolder, out_dir: Path, formats: Iterable[str] = ("png",),
                    scenarios: Sequence[str] | None = None) -> PlotRecord | None:
    """Fan chart of weekly crisis-system output by value ($M/week) per scenario, with the
    median deliverable capacity by value drawn over it and the onset dashed.

    Args:
        folder: the results folder.
        out_dir: where the image goes.
        formats: image formats (PNG first).
        scenarios: the scenarios to draw (default :func:`contract_data.chosen_scenarios`).
    """
    runs, systems = _runs_and_systems(folder, scenarios)
    if not systems or not runs or not any(unit_costs(folder, s) for s in runs):
        return None
    ids = pd.concat(runs.values())["run_id"]
    wanted = [f"{p}.{s}" for p in ("output", "deliverable") for s in systems]
    ts = read_series(folder, wanted, ids)
    names = labels(list(runs))
    fig, axes = grid_figure(len(runs), ncols=3, panel=(4.4, 3.1), sharex=True, sharey=True)
    drawn, reference = 0, None
    for i, (ax, (scenario, g)) in enumerate(zip(axes, runs.items())):
        out_value, deliverable = value_matrices(folder, ts, scenario, g["run_id"], systems)
        if reference is not None:
            ax.plot(reference.index, reference, color="0.55", lw=0.9,
                    label=f"{names[next(iter(runs))]}: output median")
        if not out_value.empty:
            fan(ax, out_value, colour(i), "output by value (median)")
            reference = out_value.median(axis=0) if reference is None else reference
            drawn += 1
        if not deliverable.empty:
            ax.plot(deliverable.columns, deliverable.median(axis=0), color="0.15", lw=1.2,
                    ls=(0, (4, 2)), label="deliverable capacity by value (median)")
        mark_onset(ax, g["onset_week"] if "onset_week" in g else pd.Series(dtype=float))
        ax.set_ylim(bottom=0)
        label_panel(ax, names[scenario], "week of run (weeks)", "$M/week")
    if not drawn:
        plt.close(fig)
        return None
    _legend(fig, axes)
    fig.suptitle("crisis-system output by value ($M/week), median and bands across runs,\n"
                 "against deliverable capacity by value (dashed black)")
    caption = ("How much crisis-system output is worth each week in each scenario (units × "
               "unit cost, so a shell and an interceptor count by value) and how close it runs "
               "to the deliverable capacity above it; the dashed vertical line marks the onset."
               + subset_note(folder, list(runs)))
    return record(fig, out_dir / "fan_output_value", formats,
                  "Fan chart of crisis-system output by value", caption, "fan_value")


def _legend(fig, axes) -> None:
    seen: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    fig.legend(list(seen.values()), list(seen), loc="outside lower center",
               ncol=min(3, len(seen)), frameon=False, fontsize=9)
