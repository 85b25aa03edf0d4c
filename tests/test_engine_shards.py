"""Sharding: ``--shard I/N`` jobs merged by ``dibsim consolidate`` equal one unsharded run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from dibsim.experiments.cli import main
from dibsim.experiments.engine.manifest import read_manifest
from dibsim.experiments.engine.plan import make_plan
from dibsim.experiments.engine.runner import run_experiment
from dibsim.experiments.engine.shards import SHARDS_DIR, Shard, consolidate_folder, parse_shard
from dibsim.experiments.errors import UserError

#: A tiny real plan: two scenarios (one swept over six points), three replicates, four weeks.
SCENARIOS = ("sweep_export_licence", "aukus_exemption_widened")
STEPS, REPS = 4, 3
TIMING = ["elapsed_s"]


def tiny_plan():
    return make_plan(list(SCENARIOS), replications=REPS, steps=STEPS, root_seed=11)


def runs(out):
    return pd.read_parquet(Path(out) / "runs.parquet").drop(columns=TIMING)


def series(out):
    return pd.read_parquet(Path(out) / "timeseries.parquet")


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "res"
    run_experiment(tiny_plan(), out, progress=False)
    return out


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    out = tmp_path_factory.mktemp("sharded") / "res"
    for i in (3, 1, 2):  # finishing order does not matter
        summary = run_experiment(tiny_plan(), out, progress=False, shard=Shard(i, 3))
        assert summary.completed and summary.failed == 0
    return out


def test_shards_split_the_plan_without_overlap(sharded):
    plan = tiny_plan()
    parts = [set(pd.read_parquet(sharded / SHARDS_DIR / f"{i}of3" / "runs.parquet")["run_id"]) for i in (1, 2, 3)]
    assert sum(len(p) for p in parts) == plan.n_planned
    assert set().union(*parts) == {s.run_id for sp in plan.scenarios for s in plan.specs(sp)}
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert not (sharded / "runs.parquet").exists()  # nothing merged until asked


def test_consolidate_equals_an_unsharded_run_exactly(sharded, unsharded, tmp_path):
    out = tmp_path / "res"
    shutil.copytree(sharded, out)
    merged, done = consolidate_folder(out)
    plan = tiny_plan()
    assert merged == done == plan.n_planned
    assert not (out / SHARDS_DIR).exists()
    pd.testing.assert_frame_equal(runs(out), runs(unsharded))
    pd.testing.assert_frame_equal(series(out), series(unsharded))
    assert len(series(out)) > 0
    manifest, whole = read_manifest(out), read_manifest(unsharded)
    assert manifest["completed"] and manifest["done"] == plan.n_planned
    assert manifest["fingerprint"] == whole["fingerprint"]
    assert sorted(s["shard"] for s in manifest["sessions"]) == ["1of3", "2of3", "3of3"]
    assert consolidate_folder(out) == (0, plan.n_planned)  # merging again changes nothing


def test_the_next_resume_merges_the_shards_and_runs_what_is_missing(sharded, unsharded, tmp_path):
    out = tmp_path / "res"
    shutil.copytree(sharded, out)
    shutil.rmtree(out / SHARDS_DIR / "2of3")  # one shard never ran
    summary = run_experiment(tiny_plan(), out, progress=False, resume=True)
    assert summary.ran == Shard(2, 3).share(tiny_plan().n_planned)
    pd.testing.assert_frame_equal(runs(out), runs(unsharded))
    pd.testing.assert_frame_equal(series(out), series(unsharded))


def test_a_rerun_shard_finishes_its_share_and_skips_runs_already_merged(sharded, tmp_path):
    out = tmp_path / "res"
    shutil.copytree(sharded, out)
    consolidate_folder(out)
    again = run_experiment(tiny_plan(), out, progress=False, shard=Shard(1, 3))
    assert again.ran == 0 and again.completed


def test_a_shard_of_another_plan_is_refused(sharded, tmp_path):
    out = tmp_path / "res"
    shutil.copytree(sharded, out)
    other = make_plan(list(SCENARIOS), replications=REPS, steps=STEPS + 1, root_seed=11)
    with pytest.raises(UserError, match="horizon"):
        run_experiment(other, out, progress=False, resume=True)


@pytest.mark.parametrize("text", ["3", "0/3", "4/3", "1/0", "a/b", "-1/2", "1/2/3", ""])
def test_bad_shard_values_are_one_line_errors(text, capsys):
    with pytest.raises(UserError, match="--shard"):
        parse_shard(text)
    assert main(["run", "sweep_export_licence", f"--shard={text}", "--out", "unused"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dibsim run: --shard") and "\n" not in err
    assert not Path("unused").exists()


def test_cli_shards_then_consolidate(tmp_path, capsys):
    out = tmp_path / "res"
    flags = ["--replications", "2", "--steps", "3", "--executor", "serial", "--quiet", "--out", str(out)]
    for i in (1, 2):
        assert main(["run", "sweep_export_licence", *flags, "--shard", f"{i}/2"]) == 0
    assert main(["consolidate", str(out)]) == 0
    assert "merged 12 runs from shards; 12/12 runs recorded" in capsys.readouterr().out
    assert main(["consolidate", str(tmp_path / "nothing")]) == 2


def test_study_shard_runs_its_share_only_and_writes_no_answer(tmp_path, capsys):
    out = tmp_path / "study"
    flags = ["--replications", "1", "--steps", "1", "--executor", "serial", "--out", str(out)]
    assert main(["study", *flags, "--shard", "2/2"]) == 0
    printed = capsys.readouterr().out
    assert "shard 2/2" in printed and f"dibsim consolidate {out}" in printed
    manifest = read_manifest(out / SHARDS_DIR / "2of2")
    assert manifest["shard"]["count"] == 2 and manifest["done"] == manifest["shard"]["share"] > 0
    assert not (out / "answer.csv").exists() and not (out / "runs.parquet").exists()
    assert main(["study", *flags, "--shard", "1/2", "--ensemble", "somewhere"]) == 2
    assert "--shard" in capsys.readouterr().err
