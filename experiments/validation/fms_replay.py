"""The FMS timelines replay (``measure: fms_process``): simulated FMS cases set against the
public record of named cases and published stage times.

In the replay world every buyer opens one FMS case for its system in the first week (the
replay compares durations, not calendar dates). Each run yields, per first delivery of an FMS
order, its case's milestones (``model/fms.py``: letter of request, notification, LOA,
contract) and the week its first units arrived (``model/lead_times.py``). A named case is
compared through the run's case of the same buyer and item: each interval between two dates
the record gives (notified → LOA, LOA → first delivery, …), median over runs against the
observed days. A published stage time (``durations``) is compared with the median over every
simulated case. With three or more cases giving notified → first delivery, the cases' median
and 90th percentile of it are compared with the simulated ones pooled over runs and cases.
Errors are relative (simulated ÷ observed − 1), as for rates, so the calibrator's loss reads
them alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .history import spread

#: The per-record fields, in the order they are stored in a run's series (``fms.<field>``).
FIELDS = ("case", "lor", "notified", "loa", "contract", "first_delivery")


def case_records(model: Any, cases: Sequence[Any]) -> dict[str, list[float]]:
    """The run's FMS first deliveries as columns (``fms.<field>``, weeks; ``fms.case`` the
    index of the named case of the same buyer and item, −1 for none).
    """
    index = {(c.nation, c.item): i for i, c in enumerate(cases)}
    cols: dict[str, list[float]] = {f"fms.{f}": [] for f in FIELDS}
    for d in model.lead_times.deliveries:
        if d.route != "fms" or d.fms is None:
            continue
        values = (float(index.get((d.buyer, d.item), -1)), d.fms.lor, d.fms.notified, d.fms.loa,
                  d.fms.contract, float(d.delivered))
        for f, v in zip(FIELDS, values):
            cols[f"fms.{f}"].append(v)
    return cols


def interval_weeks(cols: Mapping[str, Sequence[float]], name: str, case: int | None = None) -> np.ndarray:
    """Weeks of one interval for every record of a run (or of one named case only)."""
    from .targets import INTERVALS

    a, b = INTERVALS[name]
    start, end = np.asarray(cols[f"fms.{a}"], float), np.asarray(cols[f"fms.{b}"], float)
    keep = np.isfinite(start) & np.isfinite(end)
    if case is not None:
        keep &= np.asarray(cols["fms.case"], float) == case
    return (end - start)[keep]


def _row(replay: Any, check: str, date: str, observed: float, sims: Sequence[float], tol: float,
         source: str) -> dict:
    finite = np.asarray([s for s in sims if math.isfinite(s)], float)
    med = float(np.median(finite)) if len(finite) else math.nan
    err = med / observed - 1.0 if math.isfinite(med) else math.nan
    return {"replay": replay.name, "check": check, "date": date, "observed": observed,
            "simulated": med, "p10": float(np.percentile(finite, 10)) if len(finite) else math.nan,
            "p90": float(np.percentile(finite, 90)) if len(finite) else math.nan, "error": err,
            "tolerance": tol, "ok": bool(abs(err) <= tol) if math.isfinite(err) else False,
            "source": source, "simulated_date": "", **spread(sims, tol * abs(observed))}


def compare_fms(replay: Any, runs: Sequence[Mapping[str, Sequence[float]]]) -> list[dict]:
    """Rows of the comparison (weeks): each published duration, each named case's intervals,
    and the cases' end-to-end median and 90th percentile.
    """
    rows = []
    for d in replay.durations:
        per_run = [float(np.median(w)) if len(w := interval_weeks(r, d.interval)) else math.nan for r in runs]
        rows.append(_row(replay, f"{d.label} ({d.interval}, weeks)", "", d.days / 7.0, per_run,
                         d.tolerance, d.source))
    ends_obs, ends_sim = [], []
    for i, c in enumerate(replay.cases):
        for name, days in c.intervals().items():
            sims = [float(w[0]) if len(w := interval_weeks(r, name, i)) else math.nan for r in runs]
            rows.append(_row(replay, f"{c.label}: {name} (weeks)", getattr(c, name.split("_to_")[1]
                             .replace("delivery", "first_delivery")) or "", days / 7.0, sims,
                             c.tolerance_of(name), c.source))
            if name == "notified_to_delivery":
                ends_obs.append(days / 7.0)
                ends_sim += sims
    if len(ends_obs) >= 3:
        tol = replay.end_to_end_tolerance
        sims = [s for s in ends_sim if math.isfinite(s)]
        for label, q, t in (("median", 50, tol), ("90th percentile", 90, 2 * tol)):
            sim = [float(np.percentile(sims, q))] if sims else [math.nan]
            rows.append(_row(replay, f"cases' {label} notified_to_delivery (weeks)", "",
                             float(np.percentile(ends_obs, q)), sim, t, "the cases above"))
    return rows


def plot_fms(replay: Any, out_dir: Path | str) -> Path:
    """Observed (points, bars = tolerance) and simulated (median, 10-90% band) weeks of each
    comparison of an FMS replay; reads ``comparison.csv`` only.
    """
    import textwrap

    import pandas as pd

    from ..analysis.plots.common import figure, save

    out_dir = Path(out_dir)
    table = pd.read_csv(out_dir / "comparison.csv")
    table = table[table["replay"] == replay.name].reset_index(drop=True)
    fig, ax = figure(9.0, 0.45 * len(table) + 2.0)
    y = np.arange(len(table))[::-1]
    ax.hlines(y, table["p10"], table["p90"], color="#0072B2", alpha=0.4, lw=6, label="simulated 10-90%")
    ax.plot(table["simulated"], y, "|", color="#0072B2", ms=14, label="simulated median")
    ax.errorbar(table["observed"], y, xerr=table["observed"] * table["tolerance"], fmt="o",
                color="#000000", capsize=3, label="observed ± tolerance")
    ax.set_yticks(y, [textwrap.shorten(str(c), 70) for c in table["check"]], fontsize=7)
    ax.set_xlabel(f"weeks. Sources: {replay.sources} (docs/sources.md). Calibrated: "
                  f"{textwrap.shorten(replay.calibrated, 90)}", fontsize=7, loc="left")
    ax.set_xlim(left=0)
    ax.set_title(replay.title)
    ax.legend(loc="lower right", fontsize=7)
    main, _ = save(fig, out_dir / f"{replay.name}.png")
    return main
