"""Stylised facts in the shipped world (issue 10, item 5), on paired seeds.

The headline scenario is the baseline (the European war running from week 0, the Indo-Pacific
adversary deciding for itself). Output and deterrence facts run 156 weeks, which the 36-month
window from the baseline's onset at week 0 fits exactly, with few seeds; the failure-probability
fact runs the full horizon. ``dibsim facts`` runs them all at 30 seeds
(``experiments/validation/shipped_facts.py``); docs/ODD.md gives the table.
"""

import math

import pytest
from dibsim.experiments.validation.shipped_facts import (
    CLIFF_TOLERANCE,
    DETERRENCE,
    EXCEPTIONS,
    FAILURE,
    VALUE_36M,
    headline_variation,
    measure_shipped,
    shipped_facts,
)
from dibsim.model.barriers import BARRIERS

SHORT = 156
FACTS = shipped_facts(SHORT)
FULL = shipped_facts()
CACHE: dict = {}


def results(name, n, facts=FACTS):
    return {r.metric: r for r in measure_shipped(facts[name], n, cache=CACHE)}


def test_removing_every_barrier_raises_value_output_and_deterrence():
    res = results("shipped_all_removed", 6)
    assert res[VALUE_36M].ci_low > 0, res[VALUE_36M]
    assert res[DETERRENCE].ci_low > 0, res[DETERRENCE]


def test_every_barrier_four_times_slower_lowers_both():
    res = results("shipped_all_slower", 6)
    assert res[VALUE_36M].ci_high < 0, res[VALUE_36M]
    assert res[DETERRENCE].ci_high < 0, res[DETERRENCE]


@pytest.mark.parametrize("key", list(BARRIERS))
def test_no_single_stricter_barrier_raises_output_or_deterrence_by_a_resolved_amount(key):
    res = results(f"shipped_stricter_{key}", 5)
    metrics = tuple(m for m in (VALUE_36M, DETERRENCE) if (key, m) not in EXCEPTIONS)
    assert set(res) == set(metrics)
    for metric in metrics:
        assert res[metric].n == 5 and res[metric].ci_low <= 0, res[metric]


@pytest.mark.parametrize("key,metric", [("information_security", DETERRENCE)])
def test_the_named_exceptions_hold_as_docs_odd_says(key, metric):
    # docs/ODD.md §8: a stricter releasability review raises Indo-Pacific deterrence by
    # +0.0002. Were it to vanish, the ODD must change. (The stricter DSP-5's +250 $M in 36-month
    # output value was an exception while intervals used z = 1.96; with Student's t over 30
    # seeds its interval, [-0.5, +500], includes zero, so fact (b) covers it.)
    assert set(EXCEPTIONS) == {("information_security", DETERRENCE)}
    # measured as `dibsim facts` does, over the full horizon: over 156 weeks the deterrence
    # exception is not resolved ([-0.00005, +0.0008]), so it is as fragile as it is small
    r = results(f"shipped_stricter_{key}_exception", 30, FACTS if metric == VALUE_36M else FULL)[metric]
    assert r.ci_low > 0 and r.diff_mean < 0.01 * abs(r.base_mean), r


def test_the_us_alone_lowers_deterrence_and_raises_its_failure_probability():
    assert results("shipped_us_alone", 6)[DETERRENCE].ci_high < 0
    failure = results("shipped_us_alone_failure", 16, FULL)[FAILURE]
    assert failure.ci_low > 0, failure


def test_production_is_deterrence_doubling_interceptor_lines_raises_it():
    r = results("shipped_interceptor_lines", 5)[DETERRENCE]
    assert r.ci_low > 0, r


def test_more_us_stock_forward_raises_deterrence():
    r = results("shipped_forward_stock", 4)[DETERRENCE]
    assert r.ci_low > 0, r


@pytest.mark.parametrize("name", ["shipped_transit_7_8", "shipped_transit_8_9"])
def test_no_cliff_at_the_warning_time(name):
    r = results(name, 4)[DETERRENCE]
    assert r.diff_mean < 0  # a longer transit still lowers deterrence ...
    assert abs(r.diff_mean) < CLIFF_TOLERANCE, r  # ... by a gradient, not a cliff


def test_headline_metrics_vary_across_the_shipped_scenarios_and_are_never_all_missing():
    from dibsim.model.loader import available_scenarios

    names = [n for n in available_scenarios() if not n.startswith("historical/") and not n.startswith("sweep_")]
    assert {"baseline", "indo_pacific_contingency", "europe_contingency", "us_alone"} <= set(names)
    table = headline_variation(names, replications=2)
    for metric, row in table.items():
        assert not row["all_missing"], metric
        assert row["varies"], (metric, row["means"])
    assert all(math.isfinite(v) for v in table[DETERRENCE]["means"].values())
