"""The deterrence failure probability (``failure_probability.<region>``): its known answer, the
counterfactual path it is computed on, and that its mean estimates the 0/1 draw's mean.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from dibsim.experiments.validation.fact_worlds import pacific_world, with_changes
from dibsim.model.loader import validate
from dibsim.model.metrics import METRICS, RunRecord, failure_probability_region
from dibsim.model.model import CooperationModel

REGION = "indo_pacific"


def contested_world():
    """The small Pacific world with an adversary that decides, tempted about half the time,
    whose own 20-week crisis drains the theatre (so the path after an attack differs from the
    path without it).
    """
    w = with_changes(pacific_world(), {
        "adversaries.indo_pacific.decides": True,
        "adversaries.indo_pacific.threshold": 0.1,
        "adversaries.indo_pacific.hazard_per_week": 0.02,
        "adversaries.indo_pacific.campaign_requirement": 200.0,
        "adversaries.indo_pacific.crisis.consumption_per_week": {"missile": 2.0, "shell": 500.0},
        "adversaries.indo_pacific.crisis.duration_weeks": 20,
    })
    return validate(w, "contested world")


def test_known_answer_is_one_minus_the_product_of_weekly_survivals():
    record = RunRecord(series={}, crisis_systems=(), onset_week=None,
                       hazard_paths={REGION: [0.0, 0.1, 0.1, 0.0, 0.5]})
    assert failure_probability_region(record, REGION) == pytest.approx(1 - 0.9 * 0.9 * 0.5)
    assert failure_probability_region(record, "europe") == 0.0  # no adversary there
    spec = METRICS["failure_probability.<region>"]
    assert (spec.low, spec.high, spec.better, spec.per) == (0.0, 1.0, -1, "region")


def test_a_run_where_the_attack_happened_carries_the_path_without_it():
    scenario = contested_world()
    attacked = 0
    for seed in range(12):
        run = CooperationModel(scenario, rng=seed).run()
        if run.adversary_list[0].started_week is None:
            continue
        attacked += 1
        held = CooperationModel(scenario, rng=seed)
        held.adversary_list[0].restrained = True  # the same seed, never acting
        held.run()
        assert held.adversary_list[0].started_week is None
        path, counterfactual = run.hazard_paths()[REGION], held.hazard_paths()[REGION]
        assert len(path) == run.horizon + 1
        assert [twin.week for twin in run.counterfactuals.values()] == [run.week]  # kept in step
        assert path == pytest.approx(counterfactual, abs=1e-12)
        # the run itself went to war: its own chance path differs after the attack
        assert run.timeseries()[f"deterrence.{REGION}"] != held.timeseries()[f"deterrence.{REGION}"]
    assert attacked >= 3


def test_the_mean_probability_agrees_with_the_mean_of_the_draw():
    scenario = contested_world()
    draws, probs = [], []
    for seed in range(200):
        m = CooperationModel(scenario, rng=seed).run().metrics()
        draws.append(m[f"deterrence_failure.{REGION}"])
        probs.append(m[f"failure_probability.{REGION}"])
    d, p = np.array(draws), np.array(probs)
    half = 1.96 * math.sqrt(d.mean() * (1 - d.mean()) / len(d))
    assert 0.2 < d.mean() < 0.8  # contested, so the check has power
    assert abs(p.mean() - d.mean()) <= half
    assert p.std() < d.std() / 3  # the point of it: far less spread than the coin
    assert ((p >= 0.0) & (p <= 1.0)).all()


def test_the_requirement_grows_by_its_yearly_share_compounded_weekly():
    grown = validate(with_changes(pacific_world(), {"adversaries.indo_pacific.requirement_growth": 0.5}), "g")
    m = CooperationModel(grown, rng=1)
    adversary = m.adversary_list[0]
    assert adversary.requirement(0) == 80.0
    assert adversary.requirement(52) == pytest.approx(120.0)
    assert adversary.requirement(26) == pytest.approx(80.0 * 1.5 ** 0.5)
    static = CooperationModel(validate(pacific_world(), "s"), rng=1).run()
    m.run()
    # the same allied capability, weighed against a growing adversary, deters less
    assert m.metrics()[f"deterrence_index.{REGION}"] < static.metrics()[f"deterrence_index.{REGION}"]


def test_a_run_that_cannot_be_pickled_is_still_copied_when_its_adversary_acts():
    # A script may put a closure on a run (as the notifications fact once did); the copy then
    # falls back from pickle to copy.deepcopy and gives the same counterfactual path.
    scenario = contested_world()
    for seed in range(12):
        plain = CooperationModel(scenario, rng=seed).run()
        if plain.adversary_list[0].started_week is not None:
            break
    else:
        pytest.fail("no seed of the contested world attacks")
    patched = CooperationModel(scenario, rng=seed)
    submit = patched.pipeline.submit

    def relay(case, week):  # a closure: pickle refuses it
        submit(case, week)

    patched.pipeline.submit = relay
    patched.run()
    assert patched.counterfactuals, "the adversary acted, so a copy was made"
    assert patched.hazard_paths()[REGION] == plain.hazard_paths()[REGION]
