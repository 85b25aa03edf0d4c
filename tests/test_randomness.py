"""Randomness is an input: same seed, same run; named streams keep common random numbers."""

import math

import numpy as np
from dibsim.model import CooperationModel
from dibsim.model.streams import Streams
from worlds import build, two_nation_world


def busy_world(**changes):
    """Two nations, peacetime use, a scripted crisis and an adversary: every stream is used."""
    w = two_nation_world()
    w["horizon_weeks"] = 120
    w["nations"]["GBR"].update(peacetime_use_per_week={"shell": 20}, stocks={"shell": 1000}, understanding=0.3)
    w["nations"]["USA"].update(stocks={"shell": 5000}, requirements={"shell": 5000}, peacetime_use_per_week={"shell": 60})
    w["items"]["shell"].update(deterrence_weight=1.0, coproduction={"line_capacity_per_week": 50})
    w["producers"]["us_shell"]["ceiling_per_week"] = 400
    w["crises"] = [{"region": "europe", "start_week": 20, "consumption_per_week": {"shell": 300}}]
    w["adversaries"] = {"indo_pacific": {"campaign_requirement": 3000}}
    w["sourcing"] = {"coproduction_seek_probability": 0.05, "coproduction_min_budget_musd": 0}
    return build(w, **changes)


def same(a: dict, b: dict) -> bool:
    return all((math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)


def test_same_seed_gives_identical_metrics_and_series():
    a = CooperationModel(busy_world(), rng=42).run()
    b = CooperationModel(busy_world(), rng=42).run()
    assert same(a.metrics(), b.metrics())
    assert a.timeseries() == b.timeseries()


def test_different_seeds_differ():
    runs = [CooperationModel(busy_world(), rng=s).run().timeseries()["open_cases.export_licence"] for s in range(4)]
    assert len({tuple(r) for r in runs}) > 1


def test_unseeded_run_records_the_entropy_it_used():
    m = CooperationModel(busy_world(), rng=None)
    replay = CooperationModel(busy_world(), rng=m.seed)
    assert m.run().timeseries() == replay.run().timeseries()


def test_streams_are_independent_of_each_other():
    a, b = Streams(7), Streams(7)
    a["barrier.export_licence"].random(1000)  # heavy use of one stream ...
    x = a["barrier.fms_case"].random(5)
    y = b["barrier.fms_case"].random(5)  # ... leaves another untouched
    assert np.array_equal(x, y)
    assert not np.array_equal(Streams(7)["sourcing"].random(5), Streams(7)["activation"].random(5))


def test_a_setting_no_case_touches_changes_nothing():
    # No producer is foreign-owned, so the investment review never runs: its settings must not
    # move a single draw anywhere else (common random numbers).
    a = CooperationModel(busy_world(), rng=5).run()
    b = CooperationModel(busy_world(barriers__investment_review__median_days=900.0), rng=5).run()
    assert a.timeseries() == b.timeseries()


def test_no_global_random_state_is_touched():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    CooperationModel(busy_world(), rng=1).run(30)
    assert np.random.random() == before
