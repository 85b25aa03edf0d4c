"""The calibrator (dibsim calibrate): a known answer on a tiny world, resume, bad configs.

The tiny world's US line has a deliverable capacity equal to its capacity setting; the target
file says 6,760 a year, i.e. a planted 130 a week. The calibrator must recover it within 3 %
from a range of 20-300 in 24 trials (one seed: the measure is deterministic).
"""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from dibsim.experiments.cli import main
from dibsim.experiments.engine.executors import ProcessExecutor
from dibsim.experiments.validation.calib_run import calibrate
from dibsim.model.loader import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import two_nation_world

PLANTED = 130.0

TARGETS = """format: dibsim-targets/1
name: tiny
scenario: tiny.yaml
item: shell
nations: [USA]
measure: deliverable
unit: year
title: tiny world line
calibrated: the line's capacity (planted at 130 a week)
observations:
  - {date: "2022-03-07", value: 6760, source: P28, tolerance: 0.05}
"""

CONFIG = """format: dibsim-calibration/1
name: tiny
description: recover the planted capacity
replays: [tiny.targets.yaml]
parameters:
  capacity:
    paths: [producers.us_shell.capacity_per_week, producers.us_shell.ceiling_per_week]
    low: 20
    high: 300
    description: the line's capacity (planted at 130)
loss: {seeds: 1}
budget: {trials: TRIALS, trials_per_round: 2, startup_trials: 8}
root_seed: 7
"""


def tiny(tmp_path: Path, trials: int = 24) -> Path:
    world = dict(two_nation_world(), start_date="2022-01-03")
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(world), encoding="utf-8")
    (tmp_path / "tiny.targets.yaml").write_text(TARGETS, encoding="utf-8")
    path = tmp_path / f"tiny_{trials}.yaml"
    path.write_text(CONFIG.replace("TRIALS", str(trials)), encoding="utf-8")
    return path


def test_the_calibrator_recovers_a_planted_capacity(tmp_path):
    outcome = calibrate(tiny(tmp_path), tmp_path / "out", plots=False)
    best = outcome.best["p:capacity"]
    assert abs(best / PLANTED - 1) < 0.03, best
    variant = load_scenario(tmp_path / "out" / "best" / "tiny.yaml")
    assert variant.producers["us_shell"].capacity_per_week == pytest.approx(best)
    assert outcome.summary[0]["targets_ok"] == 1
    ensemble = json.loads((tmp_path / "out" / "ensemble.json").read_text())
    assert ensemble["version"] == 2 and ensemble["cutoff"] == 3
    # history matching: one seed, no run variance, so a point is plausible when its rate is
    # within 3 tolerances (3 × 5 % of 6,760) of the record, and every such trial is in the set
    targets = pd.read_parquet(tmp_path / "out" / "targets.parquet")
    close = set(targets.loc[(targets["mean"] - 6760).abs() <= 3 * 0.05 * 6760, "trial"])
    assert {s["trial"] for s in ensemble["sets"]} == close and outcome.best["trial"] in close
    assert all(s["implausibility"] <= 3 for s in ensemble["sets"])
    assert ensemble["plausible"] == len(close) < ensemble["points"] == 24


def test_an_interrupted_calibration_resumes_to_the_same_trials_on_another_executor(tmp_path):
    whole = calibrate(tiny(tmp_path, 12), tmp_path / "whole", plots=False)
    part = tmp_path / "part"
    calibrate(tiny(tmp_path, 12), part, plots=False)
    # a kill after the second round: only trials 0-3 were written
    for name in ("trials.parquet", "targets.parquet"):
        frame = pd.read_parquet(part / name)
        frame[frame["trial"] < 4].to_parquet(part / name, index=False)
    with pytest.raises(Exception, match="--resume"):
        calibrate(tiny(tmp_path, 12), part, plots=False)
    resumed = calibrate(tiny(tmp_path, 12), part, resume=True, plots=False, executor=ProcessExecutor(2))
    a = pd.read_parquet(tmp_path / "whole" / "trials.parquet").drop(columns="elapsed_s")
    b = pd.read_parquet(part / "trials.parquet").drop(columns="elapsed_s")
    pd.testing.assert_frame_equal(a, b)
    assert resumed.best["p:capacity"] == whole.best["p:capacity"]


def test_holdout_of_the_only_replay_is_refused_and_bad_configs_are_one_line(tmp_path, capsys):
    config = tiny(tmp_path, 4)
    assert main(["calibrate", str(config), "--holdout", "tiny", "--out", str(tmp_path / "o")]) == 2
    assert "leaves nothing to fit" in capsys.readouterr().err
    bad = [("low: 20", "low: 400"), ("trials: 4,", "trials: -1,"), ("root_seed: 7", "root_seed: -7"), ("root_seed: 7", "root_seed: 7\nseeds: 3"),
           ("paths: [producers.us_shell.capacity_per_week, producers.us_shell.ceiling_per_week]",
            "paths: [producers.us_shell.capacity_per_wek]")]
    for old, new in bad:
        path = tmp_path / "bad.yaml"
        path.write_text(config.read_text().replace(old, new), encoding="utf-8")
        assert main(["calibrate", str(path), "--out", str(tmp_path / "o2"), "--executor", "serial"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "bad.yaml" in err[0], (new, err)
    assert not (tmp_path / "o2").exists()


def test_the_shipped_calibration_config_validates_and_reaches_the_155mm_replays():
    from dibsim.experiments.validation.calib_config import read_config
    from dibsim.experiments.validation.calibration import make_setup

    path = Path(__file__).resolve().parent.parent / "scenarios" / "calibration" / "expansion_155mm.yaml"
    setup = make_setup(read_config(path), path)
    assert set(setup.fitted) == {"us_155mm_2022", "europe_155mm_2022"}
    assert set(setup.reported) == {"javelin_2022", "japan_pac3_licence"}
    assert {v.replay for v in setup.variables} >= {None}


def test_holdout_and_cross_validation_report_out_of_sample_errors(tmp_path, capsys):
    config = tiny(tmp_path, 24)
    second = TARGETS.replace("name: tiny", "name: tiny_b").replace("2022-03-07", "2022-04-04")
    (tmp_path / "tiny_b.targets.yaml").write_text(second, encoding="utf-8")
    config.write_text(config.read_text().replace("replays: [tiny.targets.yaml]",
                                                 "replays: [tiny.targets.yaml, tiny_b.targets.yaml]"))
    held = calibrate(config, tmp_path / "held", holdout=["tiny_b"], plots=False)
    roles = {s["replay"]: (s["role"], s["reached"]) for s in held.summary}
    assert roles == {"tiny": ("fitted", True), "tiny_b": ("out of sample", True)}
    assert held.summary[1]["rate_error"] < 0.05  # the same line, so the fit carries over
    assert main(["calibrate", str(config), "--cross-validate", "--out", str(tmp_path / "cv"),
                 "--executor", "serial", "--no-plots"]) == 0
    table = pd.read_csv(tmp_path / "cv" / "cross_validation.csv")
    assert list(table["replay"]) == ["tiny", "tiny_b"]
    assert table["in_sample_error"].notna().all() and table["out_of_sample_error"].notna().all()
    assert "out-of-sample" in capsys.readouterr().out
