"""What the Compare page computes, without Streamlit: a results folder (a study, a sweep, a
calibration's ensemble of study folders), the plots it can draw and the data behind each.

Each plot is the report's own: the tornado is :func:`~experiments.analysis.plots.tornado.plot_tornado`
over :func:`~experiments.analysis.answer.effects`, the forest plot
:func:`~experiments.analysis.plots.metrics.plot_forest` over
:func:`~experiments.analysis.compare.compare`, the sensitivity bars
:func:`~experiments.analysis.sensitivity.run_sensitivity`'s, and the weekly-series figures those
of :mod:`experiments.view.figures`; the table beside a plot is the data the plot was drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .figures import SERIES_FIGURES, Figure, figure_dir, read_record

#: Plots over a results folder, in the order the page offers them.
PLOTS: tuple[str, ...] = ("tornado", "forest", "fans", "surge by system", "deterrence by region",
                          "sensitivity")
#: The weekly-series figure each series plot is.
_SERIES = {"fans": "output by value and deliverable capacity", "surge by system": "output by system",
           "deterrence by region": "deterrence by region"}


@dataclass(frozen=True)
class Shown:
    """A plot and the table it was drawn from."""

    figure: Figure | None
    table: Any
    note: str = ""


def results_folders(path: str | Path) -> list[Path]:
    """The results folders at ``path``: itself, or its sub-folders holding a runs table (a
    calibration's or an ensemble study's folders).

    Raises:
        UserError: when ``path`` is no folder or holds no results folder.
    """
    from ..engine.results import RUNS_FILE
    from ..errors import UserError

    root = Path(path).expanduser()
    if not root.is_dir():
        raise UserError(f"'{root}' is not a folder (give a results folder, e.g. results/default_study)")
    if (root / RUNS_FILE).is_file():
        return [root]
    subs = sorted(p.parent for p in root.glob(f"*/{RUNS_FILE}"))
    if not subs:
        raise UserError(f"'{root}' is not a results folder: it has no {RUNS_FILE}, nor has any "
                        "folder inside it (run dibsim run, study or calibrate into it first)")
    return subs


def open_folder(path: str | Path) -> tuple[Any, Any]:
    """The results folder and its study (``None`` when it is not a study).

    Raises:
        UserError: when the folder or its study file cannot be read.
    """
    from ..analysis.answer import load_study
    from ..engine.results import load_results

    folder = load_results(path)
    return folder, load_study(folder)


def available(folder: Any, study: Any) -> list[str]:
    """The plots this folder can draw."""
    runs = folder.runs
    swept = runs.groupby("scenario")["point"].nunique().max() >= 2
    has_arms = runs["scenario"].nunique() + (runs["point"].nunique() - 1) >= 2
    names = set(folder.series_names())
    ok = {"tornado": study is not None, "forest": has_arms, "sensitivity": bool(swept),
          "fans": any(n.startswith("output.") for n in names),
          "surge by system": any(n.startswith("output.") for n in names),
          "deterrence by region": any(n.startswith("deterrence.") for n in names)}
    return [p for p in PLOTS if ok[p]]


def metrics(folder: Any) -> list[str]:
    """The metric columns of the folder that the model declares and some run filled."""
    from ..analysis.catalog import design_info, metric_columns, metric_spec

    runs = folder.runs
    return [m for m in metric_columns(runs, design_info(folder).names)
            if metric_spec(m) is not None and runs[m].notna().any()]


def tornado_table(study: Any, metric: str, headline: str) -> Any:
    """The effects the tornado of ``metric`` in ``headline`` is drawn from (the report's)."""
    from ..analysis.answer import effects

    return _rows_of(effects(study), metric, headline)


def _rows_of(table: Any, metric: str, headline: str) -> Any:
    return table[(table["metric"] == metric) & (table["headline"] == headline)].reset_index(drop=True)


def tornado_metrics(study: Any) -> dict[str, list[str]]:
    """Headline → the metrics its tornado charts can show (the study's headline metrics)."""
    from ..analysis.answer import effects

    table = effects(study)
    return {h: list(dict.fromkeys(table.loc[table["headline"] == h, "metric"]))
            for h in dict.fromkeys(table["headline"])}


def show_tornado(study: Any, metric: str, headline: str) -> Shown:
    """The report's tornado chart and its effects."""
    from ..analysis.answer import effects
    from ..analysis.plots.tornado import plot_tornado

    table = effects(study)
    out = figure_dir(study.folder, f"tornado|{metric}|{headline}")
    rec = plot_tornado(table, metric, headline, out, ("png",))
    return Shown(read_record(rec), _rows_of(table, metric, headline))


def show_forest(folder: Any, metric: str, baseline: str, arms: list[str]) -> Shown:
    """The report's forest plot of ``metric``: each arm minus the baseline, 95% interval."""
    from ..analysis.compare import compare
    from ..analysis.plots.metrics import plot_forest

    table = compare([folder], baseline, [metric])
    if arms:
        table = table[table["scenario"].isin(arms)].reset_index(drop=True)
    if table.empty:
        return Shown(None, table, "choose at least one arm besides the baseline")
    rec = plot_forest(table, metric, figure_dir(folder, f"forest|{metric}|{baseline}|{'|'.join(arms)}"))
    return Shown(read_record(rec), table)


def show_series(folder: Any, plot: str, metric: str, arms: list[str]) -> Shown:
    """A weekly-series figure of the chosen arms, with the metric's mean per arm."""
    from ..analysis.plots.contract_data import chosen_scenarios

    scenarios = arms or chosen_scenarios(folder)
    out = figure_dir(folder, f"{plot}|{'|'.join(scenarios)}")
    out.mkdir(parents=True, exist_ok=True)
    rec = SERIES_FIGURES[_SERIES[plot]](folder, out, scenarios)
    return Shown(read_record(rec), arm_means(folder, metric, scenarios))


def show_sensitivity(folder: Any, metric: str) -> Shown:
    """The report's sensitivity bars of ``metric`` and their indices."""
    from ..analysis.sensitivity import run_sensitivity

    out = figure_dir(folder, f"sensitivity|{metric}")
    table, records, notes = run_sensitivity(folder.path, [metric], out=out)
    return Shown(read_record(records[0]) if records else None, table, "; ".join(notes))


def arm_means(folder: Any, metric: str, scenarios: list[str]) -> Any:
    """Each arm's mean of a metric with its 95% interval (binomial for a 0/1 metric)."""
    import pandas as pd

    from ..analysis.catalog import is_probability
    from ..analysis.stats import mean_interval, proportion_interval

    ok = folder.runs[folder.runs["status"] == "ok"]
    rows = []
    for name in scenarios:
        values = ok.loc[ok["scenario"] == name, metric].to_numpy(dtype=float)
        est = (proportion_interval if is_probability(metric) else mean_interval)(values)
        rows.append({"scenario": name, "metric": metric, "mean": est.mean, "ci_low": est.low,
                     "ci_high": est.high, "n": est.n, "method": est.method})
    return pd.DataFrame(rows)


def scenario_labels(study: Any) -> dict[str, str]:
    """A study's scenario names → their arms' plain labels
    (:func:`~experiments.analysis.catalog.arm_label`); empty for a folder that is no study.
    """
    from ..analysis.catalog import arm_label

    if study is None:
        return {}
    return {a["name"]: arm_label(a["kind"], a["subject"], a["headline"]) for a in study.arms}


def plain_table(table: Any, study: Any) -> Any:
    """The table as the page shows it: barrier, reform, arm and metric keys replaced by their
    plain labels, headers in words (the CSV download keeps the keys).
    """
    from ..analysis.catalog import plain_label, subject_label

    out = table.copy()
    names = scenario_labels(study)
    if {"subject", "kind"} <= set(out.columns):
        out["subject"] = [subject_label(str(k), str(s)) for k, s in zip(out["kind"], out["subject"])]
    for col in ("arm", "scenario", "baseline"):
        if col in out:
            out[col] = out[col].map(lambda v: names.get(v, v))
    if "metric" in out:
        out["metric"] = out["metric"].map(plain_label)
    out = out.drop(columns=[c for c, twin in (("label", "arm"), ("metric_label", "metric"))
                            if c in out and twin in out])
    return out.rename(columns=lambda c: "barrier or reform" if c == "subject"
                      else str(c).replace("_", " "))


def show(plot: str, folder: Any, study: Any, metric: str, arms: list[str], headline: str | None,
         baseline: str | None) -> Shown:
    """Draw a plot of :data:`PLOTS` with its table."""
    if plot == "tornado":
        return show_tornado(study, metric, headline or study.headlines[0])
    if plot == "forest":
        return show_forest(folder, metric, baseline or folder.runs["scenario"].iloc[0], arms)
    if plot == "sensitivity":
        return show_sensitivity(folder, metric)
    return show_series(folder, plot, metric, arms)
