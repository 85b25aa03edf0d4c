"""``dibsim discover``: PRIM boxes of swept settings that lead to an outcome of interest.

A run is a *case of interest* when its metric is below (or above) a threshold, e.g.
``deterrence_failure`` above 0.5 or ``surge_ratio`` below 2. EMA Workbench's PRIM (Friedman &
Fisher 1999; Bryant & Lempert 2010) peels the space of swept settings into a box with many
such runs. Each run is a row, so replicate noise shows up as density below 1. The box reported
is the one with the highest coverage among those of density at least ``min_density`` on the
peeling path (or the densest, when none reaches it); ``box`` picks another by index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, load_results
from ..errors import UserError
from .catalog import design_info, metric_columns
from .plots.common import PlotRecord, safe_name

DISCOVERY_DIR = "discovery"


@dataclass
class Discovery:
    """PRIM's result: the peeling trajectory, the chosen box and its limits."""

    condition: str
    n_runs: int
    n_interest: int
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame
    records: list[PlotRecord]


def interest(values: np.ndarray, below: float | None, above: float | None) -> np.ndarray:
    """0/1 cases of interest: metric < below, or metric > above."""
    if (below is None) == (above is None):
        raise UserError("give exactly one of --below X or --above X")
    return (values < below) if below is not None else (values > above)


def prim_inputs(folder: ResultsFolder, metric: str, scenario: str | None
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """The swept settings of every ok run with a value of the metric, and those values."""
    runs = folder.runs[folder.runs["status"] == "ok"]
    if scenario is not None:
        runs = runs[runs["scenario"] == scenario]
    names = [p for p in design_info(folder, scenario).names if runs[p].nunique() > 1]
    if not names:
        raise UserError(f"results folder '{folder.path}' has no swept settings that vary, so "
                        "PRIM has nothing to describe; run a scenario with a sweep: block")
    runs = runs[runs[metric].notna()]
    x = runs[names].reset_index(drop=True)
    for col in x.columns:
        if pd.api.types.is_bool_dtype(x[col]) or not pd.api.types.is_numeric_dtype(x[col]):
            x[col] = x[col].astype(str)
        elif pd.api.types.is_integer_dtype(x[col]):
            x[col] = x[col].astype("int64")
        else:
            x[col] = x[col].astype("float64")
    return x, runs[metric].to_numpy(dtype=float)


def pick_box(trajectory: pd.DataFrame, min_density: float, box: int | None) -> int:
    """Index on the peeling path of the box to report."""
    if box is not None:
        if not 0 <= box < len(trajectory):
            raise UserError(f"--box {box} is outside the peeling path (0..{len(trajectory) - 1})")
        return box
    dense = trajectory[trajectory["density"] >= min_density]
    if dense.empty:
        return int(trajectory["density"].to_numpy().argmax())
    return int(dense.index[dense["coverage"].to_numpy().argmax()])


def box_limits(prim_box, chosen: int, x: pd.DataFrame) -> pd.DataFrame:
    """The restricted dimensions of a box: bounds, the full range and PRIM's quasi-p-values."""
    lims = prim_box.box_lims[chosen]
    init = prim_box.box_lims[0]
    pvalues = box_pvalues(prim_box)
    qp = pvalues[chosen] if chosen < len(pvalues) else {}
    rows = []
    for name in x.columns:
        lo, hi = lims[name].iloc[0], lims[name].iloc[1]
        if pd.api.types.is_numeric_dtype(x[name]):
            if lo == init[name].iloc[0] and hi == init[name].iloc[1]:
                continue
            row = {"parameter": name, "lower": float(lo), "upper": float(hi),
                   "full_low": float(x[name].min()), "full_high": float(x[name].max())}
        else:
            if set(lo) == set(init[name].iloc[0]):
                continue
            row = {"parameter": name, "lower": np.nan, "upper": np.nan, "full_low": np.nan,
                   "full_high": np.nan, "values": ", ".join(sorted(map(str, lo)))}
        q = [np.nan if v is None or v < 0 else v for v in qp.get(name, (np.nan, np.nan))]
        rows.append(row | {"qp_lower": q[0], "qp_upper": q[1]})  # EMA's -1: side unrestricted
    return pd.DataFrame(rows)


def run_prim(x: pd.DataFrame, y: np.ndarray, min_density: float, mass_min: float,
             peel_alpha: float):
    """One PRIM box (EMA Workbench), its log output silenced.

    EMA Workbench 2.5 takes a density ``threshold`` (a box below it is reported as not meeting
    it); 3.0 removed it, leaving the choice of box on the peeling path to the user. Either way
    the box reported is chosen on the path by :func:`pick_box` with ``min_density``, so both
    versions give the same box.
    """
    import inspect

    from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)
    kwargs = {"peel_alpha": peel_alpha, "mass_min": mass_min}
    if "threshold" in inspect.signature(prim.Prim.__init__).parameters:
        kwargs["threshold"] = min_density
    box = prim.Prim(x, y.astype(int), **kwargs).find_box()
    if box is None:  # 3.0: no case left to cover (cannot happen here: cases are checked first)
        raise UserError("PRIM found no box: no case of interest remains")
    return box


def box_pvalues(prim_box) -> list:
    """PRIM's quasi-p-values per box on the peeling path (``qp`` in EMA 2.5, ``p_values`` in 3.0)."""
    values = getattr(prim_box, "p_values", None)
    return list(values if values is not None else prim_box.qp)


def condition_text(metric: str, below: float | None, above: float | None) -> str:
    """'surge_ratio < 2' style text of the case-of-interest condition."""
    return f"{metric} < {below:g}" if below is not None else f"{metric} > {above:g}"


def discover(path: str | Path, metric: str, below: float | None = None,
             above: float | None = None, scenario: str | None = None,
             min_density: float = 0.8, mass_min: float = 0.05, peel_alpha: float = 0.05,
             box: int | None = None, out: str | Path | None = None,
             formats: tuple[str, ...] = ("png",)) -> Discovery:
    """Find the PRIM box of swept settings where ``metric`` is below/above a threshold.

    Writes ``<out>/prim_<condition>_box.csv`` (the chosen box's limits),
    ``..._trajectory.csv`` (the peeling path) and the trade-off and box plots.
    """
    from .plots import check_metrics
    from .plots.sensitivity import plot_box_limits, plot_tradeoff

    folder = load_results(path)
    check_metrics([metric], metric_columns(folder.runs, design_info(folder).names))
    _check_scenario(folder, scenario)
    x, values = prim_inputs(folder, metric, scenario)
    y = interest(values, below, above)
    condition = condition_text(metric, below, above)
    _check_cases(folder, y, condition, values)
    prim_box = run_prim(x, y, min_density, mass_min, peel_alpha)
    trajectory = prim_box.peeling_trajectory.reset_index(drop=True)
    chosen = pick_box(trajectory, min_density, box)
    limits = box_limits(prim_box, chosen, x)
    target = Path(out) if out else folder.path / DISCOVERY_DIR
    target.mkdir(parents=True, exist_ok=True)
    stem = safe_name(condition.replace(" < ", "_below_").replace(" > ", "_above_"))
    limits.assign(condition=condition).to_csv(target / f"prim_{stem}_box.csv", index=False)
    trajectory.to_csv(target / f"prim_{stem}_trajectory.csv", index=False)
    records = [plot_tradeoff(trajectory, chosen, condition, target, formats, stem)]
    if not limits.empty:
        records.append(plot_box_limits(limits, condition, target, formats, stem))
    return Discovery(condition, len(y), int(y.sum()), trajectory, chosen, limits, records)


def _check_scenario(folder: ResultsFolder, scenario: str | None) -> None:
    names = list(dict.fromkeys(folder.runs["scenario"]))
    if scenario is not None and scenario not in names:
        raise UserError(f"--scenario '{scenario}' is not in '{folder.path}' "
                        f"(known: {', '.join(names)})")


def _check_cases(folder: ResultsFolder, y: np.ndarray, condition: str,
                 values: np.ndarray) -> None:
    if y.size == 0:
        raise UserError(f"results folder '{folder.path}': no ok run has a value of the metric")
    if y.all() or not y.any():
        share = "every" if y.all() else "no"
        raise UserError(f"{share} run meets '{condition}' (values range {values.min():.3g} to "
                        f"{values.max():.3g}), so there is no box to find; move the threshold")
