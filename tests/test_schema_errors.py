"""Schema layer: bad scenario input gives one clear line per problem, never a traceback."""

from pathlib import Path

import pytest
import yaml
from dibsim.experiments.cli import main
from dibsim.model.loader import ScenarioError, load_scenario
from worlds import build, two_nation_world


def write(tmp_path: Path, data, name="s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return p


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.problems


def test_unknown_key_is_named_with_the_valid_ones(tmp_path):
    w = two_nation_world()
    w["nations"]["GBR"]["budjet"] = 5
    lines = problems_of(write(tmp_path, w))
    assert len(lines) == 1
    assert "nations.GBR.budjet: unknown field" in lines[0]
    assert "budget_musd_per_year" in lines[0] and str(tmp_path) in lines[0]


def test_negative_delay_names_field_and_value(tmp_path):
    w = two_nation_world()
    w["barriers"] = {"export_licence": {"median_days": -5}}
    (line,) = problems_of(write(tmp_path, w))
    assert "barriers.export_licence.median_days" in line and "-5" in line


def test_wrong_type(tmp_path):
    w = two_nation_world()
    w["producers"]["us_shell"]["capacity_per_week"] = "lots"
    (line,) = problems_of(write(tmp_path, w))
    assert "producers.us_shell.capacity_per_week" in line and "'lots'" in line


def test_missing_nation_reference(tmp_path):
    w = two_nation_world()
    w["producers"]["us_shell"]["nation"] = "XXX"
    (line,) = problems_of(write(tmp_path, w))
    assert "producers.us_shell.nation: unknown nation 'XXX'" in line


def test_unknown_group_in_exemption(tmp_path):
    w = two_nation_world()
    w["barriers"] = {"export_licence": {"exempt": ["aukus", "quad"]}}
    (line,) = problems_of(write(tmp_path, w))
    assert "barriers.export_licence: unknown nation or group 'quad'" in line


def test_broken_yaml_gives_the_line(tmp_path):
    p = write(tmp_path, "name: x\nnations: {USA: [\n  bad\n")
    (line,) = problems_of(p)
    assert "YAML syntax error at line" in line and str(p) in line


def test_extends_merges_and_detects_cycles(tmp_path):
    write(tmp_path, two_nation_world(), "base.yaml")
    child = write(tmp_path, {"extends": "base.yaml", "name": "child",
                             "barriers": {"fms_case": {"median_days": 10}}}, "child.yaml")
    scn = load_scenario(child)
    assert scn.name == "child" and scn.barriers.fms_case.median_days == 10
    assert scn.producers["us_shell"].capacity_per_week == 100
    write(tmp_path, {"extends": "b.yaml", "name": "a"}, "a.yaml")
    write(tmp_path, {"extends": "a.yaml", "name": "b"}, "b.yaml")
    (line,) = problems_of(tmp_path / "a.yaml")
    assert "circular" in line


def test_overrides_are_validated():
    scn = build(two_nation_world(), barriers__fms_case__median_days=12.5)
    assert scn.barriers.fms_case.median_days == 12.5
    with pytest.raises(ScenarioError) as exc:
        load_scenario(scn, {"barriers.fms_case.median_days": -1})
    assert "barriers.fms_case.median_days" in exc.value.problems[0]


def test_sweep_paths_must_exist(tmp_path):
    w = two_nation_world()
    w["sweep"] = {"design": "lhs", "parameters": {"barriers.fms_case.median_dayz": {"low": 1, "high": 2}}}
    (line,) = problems_of(write(tmp_path, w))
    assert "sweep.parameters.barriers.fms_case.median_dayz: no such setting" in line


def test_sweep_design_needs_ranges(tmp_path):
    w = two_nation_world()
    w["sweep"] = {"design": "sobol", "parameters": {"barriers.fms_case.median_days": {"values": [1, 2]}}}
    (line,) = problems_of(write(tmp_path, w))
    assert "sobol design needs low/high" in line


def test_cli_validate_exit_codes_and_writes_nothing(tmp_path, capsys):
    good = write(tmp_path, two_nation_world(), "good.yaml")
    w = two_nation_world()
    w["horizon_weeks"] = -3
    bad = write(tmp_path, w, "bad.yaml")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.yaml: horizon_weeks" in err[0] and "Traceback" not in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_cli_schema_is_json_schema(capsys):
    import json

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "nations" in schema["properties"] and "$defs" in schema
