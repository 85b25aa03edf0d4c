"""The runner: executors agree, replicates extend, faults are recorded, resume is exact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import engine_helpers as h
import pandas as pd
import pytest
from dibsim.experiments.engine.executors import make_executor
from dibsim.experiments.engine.plan import make_plan
from dibsim.experiments.engine.results import RUN_COLUMNS, TIMESERIES_SCHEMA
from dibsim.experiments.engine.runner import run_experiment
from dibsim.experiments.errors import UserError

TESTS = Path(__file__).resolve().parent


def plan_for(path, **kw):
    return make_plan([path], metric_names=h.METRICS, **kw)


def runs(out):
    return pd.read_parquet(Path(out) / "runs.parquet")


def same_runs(a, b):
    pd.testing.assert_frame_equal(a.drop(columns="elapsed_s").reset_index(drop=True),
                                  b.drop(columns="elapsed_s").reset_index(drop=True))


def series(out):
    ts = pd.read_parquet(Path(out) / "timeseries.parquet")
    return ts.sort_values(["run_id", "series", "week"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return h.write_scenario(tmp_path_factory.mktemp("scn"))


@pytest.fixture(scope="module")
def serial_out(scenario, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "res"
    run_experiment(plan_for(scenario), out, run_fn=h.fake_run, progress=False)
    return out


def test_writes_the_three_files_with_the_contract_columns(serial_out):
    df = runs(serial_out)
    assert len(df) == 12 and (df["status"] == "ok").all()
    assert list(df.columns[:len(RUN_COLUMNS)]) == list(RUN_COLUMNS)
    assert [str(df[c].dtype) for c in ("point", "seed", "elapsed_s")] == ["int64", "int64", "float64"]
    assert {"barriers.export_licence.median_days", "barriers.fms_case.median_days", "m_level"} <= set(df.columns)
    assert df["seed"].dtype == "int64"
    # common random numbers: a replicate has the same seed at every point
    assert df.groupby("replicate")["seed"].nunique().eq(1).all()
    ts = pd.read_parquet(serial_out / "timeseries.parquet")
    assert list(ts.columns) == TIMESERIES_SCHEMA.names
    assert len(ts) == 12 * 2 * 9
    manifest = json.loads((serial_out / "manifest.json").read_text())
    assert manifest["completed"] and manifest["planned"] == manifest["done"] == 12
    assert manifest["scenarios"][0]["hash"] and manifest["packages"]["mesa"]


@pytest.mark.parametrize("executor,workers", [("process", 2), ("process", 1)])  # Dask: test_engine_model
def test_executors_give_identical_results(scenario, serial_out, tmp_path, executor, workers):
    out = tmp_path / "res"
    run_experiment(plan_for(scenario), out, executor=make_executor(executor, workers),
                   run_fn=h.fake_run, progress=False, batch_size=None if workers == 2 else 5)
    same_runs(runs(serial_out), runs(out))
    pd.testing.assert_frame_equal(pd.read_parquet(serial_out / "timeseries.parquet"),
                                  pd.read_parquet(out / "timeseries.parquet"))  # same order too


def test_adding_replicates_keeps_earlier_rows(scenario, serial_out, tmp_path):
    out = tmp_path / "res"
    run_experiment(plan_for(scenario), out, run_fn=h.fake_run, progress=False)
    summary = run_experiment(plan_for(scenario, replications=4), out, resume=True, run_fn=h.fake_run,
                             progress=False)
    assert summary.ran == 12 and summary.done == 24
    df = runs(out)
    same_runs(runs(serial_out), df[df["replicate"] < 2])
    fresh = tmp_path / "fresh"
    run_experiment(plan_for(scenario, replications=4), fresh, run_fn=h.fake_run, progress=False)
    same_runs(runs(fresh), df)


def test_failed_run_is_recorded_and_the_rest_complete(scenario, tmp_path):
    summary = run_experiment(plan_for(scenario), tmp_path / "res", executor=make_executor("process", 2),
                             run_fn=h.failing_run, progress=False)
    df = runs(tmp_path / "res")
    assert summary.exit_code == 1 and summary.failed == 1 and len(df) == 12
    bad = df[df["status"] == "failed"]
    assert bad["run_id"].tolist() == ["tiny:1:0"]
    assert "RuntimeError: boom at point 1" in bad["error"].iloc[0]
    assert bad["m_level"].isna().all() and (df.loc[df["status"] == "ok", "error"] == "").all()


def test_existing_folder_is_never_overwritten(scenario, serial_out):
    before = (serial_out / "runs.parquet").stat().st_mtime_ns
    with pytest.raises(UserError, match="--resume"):
        run_experiment(plan_for(scenario), serial_out, run_fn=h.fake_run, progress=False)
    assert (serial_out / "runs.parquet").stat().st_mtime_ns == before


def test_resume_of_a_complete_folder_runs_nothing(scenario, serial_out):
    summary = run_experiment(plan_for(scenario), serial_out, resume=True, run_fn=h.fake_run, progress=False)
    assert summary.ran == 0 and summary.done == 12 and len(runs(serial_out)) == 12


def test_changed_scenario_or_design_refuses_to_resume(scenario, serial_out, tmp_path):
    changed = h.write_scenario(tmp_path, capacity=41)
    with pytest.raises(UserError, match="scenario 'tiny' changed"):
        run_experiment(plan_for(changed), serial_out, resume=True, run_fn=h.fake_run, progress=False)
    other = h.write_scenario(tmp_path, sweep=h.GRID_SWEEP.replace("[10, 30, 60]", "[10, 30, 90]"))
    with pytest.raises(UserError, match="sweep design"):
        run_experiment(plan_for(other), serial_out, resume=True, run_fn=h.fake_run, progress=False)
    with pytest.raises(UserError, match="root seed"):
        run_experiment(plan_for(scenario, root_seed=8), serial_out, resume=True, run_fn=h.fake_run, progress=False)
    with pytest.raises(UserError, match="replicates can only be added"):
        run_experiment(plan_for(scenario, replications=1), serial_out, resume=True, run_fn=h.fake_run,
                       progress=False)


KILL_SCRIPT = """
import engine_helpers as h
from dibsim.experiments.engine.executors import make_executor
from dibsim.experiments.engine.plan import make_plan
from dibsim.experiments.engine.runner import run_experiment
if __name__ == "__main__":
    plan = make_plan([{scenario!r}], metric_names=h.METRICS, replications=10)
    run_experiment(plan, {out!r}, executor=make_executor({executor!r}, 2), run_fn=h.slow_run,
                   progress=False, batch_size=3)
"""


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_sigkill_then_resume_gives_exactly_the_planned_rows(scenario, tmp_path, executor):
    out = tmp_path / "killed"
    script = KILL_SCRIPT.format(root=str(h.ROOT), tests=str(TESTS), scenario=str(scenario), out=str(out),
                                executor=executor)
    env = {**os.environ, "PYTHONPATH": str(TESTS)}  # engine_helpers lives beside the tests
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, env=env)
    parts = out / "parts" / "runs"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(parts.glob("*.parquet")) if parts.is_dir() else []) < 4:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    recorded = len(list(parts.glob("*.parquet")))
    assert 4 <= recorded < 20, "the kill should land part-way"
    plan = plan_for(scenario, replications=10)
    summary = run_experiment(plan, out, resume=True, run_fn=h.fake_run, progress=False)
    assert summary.done == 60 and summary.ran == 60 - 3 * recorded
    df = runs(out)
    assert df["run_id"].is_unique and len(df) == 60
    whole = tmp_path / "whole"
    run_experiment(plan, whole, run_fn=h.fake_run, progress=False)
    same_runs(runs(whole), df)
    pd.testing.assert_frame_equal(series(whole), series(out))
    assert json.loads((out / "manifest.json").read_text())["completed"]


def test_a_folder_in_use_is_refused(scenario, serial_out):
    import fcntl

    with open(serial_out / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UserError, match="another dibsim process"):
            run_experiment(plan_for(scenario), serial_out, resume=True, run_fn=h.fake_run, progress=False)


def test_unreadable_part_is_dropped_and_its_runs_rerun(scenario, serial_out, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(serial_out, out)
    part = sorted((out / "parts" / "runs").glob("*.parquet"))[0]
    lost = len(pd.read_parquet(part))
    part.write_bytes(b"")  # what an OS crash can leave behind a rename
    summary = run_experiment(plan_for(scenario), out, resume=True, run_fn=h.fake_run, progress=False)
    assert summary.ran == lost and summary.done == 12
    same_runs(runs(serial_out), runs(out))
    pd.testing.assert_frame_equal(series(serial_out), series(out))


def test_batch_sizer_grows_to_the_target_and_keeps_workers_busy():
    from dibsim.experiments.engine.runner import BatchSizer
    from dibsim.experiments.engine.worker import RunResult

    sizer = BatchSizer(10_000, workers=2)
    assert sizer.size == 2
    sizer.observe([RunResult(None, "ok", elapsed_s=0.01)] * 2)
    assert sizer.size == 64
    sizer.remaining = 40
    assert sizer.size == 5
    assert BatchSizer(100, 2, fixed=3).size == 3


def test_batches_shrink_as_the_sweep_ends_so_workers_finish_together():
    from dibsim.experiments.engine.runner import BatchSizer
    from dibsim.experiments.engine.worker import RunResult

    sizer = BatchSizer(200, workers=2)
    sizer.observe([RunResult(None, "ok", elapsed_s=0.01)] * 2)  # fast runs: the time target allows 64
    sizes = []
    while sizer.remaining > 0:
        sizes.append(min(sizer.size, sizer.remaining))
        sizer.issued(sizes[-1])
    assert sizes[0] == 25 and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    assert sum(sizes) == 200


def test_dask_batches_make_about_twenty_tasks_per_worker():
    from dibsim.experiments.engine.runner import DASK_TASKS_PER_WORKER, BatchSizer

    sizer = BatchSizer(22_000, workers=200, tasks_per_worker=DASK_TASKS_PER_WORKER)
    assert sizer.size == 6  # ⌈22,000 ÷ (20 × 200)⌉
    tasks = 0
    while sizer.remaining > 0:
        sizer.issued(min(sizer.size, sizer.remaining))
        tasks += 1
    assert 20 * 200 <= tasks <= 1.25 * 20 * 200  # the shrinking tail adds a few per worker


def test_progress_bar_shows_rate_and_eta_when_enabled(scenario, tmp_path, capsys):
    run_experiment(plan_for(scenario), tmp_path / "res", run_fn=h.fake_run, progress=True)
    err = capsys.readouterr().err
    assert "12/12" in err and "runs/s" in err and "ETA" in err
    run_experiment(plan_for(scenario), tmp_path / "quiet", run_fn=h.fake_run, progress=False)
    assert capsys.readouterr().err == ""


def test_a_sweep_value_the_schema_rejects_is_a_user_error(tmp_path):
    from dibsim.model.loader import ScenarioError

    bad = h.write_scenario(tmp_path, sweep=h.GRID_SWEEP.replace("[10, 30, 60]", "[10, -5]"))
    with pytest.raises(ScenarioError, match=r"export_licence.median_days.*-5"):
        plan_for(bad)


def scenario_seen(scenario, spec):
    """A stand-in that reports the override as the resolved scenario holds it."""
    return {"m_level": scenario.barriers.export_licence.median_days, "m_noise": id(scenario),
            "onset_week": float("nan")}, None


def test_each_point_is_resolved_once_per_batch_and_its_runs_share_it(scenario, monkeypatch):
    from dibsim.experiments.engine import worker
    from dibsim.model import loader

    plan = plan_for(scenario)  # 6 points × 2 replicates, one batch
    specs = tuple(plan.specs(plan.scenarios[0]))
    calls = []
    real = loader.load_scenario
    monkeypatch.setattr(loader, "load_scenario", lambda s, o=None: calls.append(o) or real(s, o))
    results = worker.run_batch(worker.Batch(plan.scenarios[0].scenario, specs, scenario_seen))
    assert len(calls) == 6 and all(r.status == "ok" for r in results)
    for r in results:  # the model sees the point's value; the spec still records it
        assert r.metrics["m_level"] == r.spec.params["barriers.export_licence.median_days"]
    by_point = {}
    for r in results:
        by_point.setdefault(r.spec.point, set()).add(r.metrics["m_noise"])
    assert all(len(ids) == 1 for ids in by_point.values()) and len(by_point) == 6


def test_a_worker_unpickles_and_resolves_each_scenario_once_across_batches(scenario, monkeypatch):
    import pickle

    from dibsim.experiments.engine import worker
    from dibsim.model import loader

    plan = plan_for(scenario)
    specs = tuple(plan.specs(plan.scenarios[0]))
    first, second = (worker.Batch(plan.scenarios[0].scenario, half, scenario_seen) for half in (specs[:6], specs[6:]))
    assert pickle.dumps(first)[-200:] != pickle.dumps(second)[-200:]  # different runs, same scenario bytes
    monkeypatch.setattr(worker, "_RECEIVED", worker._Lru(worker.SCENARIO_CACHE))  # a fresh worker
    calls = []
    real = loader.load_scenario
    monkeypatch.setattr(loader, "load_scenario", lambda s, o=None: calls.append(o) or real(s, o))
    got = [pickle.loads(pickle.dumps(b)) for b in (first, second, first)]
    assert got[0].points is got[1].points is got[2].points  # unpickled once
    assert got[0].scenario == plan.scenarios[0].scenario and got[0].specs == first.specs
    results = [r for b in got for r in worker.run_batch(b)]
    assert len(calls) == 6 and all(r.status == "ok" for r in results)  # each point resolved once
    direct = worker.run_batch(first) + worker.run_batch(second)
    assert [(r.spec, r.metrics["m_level"]) for r in results[:12]] == [(r.spec, r.metrics["m_level"]) for r in direct]


def test_a_point_whose_overrides_do_not_validate_fails_its_runs_only(scenario):
    from dibsim.experiments.engine import worker

    plan = plan_for(scenario)
    good = next(plan.specs(plan.scenarios[0]))
    bad = replace(good, run_id="tiny:9:0", point=9, params={"barriers.export_licence.median_days": -1})
    results = worker.run_batch(worker.Batch(plan.scenarios[0].scenario, (bad, good), scenario_seen))
    assert [r.status for r in results] == ["failed", "ok"]
    assert "ScenarioError" in results[0].error and "median_days" in results[0].error
