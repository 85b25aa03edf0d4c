"""The plausible set by history matching: planted calibration points against planted targets.

Implausibility = |mean simulated − observed| / √(tolerance² + run variance / n); a point is
plausible when it is at most 3 on every target (docs/calibration.md, "The plausible set").
"""

import json
import math

import pytest
from dibsim.experiments.cli import main
from dibsim.experiments.ensemble_study import read_ensemble
from dibsim.experiments.errors import UserError
from dibsim.experiments.validation.history import spread
from dibsim.experiments.validation.history_matching import carried, implausibility, match

#: Two targets: a rate observed at 1,000 (tolerance 50 in its unit) and a milestone at week 40
#: (tolerance 4 weeks); each point ran n = 4 seeds.
RATE, WEEK = {"replay": "r", "check": "rate per year", "date": "2023-01-01", "observed": 1000.0,
              "tolerance_abs": 50.0}, {"replay": "r", "check": "first_output", "date": "2022-06-01",
                                       "observed": 40.0, "tolerance_abs": 4.0}


def _target(trial, base, values):
    return {"trial": trial, **base, **spread(values, base["tolerance_abs"])}


def _points():
    """Trial 0 fits both; 1 is at exactly 3 on the rate; 2 fits the rate but misses the
    milestone by 5 tolerances; 3 has a milestone that never happens in 3 of its 4 runs."""
    # trial 1: four runs at 1,150 exactly: variance 0, so I = 150 / 50 = 3
    rows = [{"trial": t, "loss": 0.1 * t, "p:x": float(t)} for t in range(4)]
    targets = [_target(0, RATE, [990, 1010, 1000, 1000]), _target(0, WEEK, [39, 41, 40, 40]),
               _target(1, RATE, [1150] * 4), _target(1, WEEK, [40] * 4),
               _target(2, RATE, [1000] * 4), _target(2, WEEK, [60] * 4),
               _target(3, RATE, [1000] * 4), _target(3, WEEK, [40, math.nan, math.nan, math.nan])]
    return rows, targets


def test_implausibility_is_the_distance_in_tolerance_and_monte_carlo_error():
    row = {**RATE, **spread([1100, 1300], 50.0)}  # mean 1,200, variance 20,000, n 2
    assert implausibility(row) == pytest.approx(200 / math.sqrt(50 ** 2 + 20_000 / 2))
    assert implausibility({**RATE}) != implausibility({**RATE})  # no spread fields: NaN


def test_a_point_implausible_on_one_target_is_out_and_one_at_exactly_three_is_in():
    rows, targets = _points()
    kept, summary = match(rows, targets)
    assert [r["trial"] for r in kept] == [0, 1]
    assert kept[1]["implausibility"] == pytest.approx(3.0)
    assert summary["plausible"] == 2 and summary["points"] == 4
    assert summary["ruled_out_by_target"] == {"r: first_output 2022-06-01": 2}


def test_a_point_stored_without_the_spread_cannot_be_matched_and_is_counted():
    rows, targets = _points()
    old = [{k: v for k, v in t.items() if k not in ("mean", "variance")} if t["trial"] == 0 else t
           for t in targets]
    kept, summary = match(rows, old)
    assert [r["trial"] for r in kept] == [1] and summary["unmatchable"] == 1


def test_the_study_carries_points_spread_across_the_set():
    assert carried(3, 8) == [0, 1, 2]
    assert carried(10, 4) == [0, 3, 6, 9]


def _write(tmp_path, data):
    (tmp_path / "ensemble.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_both_file_versions_read_and_a_newer_one_is_refused_in_one_line(tmp_path, capsys):
    sets = [{"trial": t, "loss": 0.1, "study_overrides": {"a.b": t}} for t in range(3)]
    v2 = read_ensemble(_write(tmp_path, {"format": "dibsim-ensemble/2", "version": 2,
                                         "cutoff": 3, "carried": [0, 2], "sets": sets}))
    assert [s["trial"] for s in v2["sets"]] == [0, 2]
    v1 = read_ensemble(_write(tmp_path, {"format": "dibsim-ensemble/1", "tolerance": 0.25, "sets": sets}))
    assert v1["version"] == 1 and len(v1["sets"]) == 3
    _write(tmp_path, {"version": 3, "sets": sets})
    with pytest.raises(UserError, match="version 3"):
        read_ensemble(tmp_path)
    _write(tmp_path, {"version": 2, "cutoff": 3, "carried": [], "sets": []})
    assert main(["study", "--ensemble", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "plausible set is empty" in err and len(err.strip().splitlines()) == 1
