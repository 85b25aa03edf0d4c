"""Replicate until resolved: the sequential rule on a cheap fake runner with planted effects."""

import itertools

import numpy as np
import pytest
from dibsim.experiments.sequential import (
    NEGLIGIBLE,
    OPEN,
    RESOLVED,
    StoppingRule,
    ranking_priority,
    rule_from,
    until_resolved,
)

STATUS_QUO = 1000.0  # so the practical threshold (0.5%) is ±5


class FakeStudy:
    """Paired differences drawn once per replicate (common random numbers: replicate r is the
    same draw whenever it is run); a fake clock that advances one second per run."""

    def __init__(self, truths, sd, seed=1, max_reps=400):
        rng = np.random.default_rng(seed)
        self.draws = {a: t + sd[a] * rng.standard_normal(max_reps) for a, t in truths.items()}
        self.reps = dict.fromkeys(truths, 0)
        self.now = 0.0

    def diffs(self, arm, metric):
        return self.draws[arm][: self.reps[arm]], STATUS_QUO

    def extend(self, targets):
        for arm, n in targets.items():
            self.now += max(0, n - self.reps[arm])
            self.reps[arm] = max(self.reps[arm], n)

    def clock(self):
        return self.now


def _run(study, rule, budget=None, **kw):
    return until_resolved(list(study.reps), ["output_value_12m"], rule, study.diffs,
                          study.extend, budget_s=budget, clock=study.clock, **kw)


def test_looks_are_fixed_and_the_error_is_spent_over_them():
    rule = StoppingRule(initial=10, batch=10, max_reps=100)
    assert rule.looks == 10 and rule.schedule()[-1] == 100
    spent = rule.spent()
    assert sum(spent) == pytest.approx(0.05)  # the union bound over the looks: 5% in all
    # alpha·t²: the look at n = 10k spends 0.05·(2k − 1)/100, little first, most last
    assert spent == pytest.approx([0.05 * (2 * k - 1) / 100 for k in range(1, 11)])
    assert rule.levels()[0] == pytest.approx(1 - 0.0005) and rule.levels()[-1] == pytest.approx(1 - 0.0095)
    # ρ = 1 with the first look one batch: the equal Bonferroni split
    flat = StoppingRule(initial=10, batch=10, max_reps=100, power=1.0)
    assert flat.levels() == pytest.approx([1 - 0.05 / 10] * 10)
    # the level belongs to the replication count: fewer pairs than a look (failed runs) fall
    # back to the look before, whose interval is wider
    assert rule.level_at(30) == rule.levels()[2] and rule.level_at(29) == rule.levels()[1]
    assert rule.level_at(3) == rule.levels()[0] and rule.next_target(100) is None
    assert rule_from(rule.describe()) == rule and rule_from(None) is None


def test_the_repeated_looks_keep_a_zero_effect_from_being_resolved_more_than_alpha():
    # 400 zero effects, each run through every look it stays open at (threshold 0: never
    # negligible, so each is looked at up to 6 times): resolving one is an error, and the
    # error-spending intervals keep the share of errors under 5% however many looks are made
    rule = StoppingRule(initial=5, batch=5, max_reps=30, threshold=0.0)
    wrong = 0
    for seed in range(400):
        study = FakeStudy({"zero": 0.0}, {"zero": 1.0}, seed=seed, max_reps=30)
        looks, _ = _run(study, rule)
        wrong += looks[-1].states[("zero", "output_value_12m")][0] == RESOLVED
    assert wrong / 400 < 0.05


def test_a_small_planted_effect_stops_when_resolved_before_the_maximum():
    study = FakeStudy({"small": 10.0, "large": 200.0}, {"small": 20.0, "large": 20.0})
    looks, why = _run(study, StoppingRule(initial=10, batch=10, max_reps=300))
    assert why == "all resolved or negligible"
    last = looks[-1]
    assert last.states[("small", "output_value_12m")][0] in (RESOLVED, NEGLIGIBLE)
    assert last.states[("small", "output_value_12m")][1] > 0  # its sign, resolved
    assert 10 < study.reps["small"] < 300
    assert study.reps["large"] == 10  # resolved at the first look, never run again


def test_a_zero_effect_stops_at_the_practical_threshold_not_the_budget():
    study = FakeStudy({"zero": 0.0}, {"zero": 8.0})
    looks, why = _run(study, StoppingRule(initial=10, batch=10, max_reps=400), budget=10_000)
    assert looks[0].states[("zero", "output_value_12m")][0] == OPEN
    assert why == "all resolved or negligible"
    state, low, high = looks[-1].states[("zero", "output_value_12m")]
    assert state == NEGLIGIBLE and -5 < low < high < 5
    assert study.reps["zero"] < 400 and study.now < 10_000


def test_the_budget_ends_the_runs_when_nothing_resolves_in_time():
    study = FakeStudy({"noisy": 1.0}, {"noisy": 500.0})
    looks, why = _run(study, StoppingRule(initial=10, batch=10, max_reps=400), budget=35)
    assert why == "time budget" and study.now <= 35
    assert looks[-1].open_arms() == ["noisy"]


def test_a_bad_rule_is_refused():
    with pytest.raises(ValueError):
        StoppingRule(initial=1, batch=10, max_reps=100)


def test_batches_go_to_the_top_of_each_ranking_first_and_to_at_most_width_arms():
    # two headlines; a tight budget: the open arms that lead each ranking get the batches,
    # the small effect and the stricter arm wait
    truths = {"a~big": 60.0, "a~mid": 30.0, "a~small": 3.0, "a~stricter_x": 50.0,
              "b~big": 40.0, "b~small": 2.0}
    study = FakeStudy(truths, dict.fromkeys(truths, 60.0), seed=3)
    kinds = {"a~big": ("a", "removed"), "a~mid": ("a", "reform"), "a~small": ("a", "removed"),
             "a~stricter_x": ("a", "stricter"), "b~big": ("b", "removed"), "b~small": ("b", "reform")}
    rule = StoppingRule(initial=4, batch=4, max_reps=40)
    looks, why = _run(study, rule, budget=6 * 4 + 2 * 4 * 4, priority=ranking_priority(kinds, "output_value_12m"),
                      width=2)
    assert why == "time budget"
    grown = {a for a, n in study.reps.items() if n > 4}
    assert grown <= {"a~big", "a~mid", "b~big"} and "b~big" in grown and "a~big" in grown
    assert study.reps["a~stricter_x"] == 4 and study.reps["a~small"] == 4 and study.reps["b~small"] == 4
    for before, after in itertools.pairwise(looks):  # at most two arms a step
        assert sum(after.replications[a] > before.replications[a] for a in truths) <= 2


def test_a_budget_too_short_for_every_open_arm_extends_the_ones_that_fit():
    study = FakeStudy({"x": 1.0, "y": 1.0, "z": 1.0}, dict.fromkeys("xyz", 500.0))
    _looks, why = _run(study, StoppingRule(initial=10, batch=10, max_reps=100), budget=55)
    assert why == "time budget" and study.now <= 55
    assert sorted(study.reps.values()) == [10, 20, 20]  # 30 s first look, then two of three fit
