"""Simultaneous allocation (issue 14, item 3): the order in which a scenario file lists its
producers, nations or items — and the order of a nation's own lists — changes no metric and
no series. What agents share in a week (supplier room, producer capacity within a priority
class, a nation's budget, regulators' intake) is divided by rules that read no list position.
"""

from __future__ import annotations

import copy
import math

import pytest
from dibsim.experiments.validation.fact_worlds import congestion_world, mini_alliance
from dibsim.model import CooperationModel
from dibsim.model.loader import load_scenario
from dibsim.model.schema import Scenario
from worlds import build

LISTS = ("producers", "nations", "items")


def _reversed(data: dict, key: str) -> dict:
    out = copy.deepcopy(data)
    out[key] = dict(reversed(list(out[key].items())))
    return out


def _reverse_nation_lists(data: dict) -> dict:
    out = copy.deepcopy(data)
    for n in out["nations"].values():
        for key in ("stocks", "requirements", "peacetime_use_per_week"):
            if key in n:
                n[key] = dict(reversed(list(n[key].items())))
    return out


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a))


def _assert_same_run(a: CooperationModel, b: CooperationModel) -> None:
    ma, mb = a.metrics(), b.metrics()
    assert set(ma) == set(mb)
    bad = {k: (ma[k], mb[k]) for k in ma if not _same(ma[k], mb[k])}
    assert not bad, bad
    sa, sb = a.timeseries(), b.timeseries()
    assert set(sa) == set(sb)
    for name, values in sa.items():
        other = sb[name]
        assert len(values) == len(other), name
        assert all(_same(x, y) for x, y in zip(values, other)), name


def _run(scn: Scenario, seed: int, weeks: int | None = None) -> CooperationModel:
    m = CooperationModel(scn, rng=seed)
    return m.run(weeks)


@pytest.fixture(scope="module")
def baseline_data() -> dict:
    return load_scenario("baseline").model_dump(mode="python")


@pytest.mark.parametrize("key", LISTS)
def test_permuting_a_list_of_the_baseline_changes_nothing(baseline_data, key):
    base = Scenario.model_validate(baseline_data)
    permuted = Scenario.model_validate(_reversed(baseline_data, key))
    assert list(getattr(permuted, key)) != list(getattr(base, key))
    _assert_same_run(_run(base, 5, 40), _run(permuted, 5, 40))


def test_the_order_of_a_nations_own_lists_changes_nothing(baseline_data):
    base = Scenario.model_validate(baseline_data)
    permuted = Scenario.model_validate(_reverse_nation_lists(baseline_data))
    _assert_same_run(_run(base, 6, 40), _run(permuted, 6, 40))


@pytest.mark.parametrize("key", LISTS)
def test_permuting_a_list_of_a_small_world_changes_nothing(key):
    world = mini_alliance(n_extra_buyers=2)  # a war, licence seeking, every barrier at work
    for seed in (1, 2):
        _assert_same_run(_run(build(world), seed), _run(build(_reversed(world, key)), seed))


def test_a_regulator_with_limited_intake_admits_the_same_cases_whatever_the_listing():
    world = congestion_world(8, capacity_per_week=2)  # more cases a week than the licence office takes
    a, b = _run(build(world), 3), _run(build(_reversed(world, "nations")), 3)
    _assert_same_run(a, b)
    licence = next(x for x in a.pipeline.barriers if x.key == "export_licence")
    assert licence.entered > 2 * 20  # it was busy: two a week for most of the year


@pytest.mark.slow
def test_reversing_the_baseline_producers_changes_no_metric_of_three_seeds(baseline_data):
    base = Scenario.model_validate(baseline_data)
    permuted = Scenario.model_validate(_reversed(baseline_data, "producers"))
    for seed in (0, 1, 2):
        a, b = _run(base, seed), _run(permuted, seed)
        ma, mb = a.metrics(), b.metrics()
        bad = {k: (ma[k], mb[k]) for k in ma if not _same(ma[k], mb[k])}
        assert not bad, (seed, bad)
