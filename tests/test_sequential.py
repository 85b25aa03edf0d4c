"""Replicate until resolved: the sequential rule on a cheap fake runner with planted effects."""

import numpy as np
import pytest
from dibsim.experiments.sequential import NEGLIGIBLE, OPEN, RESOLVED, StoppingRule, until_resolved

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


def _run(study, rule, budget=None):
    return until_resolved(list(study.reps), ["output_value_12m"], rule, study.diffs,
                          study.extend, budget_s=budget, clock=study.clock)


def test_looks_are_fixed_and_intervals_adjusted_for_them():
    rule = StoppingRule(initial=10, batch=10, max_reps=100)
    assert rule.looks == 10 and rule.schedule()[-1] == 100
    assert rule.level == pytest.approx(1 - 0.05 / 10)


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
