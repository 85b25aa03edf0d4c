"""The figures both pages show, drawn by the report's own plotting functions
(``experiments/analysis/plots``) into a folder and read back as PNG bytes: no second
implementation of any chart. Each entry of :data:`SERIES_FIGURES` names a weekly-series figure
of a results folder; :func:`draw` draws one for chosen scenarios.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A drawn figure: its PNG, title and the caption the report gives it."""

    png: bytes
    title: str
    caption: str


def _surge_by_system(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.systems import plot_surge_by_system

    return plot_surge_by_system(folder, out, ("png",), scenarios)


def _us_allied(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.contract_data import read_series
    from ..analysis.plots.series import plot_stacked_output

    runs = folder.runs[folder.runs["scenario"].isin(scenarios)]
    ts = read_series(folder, ["output_us", "output_allied"], runs["run_id"])
    return plot_stacked_output(runs, ts, out, ("png",)) if not ts.empty else None


def _value_fans(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.systems import plot_value_fans

    return plot_value_fans(folder, out, ("png",), scenarios)


def _capacity_by_nation(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.nations import plot_capacity_by_nation

    return plot_capacity_by_nation(folder, out, ("png",), scenarios)


def _deterrence(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.regions import plot_deterrence_by_region

    return plot_deterrence_by_region(folder, out, ("png",), scenarios)


def _arrivals(folder: Any, out: Path, scenarios: Sequence[str]) -> Any:
    from ..analysis.plots.contract_data import read_series
    from ..analysis.plots.series import plot_fan

    names = [n for n in folder.series_names() if n.startswith("arrivals.")]
    runs = folder.runs[folder.runs["scenario"].isin(scenarios)]
    if not names:
        return None
    ts = read_series(folder, names, runs["run_id"])
    return plot_fan(runs, ts, names, "theatre arrivals", "units arriving in theatre (units/week)",
                    out, ("png",), "fan_arrivals") if not ts.empty else None


#: Weekly-series figures of a results folder: name → function drawing it for some scenarios.
SERIES_FIGURES: dict[str, Callable[[Any, Path, Sequence[str]], Any]] = {
    "output by system": _surge_by_system,
    "US / allied output": _us_allied,
    "output by value and deliverable capacity": _value_fans,
    "capacity by nation": _capacity_by_nation,
    "deterrence by region": _deterrence,
    "theatre arrivals": _arrivals,
}


#: The weekly series the figures above read (the plotting modules' prefixes and names): a
#: pair folder of the What-if page holds only these (``tests/test_view_pool.py`` checks that
#: each figure drawn from such a folder is the figure drawn from all the series).
PLOTTED_PREFIXES = ("output.", "deliverable.", "deliverable_nation.", "capacity_nation.", "deterrence.",
                    "crisis_active.", "arrivals.")
PLOTTED_NAMES = ("output_us", "output_allied")


def plotted(series: str) -> bool:
    """Whether one of :data:`SERIES_FIGURES` reads the weekly series called ``series``."""
    return series in PLOTTED_NAMES or series.startswith(PLOTTED_PREFIXES)


def figure_dir(folder: Any, key: str) -> Path:
    """Where the view draws a folder's figures (inside the view's cache, never the folder)."""
    from .whatif import cache_dir

    digest = hashlib.sha256(f"{Path(folder.path).resolve()}|{key}".encode()).hexdigest()[:16]
    return cache_dir() / "figures" / digest


def read_record(rec: Any) -> Figure | None:
    """A plot record's PNG and texts (``None`` for a figure the data cannot draw)."""
    if rec is None:
        return None
    import matplotlib.pyplot as plt

    plt.close("all")
    return Figure(Path(rec.path).read_bytes(), rec.title, rec.caption)


def draw(folder: Any, name: str, scenarios: Sequence[str]) -> Figure | None:
    """Draw one of :data:`SERIES_FIGURES` for the given scenarios."""
    import matplotlib

    matplotlib.use("Agg")
    out = figure_dir(folder, f"{name}|{'|'.join(scenarios)}")
    out.mkdir(parents=True, exist_ok=True)
    return read_record(SERIES_FIGURES[name](folder, out, list(scenarios)))
