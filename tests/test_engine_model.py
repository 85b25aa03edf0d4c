"""The engine on the real model: `dibsim run`, `dibsim study`, executors agree, errors exit 2."""

from __future__ import annotations

import json

import engine_helpers as h
import mesa
import pandas as pd
import pytest
from dibsim.experiments.cli import main

SWEEP = str(h.ROOT / "scenarios" / "sweep_export_licence.yaml")
FAST = ["--steps", "3", "--replications", "1", "--quiet"]


@pytest.fixture(scope="module")
def process_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "sweep"
    assert main(["run", SWEEP, "--workers", "2", "--out", str(out), *FAST]) == 0
    return out


def test_run_writes_three_readable_files(process_out):
    runs = pd.read_parquet(process_out / "runs.parquet")
    assert len(runs) == 6 and (runs["status"] == "ok").all()
    assert {"barriers.export_licence.median_days", "barriers.fms_case.contracting_median_days",
            "surge_ratio", "output_value_12m", "output_12m.shell_155mm", "onset_week"} <= set(runs.columns)
    ts = pd.read_parquet(process_out / "timeseries.parquet")
    assert set(ts["run_id"]) == set(runs["run_id"]) and ts["week"].max() == 3
    manifest = json.loads((process_out / "manifest.json").read_text())
    assert manifest["completed"] and manifest["done"] == 6 and manifest["steps"] == 3


@pytest.mark.parametrize("executor", ["serial", "dask"])
def test_serial_process_and_dask_agree_on_the_model(process_out, tmp_path, executor):
    """Dask workers are spawned with their own hash seeds: a model that iterated a set of
    strings, or used ``hash()``, would differ here."""
    out = tmp_path / executor
    assert main(["run", SWEEP, "--executor", executor, "--workers", "2", "--out", str(out), *FAST]) == 0
    a, b = (pd.read_parquet(p / "runs.parquet").drop(columns="elapsed_s") for p in (process_out, out))
    pd.testing.assert_frame_equal(a, b)
    ta, tb = (pd.read_parquet(p / "timeseries.parquet") for p in (process_out, out))
    pd.testing.assert_frame_equal(ta, tb)


@pytest.mark.skipif(not hasattr(mesa.Agent, "_ids"),
                    reason="Mesa 3.4.2 fixed the leak and removed Agent._ids (mesa#3180)")
def test_model_run_cleans_mesa_agent_ids():
    from dibsim.experiments.engine.plan import make_plan
    from dibsim.experiments.engine.worker import model_run
    from mesa.agent import Agent

    plan = make_plan(["baseline"], replications=1, steps=1)
    scn = plan.scenarios[0]
    spec = next(plan.specs(scn))
    before = len(Agent._ids)
    first = model_run(scn.scenario, spec)[0]
    assert model_run(scn.scenario, spec)[0] == pytest.approx(first, nan_ok=True)
    assert len(Agent._ids) == before


def test_user_errors_exit_2_without_writing(process_out, tmp_path, capsys):
    assert main(["run", SWEEP, "--out", str(process_out), *FAST]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["run", SWEEP, "--workers", "0", "--out", str(tmp_path / "w"), *FAST]) == 2
    assert main(["run", SWEEP, "--scheduler", "tcp://x:1", "--out", str(tmp_path / "s"), *FAST]) == 2
    assert main(["run", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "m"), *FAST]) == 2
    assert not any((tmp_path / d).exists() for d in ("w", "s", "m"))


@pytest.mark.slow
def test_study_answers_then_resumes_to_nothing(tmp_path, capsys):
    from dibsim.experiments.study import STUDY_HEADLINES, study_arms

    assert STUDY_HEADLINES == ("baseline", "indo_pacific_contingency")
    out = tmp_path / "study"  # one headline keeps the test quick; the default runs both
    args = ["study", "--out", str(out), "--steps", "20", "--replications", "2", "--no-timeseries",
            "--scenario", "baseline", "--no-checks"]  # the checks: tests/test_robustness.py
    assert main(args) == 0
    printed = capsys.readouterr().out
    runs = pd.read_parquet(out / "runs.parquet")
    arms, _ = study_arms("baseline")
    assert list(dict.fromkeys(runs["scenario"])) == [a.name for a in arms]
    assert runs["seed"].nunique() == 2 and (runs["status"] == "ok").all()
    assert "What each barrier costs and each reform buys" in printed and "runs into" in printed
    answer = pd.read_csv(out / "answer.csv")
    assert set(answer["kind"]) == {"removed", "stricter", "reform", "investment"}
    # the one shipped file that changes only producers is told apart from the reforms
    assert set(answer.loc[answer["kind"] == "investment", "subject"]) == {"japan_lines_investment"}
    assert "japan lines investment (industrial investment)" in " ".join(printed.split())
    assert set(answer["subject"]) >= {"fms_case", "fms_reform"}
    assert (out / "plots" / "tornado_output_value_12m.png").is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index("The answer: what each barrier costs") < page.index("<h2>Scenarios")
    assert main(args) == 0
    assert len(pd.read_parquet(out / "runs.parquet")) == len(runs)
    assert "(0 this session" in capsys.readouterr().out
