"""The barrier-delay sweep's verdicts (experiments/validation/barrier_sweep.py) on hand-made values."""

import math

import pytest
from dibsim.experiments.validation.barrier_sweep import (
    BASE_ARM,
    FACTORS,
    arm_name,
    main,
    scaled_overrides,
    summarise,
)
from dibsim.model.loader import load_scenario


def values_for(barrier: str, by_factor: dict[float, list[float]]) -> dict[str, dict[int, float]]:
    return {arm_name(barrier, f): dict(enumerate(v)) for f, v in by_factor.items()}


def test_a_smooth_monotone_sweep_passes_with_its_step_shares():
    # Output falls by 10, 20, 30, 40 per doubling on every seed (± a little noise).
    noise = [0.0, 0.5, -0.5, 0.2]
    level = {0.25: 100.0, 0.5: 90.0, 1.0: 70.0, 2.0: 40.0, 4.0: 0.0}
    vals = values_for("fms_case", {f: [level[f] + n for n in noise] for f in FACTORS})
    [r] = summarise(vals, ["fms_case"])
    assert [round(s.mean, 6) for s in r.steps] == [-10.0, -20.0, -30.0, -40.0]
    assert r.vs_base[4.0] == pytest.approx(-70.0) and r.vs_base[1.0] == 0.0
    assert r.monotone and not r.flat
    assert r.largest_share == pytest.approx(0.4) and r.smooth


def test_one_step_carrying_the_change_fails_the_share_criterion():
    level = {0.25: 100.0, 0.5: 100.0, 1.0: 100.0, 2.0: 30.0, 4.0: 30.0}
    noise = [0.0, 1.0, -1.0]
    [r] = summarise(values_for("b", {f: [level[f] + n for n in noise] for f in FACTORS}), ["b"])
    assert r.monotone and r.largest_share == pytest.approx(1.0) and not r.smooth


def test_a_resolved_step_against_the_total_is_not_monotone():
    level = {0.25: 100.0, 0.5: 120.0, 1.0: 80.0, 2.0: 60.0, 4.0: 40.0}
    noise = [0.0, 1.0, -1.0]
    [r] = summarise(values_for("b", {f: [level[f] + n for n in noise] for f in FACTORS}), ["b"])
    assert r.steps[0].resolved and r.steps[0].mean > 0 > r.total.mean
    assert not r.monotone and not r.smooth


def test_a_flat_sweep_is_smooth_only_when_no_step_is_resolved():
    flat = {f: [10.0, 12.0, 8.0, 11.0] for f in FACTORS}
    [r] = summarise(values_for("b", flat), ["b"])
    assert r.flat and r.monotone and r.smooth and math.isnan(r.largest_share)
    assert arm_name("b", 1.0) == BASE_ARM


def test_the_sweep_scales_every_median_time_of_the_barrier():
    scn = load_scenario("indo_pacific_contingency")
    over = scaled_overrides(scn, "congressional_review", 2.0)
    settings = scn.barriers.congressional_review
    assert over == {f"barriers.congressional_review.{f}": getattr(settings, f) * 2.0
                    for f in ("median_days", "nato_plus_median_days") if hasattr(settings, f)}
    assert over  # the barrier has a median time


def test_bad_flags_exit_2_with_one_line(capsys):
    assert main(["--barrier", "no_such_barrier", "--seeds", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_barrier" in err[0]
    with pytest.raises(SystemExit) as exc:
        main(["--seeds", "1"])
    assert exc.value.code == 2
