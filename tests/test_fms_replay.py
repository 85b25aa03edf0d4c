"""The FMS timelines replay (measure: fms_process): its targets validate, a bad one is one line,
and with the fitted stage times it passes its tolerances: every published stage time and named
case, the cases' median notified -> first delivery within 25% and their 90th percentile within
50% (scenarios/calibration/fms_timelines.yaml fits it; Germany's F-35A case is held out)."""

from pathlib import Path

import pytest
from dibsim.experiments.cli import main
from dibsim.experiments.validation.history import REPLAYS, compare, run_replay

HISTORICAL = Path(__file__).resolve().parent.parent / "scenarios" / "historical"


@pytest.fixture(scope="module")
def rows():
    return compare(run_replay(REPLAYS["fms_timelines"], replications=20, root_seed=20260101))


def test_the_fms_replay_passes_its_tolerances(rows):
    failed = [(r["check"], round(r["error"], 3), r["tolerance"]) for r in rows if not r["ok"]]
    assert not failed, failed
    checks = {r["check"]: r for r in rows}
    median = checks["cases' median notified_to_delivery (weeks)"]
    p90 = checks["cases' 90th percentile notified_to_delivery (weeks)"]
    assert abs(median["simulated"] / median["observed"] - 1) <= 0.25
    assert 1 / 1.5 <= p90["simulated"] / p90["observed"] <= 1.5
    assert len(rows) == 16  # 2 stage times, 12 case intervals, 2 end-to-end statistics


def test_the_named_cases_carry_their_public_intervals():
    cases = {c.label: c.intervals() for c in REPLAYS["fms_timelines"].cases}
    assert cases["Poland Patriot, Wisla phase I (208 PAC-3 MSE)"]["notified_to_loa"] == 133
    assert cases["Japan Tomahawk (up to 400)"]["loa_to_delivery"] == 785
    assert REPLAYS["fms_germany_f35"].cases[0].intervals() == {"notified_to_loa": 139}


def _write(tmp_path, text):
    scn = (HISTORICAL / "fms_timelines.yaml").read_text(encoding="utf-8")
    (tmp_path / "fms.yaml").write_text(scn, encoding="utf-8")
    path = tmp_path / "fms.targets.yaml"
    head = (HISTORICAL / "fms_timelines.targets.yaml").read_text(encoding="utf-8").split("durations:")[0]
    path.write_text(head.replace("fms_timelines.yaml", "fms.yaml") + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("tail, expect", [
    ('cases: [{label: x, nation: FRA, item: f35a, notified: "2020-01-01", loa: "2020-06-01", source: P110}]',
     "cases.0.nation: 'FRA' is not a nation of the replay"),
    ('cases: [{label: x, nation: POL, item: f35a, notified: "2020-01-01", first_delivery: "2029-01-01", source: P110}]',
     "notified_to_delivery of 3288 days does not fit in the replay's 320-week horizon"),
    ('cases: [{label: x, nation: POL, item: f35a, notified: "2020-06-01", loa: "2020-01-01", source: P110}]',
     "notified_to_loa is negative"),
    ('cases: [{label: x, nation: POL, item: f35a, loa: "2020-01-01", source: P110}]', "gives no two dates"),
    ('observations: [{date: "2019-01-01", value: 1, source: P110}]', "compares durations and cases"),
])
def test_a_bad_fms_target_is_one_line(tmp_path, capsys, tail, expect):
    path = _write(tmp_path, tail + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and expect in err[0], err
