"""The Compare page: the arms of a results folder side by side, with the report's figures.

A results folder is a study (``dibsim study``), a sweep (``dibsim run``) or a calibration's
ensemble (a folder of study folders, one per plausible set: the page offers each). The
analyst picks the plot (:data:`experiments.view.compare.PLOTS`, those the folder can draw),
the metric and the arms; the page shows the report's figure and the table it was drawn from,
downloadable as CSV.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st
from dibsim.experiments.view import compare as core

#: The folder the page opens unless ``dibsim view RESULTS_DIR`` named another.
RESULTS_ENV = "DIBSIM_VIEW_RESULTS"


def default_folder() -> str:
    """``dibsim view``'s RESULTS_DIR, else the default study's folder."""
    from dibsim.experiments.study import STUDY_DIR

    return os.environ.get(RESULTS_ENV) or str(STUDY_DIR)


@st.cache_data(show_spinner=False, max_entries=16)
def _open(path: str, stamp: float) -> tuple[Any, Any]:
    return core.open_folder(path)


@st.cache_data(show_spinner=False, max_entries=64)
def _show(path: str, stamp: float, plot: str, metric: str, arms: tuple[str, ...],
          headline: str | None, baseline: str | None) -> core.Shown:
    folder, study = core.open_folder(path)
    return core.show(plot, folder, study, metric, list(arms), headline, baseline)


def _stamp(path: Path) -> float:
    """When the runs table last changed (a finished or resumed run refreshes the page's cache)."""
    try:
        return (path / "runs.parquet").stat().st_mtime
    except OSError:
        return 0.0


def choose_folder() -> Path | None:
    """The results folder named in the page (a sub-folder of an ensemble when chosen)."""
    from dibsim.experiments.errors import UserError

    given = st.text_input("results folder", value=default_folder(), key="results_dir",
                          help="a folder written by dibsim study, run or calibrate")
    try:
        found = core.results_folders(given)
    except UserError as exc:
        st.error(str(exc))
        return None
    if len(found) == 1:
        return found[0]
    ensemble = Path(given) / "ensemble_answer.csv"
    if ensemble.is_file():
        import pandas as pd

        with st.expander("the ensemble's combined answer"):
            st.dataframe(core.plain_table(pd.read_csv(ensemble), None), hide_index=True)
    names = [p.name for p in found]
    pick = st.selectbox(f"{len(found)} results folders inside: choose one", names, key="subfolder")
    return found[names.index(pick)]


def render() -> None:
    """Draw the Compare page."""
    from dibsim.experiments.analysis.catalog import metric_label
    from dibsim.experiments.errors import UserError

    st.title("Compare")
    path = choose_folder()
    if path is None:
        return
    try:
        folder, study = _open(str(path), _stamp(path))
    except UserError as exc:
        st.error(str(exc))
        return
    plots = core.available(folder, study)
    if not plots:
        st.warning(f"{path} holds a single arm without series: nothing to compare.")
        return
    st.caption(f"{path}: {len(folder.runs)} runs of {folder.runs['scenario'].nunique()} scenarios"
               + (" (a study)" if study is not None else ""))
    plot = st.radio("plot", plots, horizontal=True, key="plot")
    headline = baseline = None
    arms: list[str] = []
    scenarios = list(dict.fromkeys(folder.runs["scenario"].astype(str)))
    if plot == "tornado":
        by_head = core.tornado_metrics(study)
        headline = st.selectbox("headline scenario", list(by_head), key="headline",
                                format_func=lambda h: h.replace("_", " "))
        options = by_head[headline]
    else:
        options = core.metrics(folder)
    if not options:
        st.warning("No metric of the model is filled in these runs.")
        return
    metric = st.selectbox("metric", options, key="metric", format_func=metric_label)
    names = core.scenario_labels(study)

    def named(scenario: str) -> str:
        return names.get(scenario, scenario)

    if plot == "forest":
        baseline = st.selectbox("baseline", scenarios, key="baseline", format_func=named)
        rest = [s for s in scenarios if s != baseline]
        arms = st.multiselect("arms", rest, default=rest[:12], key="arms", format_func=named)
    elif plot in ("fans", "surge by system", "deterrence by region"):
        from dibsim.experiments.analysis.plots.contract_data import chosen_scenarios

        arms = st.multiselect("arms", scenarios, default=chosen_scenarios(folder), key="arms",
                              format_func=named)
    try:
        with st.spinner("drawing …"):
            shown = _show(str(path), _stamp(path), plot, metric, tuple(arms), headline, baseline)
    except UserError as exc:
        st.error(str(exc))
        return
    except Exception as exc:  # a page shows the message, never a traceback
        st.error(f"The plot could not be drawn: {type(exc).__name__}: {exc}")
        return
    if shown.note:
        st.info(shown.note)
    if shown.figure is not None:
        st.image(shown.figure.png, caption=shown.figure.caption)
    st.dataframe(core.plain_table(shown.table, study), hide_index=True)
    st.download_button("download table (CSV)", shown.table.to_csv(index=False).encode("utf-8"),
                       file_name=f"{plot.replace(' ', '_')}_{metric}.csv", mime="text/csv",
                       key="download")
