"""dibsim validate tells a scenario, a targets file and a calibration config apart by their
``format:`` key and validates each as what it is; a targets file is checked against its replay,
and a calibration config's per-replay paths reach a replay named by its targets file's path."""

import sys
from pathlib import Path

import pytest
import yaml
from dibsim.experiments.cli import main
from dibsim.experiments.errors import UserError
from dibsim.experiments.validation.calib_config import read_config
from dibsim.experiments.validation.calibration import make_setup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import two_nation_world

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

TARGETS = """format: dibsim-targets/1
name: tiny
scenario: tiny.yaml
item: shell
nations: [USA]
unit: year
title: tiny world line
calibrated: nothing
observations:
  - {date: "DATE", value: 6760, source: P28}
"""

CONFIG = """format: dibsim-calibration/1
name: tiny
description: reach a replay named by its targets file
replays: [tiny.targets.yaml]
parameters:
  capacity:
    paths: {KEY: [producers.us_shell.capacity_per_week]}
    low: 20
    high: 90
    description: the line's capacity
budget: {trials: 2}
root_seed: 7
"""


def world(tmp_path: Path, date: str = "2022-03-07", item: str = "shell") -> Path:
    scn = dict(two_nation_world(), start_date="2022-01-03", horizon_weeks=52)
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(scn), encoding="utf-8")
    path = tmp_path / "tiny.targets.yaml"
    path.write_text(TARGETS.replace("DATE", date).replace("item: shell", f"item: {item}"), encoding="utf-8")
    return path


def test_every_shipped_file_validates_as_what_it_is(capsys):
    files = sorted(str(p) for p in SCENARIOS.glob("*/*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    kinds = {Path(line.split(": ok")[0]).name: line for line in out}
    assert "ok (targets japan_pac3_licence" in kinds["japan_pac3_licence.targets.yaml"]
    assert "ok (calibration expansion_155mm" in kinds["expansion_155mm.yaml"]
    assert "unknown field" not in "\n".join(out)


@pytest.mark.parametrize("date, item, expect", [
    ("2023-06-01", "shell", "observations.0.date: 2023-06-01 is outside the replay's horizon"),
    ("2021-12-01", "shell", "observations.0.date: 2021-12-01 is outside the replay's horizon"),
    ("2022-03-07", "sm6", "item: 'sm6' is not an item of the replay"),
])
def test_a_target_the_replay_cannot_reach_is_one_line(tmp_path, capsys, date, item, expect):
    path = world(tmp_path, date, item)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and expect in err[0], err


def test_an_unknown_format_is_one_line(tmp_path, capsys):
    path = world(tmp_path)
    path.write_text(path.read_text().replace("dibsim-targets/1", "dibsim-targets/9"), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "format: unknown format (got 'dibsim-targets/9')" in err[0], err


@pytest.mark.parametrize("key", ["tiny.targets.yaml", "tiny"])
def test_per_replay_paths_reach_a_replay_named_by_its_targets_file(tmp_path, key):
    world(tmp_path)
    cfg = tmp_path / "cal.yaml"
    cfg.write_text(CONFIG.replace("KEY", key), encoding="utf-8")
    setup = make_setup(read_config(cfg), cfg)
    assert [v.name for v in setup.variables] == ["capacity"]
    assert setup.overrides({"capacity": 99.0}, "tiny") == {"producers.us_shell.capacity_per_week": 99.0}


def test_a_paths_key_naming_no_replay_is_refused(tmp_path, capsys):
    world(tmp_path)
    cfg = tmp_path / "cal.yaml"
    cfg.write_text(CONFIG.replace("KEY", "other.targets.yaml"), encoding="utf-8")
    with pytest.raises(UserError, match=r"'other\.targets\.yaml' names none of the listed replays"):
        make_setup(read_config(cfg), cfg)
    assert main(["validate", str(cfg)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_calibration_refuses_a_target_outside_its_replay(tmp_path):
    from dibsim.model.loader import ScenarioError

    world(tmp_path, "2024-01-01")
    cfg = tmp_path / "cal.yaml"
    cfg.write_text(CONFIG.replace("KEY", "tiny"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="outside the replay's horizon"):
        make_setup(read_config(cfg), cfg)
