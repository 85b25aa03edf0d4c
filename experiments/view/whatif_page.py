"""The What-if page: one scenario against its status quo, barrier by barrier.

The sidebar holds the scenario, the replications and root seed, a switch per shipped reform
variant and, per registered barrier, the controls its settings model declares
(:mod:`experiments.view.controls`). The page runs the variant and the status quo on the same
seeds (:mod:`experiments.view.whatif`), then shows the headline metrics with their paired
differences and 95% intervals, where the difference is made (per system and region), one of
the weekly-series figures for both arms, and a button that saves the variant as a scenario.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import streamlit as st
from dibsim.experiments.view import controls as ctl
from dibsim.experiments.view import pool
from dibsim.experiments.view import whatif as core
from dibsim.experiments.view.figures import SERIES_FIGURES, draw

#: Replications a planner may ask for, and the default (a 5-run answer takes a few seconds).
REPLICATIONS = (1, 20)
DEFAULT_REPLICATIONS = 5
#: The shipped scenarios offered first; anything else is a file path.
OWN_FILE = "a scenario file…"
#: The scenario the page opens with (``dibsim view --scenario``), else the baseline.
SCENARIO_ENV = "DIBSIM_VIEW_SCENARIO"


@st.cache_resource(show_spinner=False)
def _pool(workers: int) -> Any:
    """The worker processes the runs go to, started when the page first loads and kept for the
    server's life (``None`` for 0 workers: the runs stay in the server's process).
    """
    return pool.start_pool(workers)


def _executor() -> Any:
    """The kept pool of ``DIBSIM_VIEW_WORKERS`` processes (:mod:`experiments.view.pool`)."""
    try:
        workers = pool.view_workers()
    except ValueError as exc:
        st.sidebar.warning(f"{exc}; the runs go to {pool.DEFAULT_WORKERS} workers")
        workers = pool.DEFAULT_WORKERS
    return _pool(workers)


@st.cache_data(show_spinner=False, max_entries=64)
def _pair(source: str, reforms: tuple[str, ...], overrides: str, reps: int, seed: int,
          _base: Any = None, _executor: Any = None) -> Any:
    variant = core.Variant(source, reforms, tuple(json.loads(overrides)))
    return core.run_pair(variant, reps, seed, base=_base, executor=_executor)


@st.cache_data(show_spinner=False, max_entries=64)
def _figure(folder_path: str, name: str, scenarios: tuple[str, ...], _of: Any = None) -> Any:
    """One figure of the pair ``_of``, drawn from its folder at ``folder_path`` (written once)."""
    return draw(core.pair_folder(_of), name, scenarios)


@st.cache_resource(show_spinner=False)
def _reforms(scenario_name: str) -> list[str]:
    from dibsim.experiments.study import reform_variants

    return reform_variants(exclude=(scenario_name,))


def scenario_source() -> str | None:
    """The scenario chosen in the sidebar: a shipped name or a file path."""
    from dibsim.model.loader import available_scenarios

    names = [n for n in available_scenarios() if "/" not in n]
    first = os.environ.get(SCENARIO_ENV) or "baseline"
    if first not in names:
        names.insert(0, first)
    choice = st.sidebar.selectbox("scenario", [*names, OWN_FILE], key="scenario", index=names.index(first),
                                  help="the status quo the what-if is compared with (a shipped "
                                  "scenario, or a file of your own)")
    if choice != OWN_FILE:
        return choice
    path = st.sidebar.text_input("scenario file (YAML)", key="scenario_path").strip()
    return path or None


def widget(c: ctl.Control, value: Any, key: str) -> Any:
    """The widget of one control, starting at the scenario's value; returns its value."""
    if c.kind == "fixed":
        st.caption(f"{c.label}: {value!s}  — {c.help}")
        return value
    if c.kind == "switch":
        return st.toggle(c.label, value=bool(value), key=key, help=c.help)
    if c.kind == "choice":
        return st.selectbox(c.label, c.options, index=c.options.index(str(value)), key=key, help=c.help)
    if c.kind == "members":
        return st.multiselect(c.label, c.options, default=list(value), key=key, help=c.help)
    limited = True
    if c.kind == "optional":
        limited = st.toggle(f"limit {c.label}", value=value is not None, key=f"{key}:set", help=c.help)
        if not limited:
            return None
    return _slider(c, value, key)


def _slider(c: ctl.Control, value: Any, key: str) -> Any:
    assert c.low is not None and c.high is not None and c.step is not None
    start = ctl.clamp(c, c.low if value is None else value)
    if c.integer:
        return st.slider(c.label, int(c.low), int(c.high), int(start), int(c.step), key=key, help=c.help)
    return st.slider(c.label, float(c.low), float(c.high), float(start), float(c.step), key=key,
                     help=c.help)


def barrier_values(scenario: Any) -> tuple[list[ctl.Control], dict[str, Any]]:
    """Draw every barrier's controls in the sidebar; return the controls and their values."""
    from dibsim.model.barriers import BARRIERS

    all_controls, values = [], {}
    st.sidebar.subheader("Barriers")
    for key, controls in ctl.barrier_controls(scenario).items():
        with st.sidebar.expander(f"{key} — {BARRIERS[key].description}"):
            for c in controls:
                values[c.path] = widget(c, ctl.current_value(scenario, c.path), f"{scenario.name}:{c.path}")
        all_controls += controls
    with st.sidebar.expander("policies (reform levers)"):
        for c in ctl.policy_controls(scenario):
            values[c.path] = widget(c, ctl.current_value(scenario, c.path), f"{scenario.name}:{c.path}")
            all_controls.append(c)
    return all_controls, values


def render() -> None:
    """Draw the What-if page."""
    from dibsim.experiments.engine.seeds import DEFAULT_ROOT_SEED
    from dibsim.model.loader import ScenarioError

    st.title("What if")
    executor = _executor()  # started with the page, before the first what-if
    source = scenario_source()
    if source is None:
        st.info("Name a scenario file (a YAML path) in the sidebar.")
        return
    try:
        scenario = core.status_quo_scenario(source)
    except ScenarioError as exc:
        st.error("The scenario does not validate: " + " | ".join(exc.problems))
        return
    reps = st.sidebar.slider("replications", *REPLICATIONS, DEFAULT_REPLICATIONS, key="replications",
                             help="runs per arm; both arms use the same seeds (common random numbers)")
    seed = int(st.sidebar.number_input("root seed", min_value=0, value=int(DEFAULT_ROOT_SEED), step=1,
                                       key="root_seed"))
    st.sidebar.subheader("Reform variants")
    reforms = tuple(r for r in _reforms(scenario.name)
                    if st.sidebar.toggle(r, key=f"{scenario.name}:reform:{r}"))
    controls, values = barrier_values(scenario)
    overrides = ctl.changed(controls, scenario, values)
    variant = core.Variant(source, reforms, tuple(overrides.items()))
    st.caption(f"{scenario.name}: {scenario.description.strip().splitlines()[0] if scenario.description else ''}")
    st.markdown(f"**Variant:** {core.describe(variant)} — {reps} replications, root seed {seed}")
    try:
        with st.spinner(f"running {reps} replications of both arms …"):
            pair = _pair(source, reforms, json.dumps(list(overrides.items())), reps, seed, scenario, executor)
    except ScenarioError as exc:
        st.error("The variant does not validate: " + " | ".join(exc.problems))
        return
    except Exception as exc:  # a page shows the message, never a traceback
        st.error(f"The runs could not be made: {type(exc).__name__}: {exc}")
        return
    for run_id, error in pair.failures[:5]:
        st.error(f"run {run_id} failed: {error}")
    headline(pair, scenario)
    where_made(pair)
    series(pair)
    save_button(variant)


def _number(x: float) -> str:
    return "n/a" if x != x else f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


#: Headline metrics side by side (more wrap to the next row).
PER_ROW = 3


def headline(pair: Any, scenario: Any) -> None:
    """The headline metrics: the variant's mean, its paired difference and 95% interval."""
    from dibsim.experiments.analysis.catalog import better_direction, metric_label

    table = core.differences(pair, core.headline_metrics(pair, scenario))
    if table.empty:
        st.warning("No run of one of the arms succeeded, so there is nothing to compare.")
        return
    st.subheader("Headline metrics: variant against the status quo (paired, same seeds)")
    rows = [st.columns(PER_ROW) for _ in range(-(-len(table) // PER_ROW))]
    cols = [c for row in rows for c in row]
    for col, r in zip(cols, table.itertuples()):
        better = better_direction(r.metric) or 1
        col.metric(metric_label(r.metric), _number(r.scenario_mean), delta=_number(r.difference),
                   delta_color="normal" if better > 0 else "inverse",
                   help=f"{r.metric}: variant mean; the delta is the mean paired difference "
                        "from the status quo")
        col.caption(f"95% interval [{_number(r.ci_low)}, {_number(r.ci_high)}], n = {r.n}")
    st.session_state["whatif_table"] = table


def where_made(pair: Any) -> None:
    """Paired differences of the per-system and per-region metrics (where the effect is made)."""
    from dibsim.experiments.analysis.catalog import metric_columns, metric_spec

    runs = pair.runs
    per = [m for m in metric_columns(runs) if "." in m and metric_spec(m) is not None
           and runs[m].notna().any()]
    if not per:
        return
    with st.expander("Where the difference is made (per system and region)"):
        table = core.differences(pair, per)
        st.dataframe(table[["metric", "baseline_mean", "scenario_mean", "difference", "ci_low", "ci_high", "n"]]
                     .rename(columns={"baseline_mean": "status quo", "scenario_mean": "variant"}),
                     hide_index=True)


def series(pair: Any) -> None:
    """One weekly-series figure of both arms (the report's own functions draw it)."""
    st.subheader("Weekly series, both arms")
    name = st.radio("figure", list(SERIES_FIGURES), horizontal=True, key="whatif_figure",
                    label_visibility="collapsed")
    fig = _figure(str(core.pair_path(pair)), name, (pair.status_quo, pair.variant), pair)
    if fig is None:
        st.info(f"This scenario's runs hold no series for '{name}'.")
        return
    st.image(fig.png, caption=fig.caption)


def save_button(variant: Any) -> None:
    """Save the variant as an ``extends:`` scenario file that ``dibsim validate`` accepts."""
    from dibsim.model.loader import ScenarioError

    st.subheader("Save as scenario")
    default = Path("scenarios_mine") / "what_if.yaml"
    target = st.text_input("file", value=str(default), key="save_path")
    if st.button("save as scenario", key="save", disabled=not variant.changes):
        try:
            st.success(core.save_variant(variant, Path(target)))
        except ScenarioError as exc:
            st.error(" | ".join(exc.problems))
        except OSError as exc:
            st.error(f"{target}: cannot write ({exc.strerror or exc})")
    if not variant.changes:
        st.caption("Change a setting or switch on a reform to save a variant.")
