"""Fixed-seed regression: four seeded full-horizon runs (three of the baseline, one of the
Indo-Pacific contingency) must reproduce the metrics stored in tests/baseline_metrics.json —
integers and NaN positions exactly, floats within a relative 1e-9. A deliberate change of
behaviour is accepted by ``dibsim regression --refresh`` and committing the file with it."""

import copy
import json

from dibsim.experiments.cli import main
from dibsim.experiments.validation.regression import RUNS, default_path, load


def test_seeded_runs_reproduce_the_stored_metrics(capsys):
    code = main(["regression"])
    out = capsys.readouterr().out
    assert code == 0, out


def test_the_stored_file_holds_the_declared_runs_with_seeds_and_revision():
    data = load(default_path())
    assert [(r["scenario"], r["replicate"]) for r in data["runs"]] == list(RUNS)
    assert all(isinstance(r["seed"], int) and r["horizon_weeks"] > 0 for r in data["runs"])
    assert data["code_revision"]["version"] and "numpy" in data["packages"]


def _tampered(tmp_path, change):
    data = load(default_path())
    data["runs"] = [copy.deepcopy(data["runs"][0])]  # one run keeps the test quick
    change(data["runs"][0]["metrics"])
    path = tmp_path / "stored.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_drift_exits_1_naming_each_metric_and_by_how_much(tmp_path, capsys):
    def change(m):
        m["output_value_12m"] *= 1 + 1e-6       # a float beyond the tolerance
        m["surge_ratio"] *= 1 + 1e-12     # within it
        m["coproduction_lines"] += 1      # an integer, compared exactly
        m["weeks_to_double.gmlrs"] = 3.0        # was NaN
    assert main(["regression", "--file", str(_tampered(tmp_path, change))]) == 1
    out = capsys.readouterr().out
    assert "3 difference(s)" in out and "surge_ratio" not in out
    assert "output_value_12m" in out and "relative -1e-06" in out
    assert "coproduction_lines" in out and "compared exactly" in out
    assert "weeks_to_double.gmlrs: 3.0 → NaN" in out
    assert "--refresh" in out


def test_a_metric_missing_from_the_file_is_drift(tmp_path, capsys):
    path = _tampered(tmp_path, lambda m: m.pop("denied_share"))
    assert main(["regression", "--file", str(path)]) == 1
    assert "denied_share: computed" in capsys.readouterr().out


def test_refresh_writes_a_file_the_check_accepts_and_a_missing_file_exits_2(tmp_path, capsys):
    path = tmp_path / "fresh.json"
    assert main(["regression", "--file", str(path)]) == 2
    assert "no stored regression metrics" in capsys.readouterr().err
    assert main(["regression", "--refresh", "--file", str(path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8"))["runs"][0]["metrics"]["weeks_to_double.gmlrs"] is None
    assert main(["regression", "--file", str(path)]) == 0
