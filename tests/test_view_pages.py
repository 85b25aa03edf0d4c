"""Both dashboard pages, headless, with Streamlit's AppTest: the What-if page on a tiny world
(a slider moves the paired difference as the model says), the Compare page on a fabricated
study (its tornado data is the report's), and bad input shown in the page."""

import math

import pandas as pd
import pytest
import synthetic
from view_helpers import REPS, key, tiny_world

pytest.importorskip("streamlit", reason="the dashboard's tests need the 'view' extra (make test installs it)")
from dibsim.experiments.analysis.answer import load_study
from dibsim.experiments.analysis.catalog import plain_label, subject_label
from dibsim.experiments.view.compare import scenario_labels
from dibsim.experiments.view.launch import APP
from dibsim.model.barriers import BARRIERS
from streamlit.testing.v1 import AppTest

ITAR = "barriers.export_licence.median_days"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    return at


def _no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _whatif(tmp_path, monkeypatch) -> AppTest:
    world = tiny_world(tmp_path)
    monkeypatch.setenv("DIBSIM_VIEW_SCENARIO", str(world))
    at = _app()
    at.session_state["replications"] = REPS  # the slider starts there: no 5-run first answer
    at.run()
    assert at.slider(key="replications").value == REPS
    _no_traceback(at)
    return at


def _delta(at: AppTest, label_start: str) -> str:
    return next(m.delta for m in at.metric if m.label.startswith(label_start))


def test_whatif_slider_moves_the_paired_difference_as_the_model_says(tmp_path, monkeypatch, cache):
    from dibsim.experiments.view import whatif
    from dibsim.experiments.view.whatif_page import _number

    at = _whatif(tmp_path, monkeypatch)
    assert at.metric and all(m.delta == "0" for m in at.metric)  # the variant is the status quo
    slider = at.slider(key=key(ITAR))
    assert (slider.min, slider.max, slider.value) == (0.0, 120.0, 30.0)  # schema ge=0, 4 × default
    slider.set_value(120.0).run()
    _no_traceback(at)
    seed = int(at.number_input(key="root_seed").value)
    model = whatif.differences(whatif.run_pair(whatif.Variant(str(tmp_path / "mini_alliance.yaml"), (),
                                                              ((ITAR, 120.0),)), REPS, seed),
                               ["output_value_12m", "theatre_delivered_value_12m"])
    by_metric = model.set_index("metric")["difference"]
    # slower ITAR licences hold back allied buys: output and theatre deliveries fall
    assert by_metric["output_value_12m"] < 0 and by_metric["theatre_delivered_value_12m"] < 0
    assert _delta(at, "output value, first 12 months") == _number(by_metric["output_value_12m"])
    assert _delta(at, "delivered to the theatre") == _number(by_metric["theatre_delivered_value_12m"])
    at.slider(key=key(ITAR)).set_value(30.0).run()  # back to the scenario's value: no difference
    assert all(m.delta == "0" for m in at.metric)


def test_whatif_switches_and_reforms_and_save(tmp_path, monkeypatch, cache):
    from dibsim.experiments.cli import main
    from dibsim.experiments.study import reform_variants
    from dibsim.model.barriers import BARRIERS

    at = _whatif(tmp_path, monkeypatch)
    for b in BARRIERS:  # every registered barrier has its switch, no hand list
        assert at.toggle(key=key(f"barriers.{b}.enabled")).value is True
    for r in reform_variants(exclude=("mini_alliance",)):
        assert at.toggle(key=f"mini_alliance:reform:{r}").value is False
    at.toggle(key=key("barriers.fms_case.enabled")).set_value(False).run()
    _no_traceback(at)
    assert any(m.delta != "0" for m in at.metric)
    target = tmp_path / "mine" / "no_itar.yaml"
    at.text_input(key="save_path").set_value(str(target)).run()
    at.button(key="save").click().run()
    assert at.success and str(target) in at.success[0].value
    assert main(["validate", str(target)]) == 0


def test_whatif_bad_scenario_file_shows_the_validators_line(tmp_path, monkeypatch, cache):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: baseline.yaml\nname: bad\nhorizon_weeks: -3\n", encoding="utf-8")
    monkeypatch.setenv("DIBSIM_VIEW_SCENARIO", str(bad))
    at = _app()
    at.run()
    _no_traceback(at)
    assert at.error and "horizon_weeks" in at.error[0].value and "bad.yaml" in at.error[0].value


def test_whatif_failed_runs_show_their_recorded_error(tmp_path, monkeypatch, cache):
    from dibsim.experiments.engine import worker

    def broken(scenario, spec):
        if scenario.name.endswith("~what_if"):
            raise RuntimeError("planted failure in the variant")
        return real(scenario, spec)

    real = worker.model_run
    monkeypatch.setattr(worker, "model_run", broken)
    at = _whatif(tmp_path, monkeypatch)
    at.slider(key=key(ITAR)).set_value(60.0).run()
    _no_traceback(at)
    assert any("planted failure in the variant" in e.value for e in at.error)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return synthetic.barrier_study(tmp_path_factory.mktemp("view") / "study", replications=8)


def _compare(folder, monkeypatch, cache) -> AppTest:
    monkeypatch.setenv("DIBSIM_VIEW_RESULTS", str(folder))
    monkeypatch.setenv("DIBSIM_VIEW_PAGE", "Compare")  # as dibsim view RESULTS_DIR opens
    at = _app()
    at.run()
    assert at.sidebar.radio(key="page").value == "Compare"
    _no_traceback(at)
    return at


def test_compare_tornado_is_the_reports(study, monkeypatch, cache, tmp_path):
    from dibsim.experiments.analysis.plots import tornado

    at = _compare(study, monkeypatch, cache)
    assert at.radio(key="plot").value == "tornado"
    metric, headline = at.selectbox(key="metric").value, at.selectbox(key="headline").value
    shown = at.dataframe[0].value
    drawn = {}

    def spy(table, m, h, *args, **kwargs):  # records what the report would draw, draws nothing
        drawn[(m, h)] = table

    monkeypatch.setattr(tornado, "plot_tornado", spy)
    tornado.tornado_plots(study, tmp_path / "report_plots")  # what the report draws
    report = drawn[(metric, headline)]
    report = report[(report["metric"] == metric) & (report["headline"] == headline)].reset_index(drop=True)
    cols = ["kind", "difference", "ci_low", "ci_high", "effect", "resolved"]
    pd.testing.assert_frame_equal(shown[[c.replace("_", " ") for c in cols]].reset_index(drop=True),
                                  report[cols].set_axis([c.replace("_", " ") for c in cols], axis=1))
    # the same barriers and reforms in the same order, by the names the report's tornado gives
    assert list(shown["barrier or reform"]) == [subject_label(k, s) for k, s in
                                                zip(report["kind"], report["subject"])]
    assert set(shown["metric"]) == {plain_label(metric)}
    _no_key_in(shown, report)
    assert at.get("download_button")


def _no_key_in(shown, keys_from):
    """No barrier key, arm or metric name shows in the page's table (its download keeps them)."""
    keys = set(BARRIERS) | set(keys_from.get("arm", [])) | set(keys_from.get("scenario", []))
    keys |= set(keys_from["metric"]) - {"baseline"}
    cells = {str(v) for col in shown.columns for v in shown[col]} | set(map(str, shown.columns))
    assert not keys & cells, sorted(keys & cells)
    assert not [c for c in cells if "_" in c], [c for c in cells if "_" in c]


def test_compare_forest_and_metric_choice(study, monkeypatch, cache):
    from dibsim.experiments.analysis.compare import compare
    from dibsim.experiments.engine.results import load_results

    at = _compare(study, monkeypatch, cache)
    at.radio(key="plot").set_value("forest").run()
    at.selectbox(key="metric").set_value("output_value_12m").run()
    at.selectbox(key="baseline").set_value("baseline").run()
    _no_traceback(at)
    shown = at.dataframe[0].value
    expected = compare([load_results(study)], "baseline", ["output_value_12m"])
    names = scenario_labels(load_study(study))
    expected = expected[expected["scenario"].map(names).isin(shown["scenario"])].reset_index(drop=True)
    assert math.isclose(shown["difference"].sum(), expected["difference"].sum())
    assert set(shown["scenario"]) <= set(expected["scenario"].map(names)) and len(shown) > 0
    assert f"{BARRIERS['fms_case'].label} removed" in set(shown["scenario"])
    assert (shown["ci low"] <= shown["difference"]).all()
    _no_key_in(shown, expected)


def test_compare_refuses_a_folder_that_is_not_a_results_folder(tmp_path, monkeypatch, cache):
    empty = tmp_path / "not_results"
    empty.mkdir()
    at = _compare(empty, monkeypatch, cache)
    assert at.error and "is not a results folder" in at.error[0].value
    at.text_input(key="results_dir").set_value(str(tmp_path / "nowhere")).run()
    _no_traceback(at)
    assert "is not a folder" in at.error[0].value
