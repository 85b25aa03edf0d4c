"""``dibsim study --ensemble``: the study once per plausible set, combined with agreement shares."""

import json

import pandas as pd
import pytest
from dibsim.experiments.cli import main
from dibsim.experiments.ensemble_study import combine

LAG = "industry.expansion_profiles.shell_line.lag_weeks"


@pytest.mark.slow  # two sets × both headlines' arms, about 25 s: make test-all (CI) runs it
def test_the_study_runs_once_per_set_with_the_sets_overrides_on_every_arm(tmp_path):
    cal = tmp_path / "cal"
    cal.mkdir()
    sets = [{"trial": t, "loss": 0.2, "values": {}, "overrides": {}, "study_overrides": {LAG: lag}}
            for t, lag in ((3, 60), (8, 120))]
    (cal / "ensemble.json").write_text(json.dumps({"calibration": "x", "tolerance": 0.25, "sets": sets}))
    out = tmp_path / "study"
    assert main(["study", "--ensemble", str(cal), "--out", str(out), "--steps", "6",
                 "--replications", "2", "--executor", "serial", "--quiet"]) == 0
    lags = []
    for k in (0, 1):
        manifest = json.loads((out / f"set_{k:02d}" / "manifest.json").read_text())
        assert (out / f"set_{k:02d}" / "study.json").is_file()
        arms = {s["resolved"]["industry"]["expansion_profiles"]["shell_line"]["lag_weeks"] for s in manifest["scenarios"]}
        lags.append(arms)
    assert lags == [{60}, {120}]  # every arm of a set carries the set's value
    table = pd.read_csv(out / "ensemble_answer.csv")
    assert (table["sets"] == 2).all() and table["sign_share"].between(0, 1).all()
    assert "sign holds" in (out / "ensemble_answer.md").read_text()
    report = (out / "report.html").read_text()
    assert "across the plausible set" in report and "holds across the set" in report
    assert report.count("<tr>") == len(table) + 1  # every effect beside its sign and rank agreement


def test_combine_reports_sign_and_rank_agreement():
    def table(k, a, b):
        return pd.DataFrame([
            {"headline": "h", "kind": "removed", "subject": s, "label": s, "arm": s, "metric": "m",
             "primary": True, "effect": e, "effect_low": e - 1, "effect_high": e + 1, "set": k}
            for s, e in (("a", a), ("b", b))])

    out = combine([table(0, 5.0, 1.0), table(1, 4.0, -0.5), table(2, 0.5, 2.0)]).set_index("arm")
    assert out.loc["a", "effect"] == pytest.approx(9.5 / 3)
    assert out.loc["a", "sign_share"] == 1.0 and out.loc["b", "sign_share"] == pytest.approx(2 / 3)
    assert out.loc["a", "rank_share"] == pytest.approx(2 / 3)  # a ranks first in sets 0 and 1 only
    assert out.loc["a", "effect_low"] == -0.5 and out.loc["b", "effect_high"] == 3.0
    assert not out["holds"].any()


def test_a_folder_without_an_ensemble_is_refused(tmp_path, capsys):
    assert main(["study", "--ensemble", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "no ensemble.json" in capsys.readouterr().err
