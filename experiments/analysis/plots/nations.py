"""US versus allied capacity by nation: nameplate against deliverable, over time and at the
horizon.

Reads ``deliverable_nation.<ISO3>`` and ``capacity_nation.<ISO3>`` ($M/week: the value of the
nation's system lines' deliverable and installed capacity × learning). The left panel stacks
the status quo's mean deliverable capacity over time: the US, the :data:`TOP_ALLIES` allied
nations with most deliverable capacity at the horizon, and the rest as "other allies"; dashed
lines draw the nameplate totals (all nations, and the US), so the gap between a dashed line and
the stack top is capacity starved of inputs. The right panel compares the scenarios at the
horizon (mean of the last :data:`HORIZON_WEEKS` weeks): deliverable capacity by nation, and the
US and allied nameplate capacity that is not deliverable, hatched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from ...engine.results import ResultsFolder
from .common import OKABE_ITO, PlotRecord, grid_figure, label_panel, record
from .contract_data import US_ISO, chosen_scenarios, labels, ok_runs, read_series, subset_note
from .series import mark_onset

#: Allied nations named in the chart (the rest are "other allies"); with the US and "other
#: allies" this uses the palette's eight colours.
TOP_ALLIES = 6
#: Weeks at the end of the run averaged for "at the horizon".
HORIZON_WEEKS = 4
OTHER = "other allies"
OTHER_COLOUR = "0.62"
UNIT = "$M/week"


def _mean_by_week(ts: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Weeks × nations: the mean over runs of ``<prefix>.<ISO3>``."""
    sub = ts[ts["series"].str.startswith(prefix + ".")]
    table = sub.groupby(["week", "series"])["value"].mean().unstack("series")
    table.columns = [c.split(".", 1)[1] for c in table.columns]
    return table.sort_index()


def top_allies(deliverable: pd.DataFrame, n: int = TOP_ALLIES) -> list[str]:
    """The allied nations with most deliverable capacity over the last weeks, largest first."""
    tail = deliverable.tail(HORIZON_WEEKS).mean(axis=0).drop(US_ISO, errors="ignore")
    return list(tail[tail > 0].sort_values(ascending=False).index[:n])


def grouped(table: pd.DataFrame, named: Sequence[str]) -> pd.DataFrame:
    """Columns US, each named ally, other allies (missing ones are zero)."""
    out = pd.DataFrame(index=table.index)
    out["US"] = table.get(US_ISO, 0.0)
    for iso in named:
        out[iso] = table.get(iso, 0.0)
    rest = [c for c in table.columns if c != US_ISO and c not in named]
    out[OTHER] = table[rest].sum(axis=1) if rest else 0.0
    return out.fillna(0.0)


def nation_colours(named: Sequence[str]) -> dict[str, str]:
    """US blue, then the palette for the named allies, grey for the rest."""
    cols = {"US": OKABE_ITO[0]}
    cols |= {iso: OKABE_ITO[1 + i % (len(OKABE_ITO) - 1)] for i, iso in enumerate(named)}
    cols[OTHER] = OTHER_COLOUR
    return cols


def _over_time(ax, deliverable: pd.DataFrame, capacity: pd.DataFrame, named: Sequence[str],
               onsets: pd.Series, title: str) -> None:
    g = grouped(deliverable, named)
    cols = nation_colours(named)
    ax.stackplot(g.index, *[g[c] for c in g.columns], labels=list(g.columns),
                 colors=[cols[c] for c in g.columns], alpha=0.85, lw=0)
    ax.plot(capacity.index, capacity.sum(axis=1), color="0.1", ls="--", lw=1.3,
            label="nameplate, all nations")
    if US_ISO in capacity:
        ax.plot(capacity.index, capacity[US_ISO], color=OKABE_ITO[0], ls="--", lw=1.3,
                label="nameplate, US")
    mark_onset(ax, onsets)
    ax.set_ylim(bottom=0)
    ax.margins(x=0)
    label_panel(ax, title, "week of run (weeks)", f"capacity ({UNIT}, mean of runs)")


def _at_horizon(ax, horizon: dict[str, tuple[pd.Series, pd.Series]], named: Sequence[str],
                names: dict[str, str]) -> None:
    cols = nation_colours(named)
    rows = list(horizon)[::-1]  # status quo on top
    for y, scenario in enumerate(rows):
        deliverable, capacity = horizon[scenario]
        g = grouped(deliverable.to_frame().T, named).iloc[0]
        us_cap = float(capacity.get(US_ISO, 0.0))
        allied_cap = float(capacity.drop(US_ISO, errors="ignore").sum())
        left = 0.0
        segments = [("US", g["US"], cols["US"], None),
                    ("US nameplate not deliverable", max(0.0, us_cap - g["US"]), "white", "US")]
        segments += [(c, g[c], cols[c], None) for c in [*named, OTHER]]
        segments.append(("allied nameplate not deliverable",
                         max(0.0, allied_cap - g.drop("US").sum()), "white", "allied"))
        for label, width, col, hatch_of in segments:
            edge = OKABE_ITO[0] if hatch_of == "US" else OKABE_ITO[1] if hatch_of else col
            ax.barh(y, width, left=left, color=col, edgecolor=edge, lw=0.6 if hatch_of else 0,
                    hatch="///" if hatch_of else None, height=0.7,
                    label=label if y == 0 else None)
            left += width
        total = float(g.sum())
        share = g["US"] / total if total > 0 else float("nan")
        ax.text(left, y, f"  US {share:.0%} of deliverable", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [names[s] for s in rows])
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, ax.get_xlim()[1] * 1.22)  # room for the share notes
    ax.set_title(f"at the horizon (mean of the last {HORIZON_WEEKS} weeks and of runs)",
                 fontsize=10)
    ax.set_xlabel(f"capacity ({UNIT})")


def plot_capacity_by_nation(folder: ResultsFolder, out_dir: Path,
                            formats: Iterable[str] = ("png",),
                            scenarios: Sequence[str] | None = None) -> PlotRecord | None:
    """The US-versus-allied capacity chart by nation (status quo over time; scenarios at the
    horizon), nameplate against deliverable.

    Args:
        folder: the results folder.
        out_dir: where the image goes.
        formats: image formats (PNG first).
        scenarios: the scenarios to draw, the first one the status quo (default
            :func:`contract_data.chosen_scenarios`).
    """
    stored = folder.series_names()
    nations = [n.split(".", 1)[1] for n in stored if n.startswith("deliverable_nation.")]
    chosen = list(scenarios or chosen_scenarios(folder))
    runs = ok_runs(folder.runs, chosen)
    if not nations or not runs:
        return None
    wanted = [f"{p}.{iso}" for p in ("deliverable_nation", "capacity_nation") for iso in nations]
    status_quo, sq_runs = next(iter(runs.items()))
    ts = read_series(folder, wanted, sq_runs["run_id"])
    if ts.empty:
        return None
    deliverable, capacity = (_mean_by_week(ts, "deliverable_nation"),
                             _mean_by_week(ts, "capacity_nation"))
    named = top_allies(deliverable)
    last = int(ts["week"].max()) - HORIZON_WEEKS + 1
    horizon = {status_quo: (deliverable.tail(HORIZON_WEEKS).mean(),
                            capacity.tail(HORIZON_WEEKS).mean())}
    for scenario, g in list(runs.items())[1:]:
        tail = read_series(folder, wanted, g["run_id"], min_week=last)
        if not tail.empty:
            horizon[scenario] = (_mean_by_week(tail, "deliverable_nation").mean(),
                                 _mean_by_week(tail, "capacity_nation").mean())
    names = labels(list(runs))
    fig, (left, right) = grid_figure(2, ncols=2, panel=(6.6, max(4.6, 0.55 * len(horizon) + 2)))
    _over_time(left, deliverable, capacity, named, sq_runs.get("onset_week", pd.Series(
        dtype=float)), f"{names[status_quo]}: deliverable capacity by nation")
    _at_horizon(right, horizon, named, names)
    handles, texts = left.get_legend_handles_labels()
    h2, t2 = right.get_legend_handles_labels()
    keep = [(h, t) for h, t in zip(h2, t2) if "not deliverable" in t]
    fig.legend(handles + [h for h, _ in keep], texts + [t for _, t in keep],
               loc="outside lower center", ncol=6, frameon=False, fontsize=9)
    fig.suptitle("US versus allied capacity by nation ($M/week): deliverable (filled) against "
                 "nameplate (dashed / hatched: lines starved of inputs)")
    gap = capacity.tail(HORIZON_WEEKS).mean().sum() - deliverable.tail(HORIZON_WEEKS).mean().sum()
    caption = (f"How much of the deliverable capacity is American and how much allied ({', '.join(named)} "
               f"named), and how much nameplate capacity is starved of inputs (in {names[status_quo]} "
               f"{gap:,.0f} $M/week at the horizon); the bars compare scenarios at the horizon."
               + subset_note(folder, list(runs)))
    return record(fig, out_dir / "capacity_by_nation", formats,
                  "US versus allied capacity by nation", caption, "capacity_nation")
