"""``dibsim plot``: every standard figure of a results folder into ``plots/``.

Reads stored results only (``runs.parquet``, ``timeseries.parquet``, ``manifest.json``).
An ``index.md`` beside the images lists each figure with the sentence an analyst reads from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...engine.results import ResultsFolder, load_results
from ...errors import UserError
from ..catalog import design_info, metric_columns
from .common import PlotRecord
from .contract_data import chosen_scenarios, read_series
from .metrics import plot_distribution, plot_heatmap
from .nations import plot_capacity_by_nation
from .regions import plot_deterrence_by_region
from .series import OUTPUT_LABEL, OUTPUT_SERIES, plot_fan, plot_open_cases, plot_stacked_output, plot_surge
from .systems import plot_surge_by_system, plot_value_fans
from .tornado import tornado_plots

PLOTS_DIR = "plots"
#: Metrics drawn as heatmaps over two swept parameters when no --metric is given.
HEATMAP_METRICS = ("output_value_12m", "surge_ratio", "mean_regulatory_delay_weeks")
#: … and every per-region deterrence column the folder holds (from the model's metric specs).
HEATMAP_FAMILIES = tuple(k.split(".", 1)[0] for k in ("deterrence_index.<region>",
                                                     "deterrence_failure.<region>"))
FORMATS = ("png", "svg")


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Validate image formats; PNG always comes first."""
    wanted = tuple(dict.fromkeys(["png", *formats]))
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        raise UserError(f"--format '{bad[0]}' is not supported (choose from {', '.join(FORMATS)})")
    return wanted


def check_metrics(requested: list[str] | None, available: list[str]) -> list[str]:
    """The requested metrics (all available when none), or a UserError naming the bad one."""
    if not requested:
        return available
    for m in requested:
        if m not in available:
            raise UserError(f"--metric '{m}' is not in these results "
                            f"(available: {', '.join(available)})")
    return list(requested)


def metric_plots(folder: ResultsFolder, metrics: list[str], out: Path,
                 formats: tuple[str, ...], scenarios: list[str] | None = None
                 ) -> list[PlotRecord]:
    """Distributions of each metric that has at least one value (of the given scenarios,
    default all).
    """
    runs = folder.runs
    if scenarios is not None:
        runs = runs[runs["scenario"].isin(scenarios)]
    return [plot_distribution(runs, m, out, formats) for m in metrics
            if np.isfinite(runs[m].to_numpy(dtype=float)).any()]


def series_plots(folder: ResultsFolder, out: Path, formats: tuple[str, ...],
                 scenarios: list[str] | None = None) -> list[PlotRecord]:
    """Fan charts, surge curves, open cases and stacked output from the weekly series (of the
    given scenarios, default all).
    """
    names = folder.series_names()
    output = [n for n in OUTPUT_SERIES if n in names] or [n for n in names
                                                          if n.startswith("output.")]
    deterrence = [n for n in names if n.startswith("deterrence.")]
    barriers = [n.split(".", 1)[1] for n in names if n.startswith("open_cases.")]
    wanted = set(output) | set(deterrence) | {f"open_cases.{b}" for b in barriers}
    runs = folder.runs
    if scenarios is not None:
        runs = runs[runs["scenario"].isin(scenarios)]
    ts = read_series(folder, wanted, runs["run_id"]) if wanted else pd.DataFrame()
    if ts.empty:
        return []
    made = [plot_fan(runs, ts, output, "weekly output", OUTPUT_LABEL, out, formats,
                     "fan_output")]
    for name in deterrence:
        region = name.split(".", 1)[1]
        made.append(plot_fan(runs, ts, [name], f"deterrence index, {region}",
                             "deterrence index (0–1, higher is better)", out, formats,
                             f"fan_deterrence_{region}"))
    made += [plot_surge(runs, ts, out, formats),
             plot_open_cases(runs, ts, barriers, out, formats),
             plot_stacked_output(runs, ts, out, formats)]
    return [r for r in made if r is not None]


def contract_plots(folder: ResultsFolder, out: Path, formats: tuple[str, ...],
                   scenarios: list[str] | None = None) -> list[PlotRecord]:
    """The results contract's figures: surge by system, output by value, deterrence by
    region, US versus allied capacity by nation (each drawn when its series are stored), of
    the given scenarios (default :func:`contract_data.chosen_scenarios`).
    """
    if not folder.series_names():
        return []
    chosen = scenarios or chosen_scenarios(folder)
    made = [plot(folder, out, formats, chosen)
            for plot in (plot_surge_by_system, plot_value_fans, plot_deterrence_by_region,
                         plot_capacity_by_nation)]
    return [r for r in made if r is not None]


def heatmap_plots(folder: ResultsFolder, metrics: list[str], out: Path,
                  formats: tuple[str, ...]) -> list[PlotRecord]:
    """A heatmap per metric over the first two numeric swept parameters, per swept scenario."""
    made = []
    for scenario, g in folder.runs.groupby("scenario", sort=False):
        params = [p for p in design_info(folder, str(scenario)).names
                  if pd.api.types.is_numeric_dtype(g[p]) and g[p].nunique() > 1]
        if len(params) < 2:
            continue
        label = str(scenario) if folder.runs["scenario"].nunique() > 1 else ""
        made += [plot_heatmap(g, m, params[0], params[1], out, formats, label)
                 for m in metrics if g[m].notna().any()]
    return made


def make_plots(path: str | Path, out: str | Path | None = None,
               formats: Iterable[str] = ("png",),
               metrics: list[str] | None = None,
               scenarios: list[str] | None = None) -> list[PlotRecord]:
    """Draw every standard plot of a results folder.

    Args:
        path: the results folder.
        out: where to write (default ``<path>/plots``).
        formats: image formats; PNG always, SVG on request.
        metrics: restrict distributions and heatmaps to these metrics.
        scenarios: the scenarios that distributions and series figures compare (default: a
            readable subset, :func:`contract_data.chosen_scenarios`; heatmaps and tornado
            charts always cover the whole folder).

    Returns:
        One record per figure, in reading order (a study's tornado charts first).
    """
    folder = load_results(path)
    formats = check_formats(formats)
    target = Path(out) if out else folder.path / PLOTS_DIR
    available = metric_columns(folder.runs, design_info(folder).names)
    chosen = check_metrics(metrics, available)
    heat = chosen if metrics else [m for m in available if m in HEATMAP_METRICS
                                   or m.split(".", 1)[0] in HEATMAP_FAMILIES]
    drawn = chosen_scenarios(folder, scenarios)
    records = (tornado_plots(folder.path, target, formats)
               + metric_plots(folder, chosen, target, formats, drawn)
               + contract_plots(folder, target, formats, drawn)
               + series_plots(folder, target, formats, drawn)
               + heatmap_plots(folder, heat, target, formats))
    write_index(records, target)
    return records


def write_index(records: list[PlotRecord], out: Path) -> Path:
    """``index.md``: each figure with its one-sentence reading."""
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# Plots\n"]
    lines += [f"* [`{r.path.name}`]({r.path.name}) — **{r.title}.** {r.caption}" for r in records]
    index = out / "index.md"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index
