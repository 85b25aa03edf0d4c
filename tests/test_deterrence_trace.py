"""What the trace of the combined model's deterrence findings found (docs/ODD.md §8, "Traced
deterrence findings"), held as tests.

* A barrier changed at run time (a fact's arm, a study's stricter setting) changes how the cases
  in flight at week 0 proceed, not how many there were: before the fix, a stricter FMS case put
  about three times more orders in flight at week 0, which held European buyers' positions so
  they stopped ordering from the Pacific's licensed lines, and removing every barrier put none
  in flight, so they ordered more there.
* What remains is a direct shift between theatres: a stricter third-party transfer withholds
  US consent to the Pacific's licensed lines' sales to Europe, so their output stays in the
  Pacific (paired seeds, the Indo-Pacific adversary held back so both arms run the same weeks).
"""

import numpy as np
import pytest
from dibsim.experiments.analysis.stats import mean_interval
from dibsim.experiments.engine.seeds import DEFAULT_ROOT_SEED, run_seed
from dibsim.experiments.validation.shipped_facts import HEADLINE, all_removed, one_stricter
from dibsim.model import CooperationModel
from dibsim.model.loader import load_scenario

WEEKS = 156
SEEDS = 4


def week0_on_order(overrides: dict) -> dict[str, float]:
    """Every nation's units on order at week 0 (book orders and cases in flight), summed."""
    model = CooperationModel(load_scenario(HEADLINE, overrides), rng=run_seed(DEFAULT_ROOT_SEED, 0))
    return {n.iso: sum(n.on_order.values()) for n in model.nation_list}


@pytest.mark.parametrize("arm", ["stricter_fms_case", "all_removed"])
def test_a_barrier_changed_at_run_time_leaves_the_orders_in_flight_at_week_0(arm):
    overrides = one_stricter("fms_case") if arm == "stricter_fms_case" else all_removed()
    base, changed = week0_on_order({}), week0_on_order(overrides)
    assert changed == pytest.approx(base)


def test_the_loader_keeps_the_file_rules_only_when_barriers_or_policies_change():
    assert load_scenario(HEADLINE).warm_start.history is None
    assert load_scenario(HEADLINE, {"horizon_weeks": 52}).warm_start.history is None
    kept = load_scenario(HEADLINE, {"barriers.fms_case.median_days": 999.0}).warm_start.history
    assert kept is not None and kept["barriers"]["fms_case"].get("median_days") != 999.0
    again = load_scenario(load_scenario(HEADLINE, {"barriers.fms_case.enabled": False}),
                          {"barriers.fms_case.median_days": 5.0}).warm_start.history
    assert again == kept  # a scenario already carrying the history keeps the first one
    # a historical replay's fitted overrides describe the world before its start too
    replay = load_scenario("historical/fms_timelines", {"barriers.fms_case.median_days": 50.0})
    assert replay.warm_start.history is None


def mean_regional_points(overrides: dict, seed: int) -> dict[str, float]:
    """Deterrence-weighted stock held in each region, averaged over weeks 1 … WEEKS, with every
    adversary held back (it assesses, never acts).
    """
    model = CooperationModel(load_scenario(HEADLINE, {**overrides, "horizon_weeks": WEEKS}), rng=seed)
    for adversary in model.adversary_list:
        adversary.restrained = True
    rows = []
    for _ in range(WEEKS):
        model.step()
        rows.append(model.regional_points())
    return {r: float(np.mean([row[r] for row in rows])) for r in rows[0]}


@pytest.fixture(scope="module")
def stricter_transfer_shift():
    seeds = [run_seed(DEFAULT_ROOT_SEED, i) for i in range(SEEDS)]
    arm = one_stricter("third_party_transfer")
    pairs = [(mean_regional_points({}, s), mean_regional_points(arm, s)) for s in seeds]
    return {r: mean_interval(np.array([v[r] - b[r] for b, v in pairs])) for r in pairs[0][0]}


def test_a_stricter_third_party_transfer_keeps_stock_in_the_indo_pacific(stricter_transfer_shift):
    # 4 seeds: +10.8 points (SE 0.8)
    r = stricter_transfer_shift["indo_pacific"]
    assert r.low > 0, r


def test_a_stricter_third_party_transfer_takes_it_from_europe(stricter_transfer_shift):
    # 4 seeds: -11.1 points (SE 0.8)
    r = stricter_transfer_shift["europe"]
    assert r.high < 0, r
