"""The barrier-effects measurement (experiments/validation/barrier_effects.py) on a tiny world
whose one cross-border link waits for a partner export licence."""

from dibsim.experiments.validation.barrier_effects import (
    barrier_effects,
    main,
    measure_run,
    table,
    variant_overrides,
)
from dibsim.model import CooperationModel
from worlds import build, fallback_world

FIXED = {"enabled": True, "spread": 0.0, "denial_probability": 0.0, "median_days": 70}


def licensed_fallback():
    w = fallback_world()
    w["barriers"]["partner_export_control"] = FIXED
    return build(w)


def test_removing_or_slowing_the_licence_moves_allied_capacity_and_deliveries():
    effects, entered = barrier_effects(licensed_fallback(), seeds=2, barriers=["partner_export_control"],
                                       weeks=(15, 30, 60))
    by = {(e.variant, e.measure): e for e in effects}
    assert entered == {"partner_export_control": 1.0}
    # Removed: the Norwegian motors arrive at once, the line never falls to 6 a week.
    assert by[("removed", "deliveries_allied")].diff_mean > 0
    assert by[("removed", "capacity_allied_w15")].diff_mean == 4.0  # 10 instead of 6 ($1M each)
    # Four times slower (40 weeks): still short at week 30, where the base has recovered.
    assert by[("slower", "capacity_allied_w30")].diff_mean == -4.0
    assert by[("slower", "deliveries_allied")].diff_mean < 0
    assert by[("removed", "deliveries_us")].diff_mean == 0.0  # no US line in this world
    assert "| partner_export_control | slower | 1 |" in table(effects, entered, (15, 30, 60))


def test_slower_scales_every_median_time_of_the_barrier():
    scn = licensed_fallback()
    assert variant_overrides(scn, "partner_export_control", "slower") == {
        "barriers.partner_export_control.median_days": 280.0}
    slower = variant_overrides(scn, "congressional_review", "slower")
    assert slower["barriers.congressional_review.nato_plus_median_days"] == 4 * 15.0
    assert variant_overrides(scn, "fms_case", "removed") == {"barriers.fms_case.enabled": False}


def test_capacity_is_read_as_deliverable_capacity():
    # Week 15 of the base: the Norwegian link still waits for its licence, so the line can count
    # only the German plant's 6 motors a week; the run's reading is the line's deliverable
    # capacity that week ($1M a missile), which the series records too.
    scn = licensed_fallback()
    m = CooperationModel(scn, rng=1)
    for _ in range(15):
        m.step()
    line = m.producers["deu_missile"]
    assert line.output == 6.0
    assert measure_run(scn, 1, (15,)).capacity[("allied", 15)] == line.deliverable_capacity(15)
    assert m.timeseries()["deliverable.missile"][15] == line.deliverable_capacity(15)
    assert 6.0 <= line.deliverable_capacity(15) < 6.5  # the plant's rate, plus little on hand


def test_an_unknown_scenario_is_a_one_line_error(capsys):
    assert main(["--scenario", "no_such_scenario", "--seeds", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "no_such_scenario" in err and len(err.splitlines()) == 1
