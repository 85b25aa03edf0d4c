"""Replay targets as data (scenarios/historical/*.targets.yaml): every shipped replay has one,
they validate strictly, and a bad one is a one-line error naming file, field and value."""

from pathlib import Path

import pytest
from dibsim.experiments.validation.history import REPLAYS, replay_from_targets
from dibsim.experiments.validation.targets import read_targets, shipped_targets
from dibsim.model.loader import ScenarioError, available_scenarios

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_every_replay_scenario_has_a_targets_file_and_no_targets_file_is_a_scenario():
    replays = {p.name.removesuffix(".targets.yaml") for p in shipped_targets(SCENARIOS)}
    scenarios = {p.stem for p in (SCENARIOS / "historical").glob("*.yaml") if ".targets" not in p.name}
    assert replays == scenarios == set(REPLAYS)
    assert not [s for s in available_scenarios() if s.endswith(".targets")]


def test_the_targets_carry_the_published_figures():
    us = REPLAYS["us_155mm_2022"]
    assert next((o.date, o.value, o.tolerance) for o in us.observations) == ("2022-02-21", 14_000, 0.10)
    assert REPLAYS["japan_pac3_licence"].milestones[0].kind == "licence"
    assert REPLAYS["europe_155mm_2022"].measure == "deliverable"


def _bad(tmp_path, text):
    (tmp_path / "x.yaml").write_text("name: x\n", encoding="utf-8")
    path = tmp_path / "x.targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_targets(path)
    return exc.value.problems


GOOD = ("format: dibsim-targets/1\nname: x\nscenario: x.yaml\nitem: shell_155mm\nnations: [USA]\n"
        "unit: month\ntitle: t\ncalibrated: c\n")


@pytest.mark.parametrize("tail, expect", [
    ('observations: [{date: "2022-13-01", value: 1, source: P28}]', "observations.0.date"),
    ('observations: [{date: "2022-01-01", value: 1, source: P28, tolerance: -1}]', "tolerance"),
    ('observations: [{date: "2022-01-01", value: 1, source: P28, tol: 0.1}]', "unknown field"),
    ("observations: []", "at least one observation"),
])
def test_a_bad_targets_file_is_one_line_naming_the_field(tmp_path, tail, expect):
    problems = _bad(tmp_path, GOOD + tail + "\n")
    assert len(problems) == 1 and "x.targets.yaml" in problems[0] and expect in problems[0], problems


def test_a_targets_file_outside_the_package_makes_a_replay(tmp_path):
    (tmp_path / "x.yaml").write_text("name: x\n", encoding="utf-8")
    path = tmp_path / "x.targets.yaml"
    path.write_text(GOOD + 'observations: [{date: "2022-01-01", value: 1, source: P28}]\n', encoding="utf-8")
    replay = replay_from_targets(path)
    assert replay.scenario == str(tmp_path / "x.yaml") and replay.observations[0].tolerance == 0.15
