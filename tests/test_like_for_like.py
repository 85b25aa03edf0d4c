"""Like-for-like requirement (issue 16, item 2): strike points scored only in strike munitions,
interceptor demand only in interceptors, and the chance reading both by a stated rule. Known
answers a reader can check by hand, the one-line errors, and the shipped baseline's split."""

import math

import pytest
from dibsim.model import CooperationModel
from dibsim.model.adversary import chance_of_ratio, combined_ratio
from dibsim.model.capability import capability_parts
from dibsim.model.loader import ScenarioError, load_scenario
from worlds import build, no_barriers, transit, two_nation_world


def two_family_world(**adversary) -> dict:
    """The US holds 1,000 strike missiles and 400 interceptors, all forward in the Indo-Pacific;
    no lines of either, so capability is stock alone."""
    w = two_nation_world()
    w["transit_weeks"] = transit(other=4.0)
    w["items"]["missile"] = {"name": "strike missile", "unit_cost_musd": 1.0, "deterrence_weight": 1.0,
                             "deterrence_family": "strike"}
    w["items"]["interceptor"] = {"name": "interceptor", "unit_cost_musd": 4.0, "deterrence_weight": 2.0,
                                 "deterrence_family": "defence"}
    w["nations"]["USA"].update(stocks={"missile": 1000.0, "interceptor": 400.0},
                               posture={"indo_pacific": 1.0})
    w["adversaries"] = {"indo_pacific": {"campaign_requirement": 2000.0, "threshold": 0.0, **adversary}}
    return w


def model(**adversary) -> CooperationModel:
    return CooperationModel(build(two_family_world(**adversary), barriers=no_barriers()), rng=1)


def test_each_family_is_scored_only_in_its_own_munitions():
    m = model(interceptor_requirement=1600.0)
    assert m.stock_points("indo_pacific", "strike") == pytest.approx(1000.0)
    assert m.stock_points("indo_pacific", "defence") == pytest.approx(800.0)  # 400 × weight 2
    assert m.stock_points("indo_pacific") == pytest.approx(1800.0)
    parts = capability_parts(m, "indo_pacific", 8, 65, "defence")
    assert parts == pytest.approx({"stock": 800.0, "reinforcement": 0.0, "production": 0.0})


def test_the_chance_reads_the_geometric_mean_of_the_two_coverage_ratios():
    # strike 1,000 / 2,000 = 0.5; defence 800 / 1,600 = 0.5 → 0.5 either way
    m = model(interceptor_requirement=1600.0)
    a = m.adversary_list[0]
    a.update_chance()
    assert a.coverage == pytest.approx({"strike": 0.5, "defence": 0.5})
    assert a.chance == pytest.approx(1.0 / (1.0 + math.exp(4.0 * (0.5 - 1.0))))
    # defence 800 / 400 = 2: geometric √(0.5 × 2) = 1 → a coin flip; the weaker rule reads 0.5
    m = model(interceptor_requirement=400.0)
    a = m.adversary_list[0]
    a.update_chance()
    assert a.chance == pytest.approx(0.5)
    m = model(interceptor_requirement=400.0, coverage_rule="weaker")
    a = m.adversary_list[0]
    a.update_chance()
    assert a.chance == pytest.approx(chance_of_ratio(0.5, 4.0))


def test_without_an_interceptor_requirement_every_weighted_item_counts_against_one():
    a = model().adversary_list[0]
    a.update_chance()
    assert a.coverage == pytest.approx({"strike": 1800.0 / 2000.0})


def test_both_requirements_grow_by_the_same_rate():
    a = model(interceptor_requirement=1600.0, requirement_growth=0.5).adversary_list[0]
    assert a.requirement(52) == pytest.approx(3000.0)
    assert a.requirement(52, "defence") == pytest.approx(2400.0)


def test_combined_ratio_rules():
    assert combined_ratio(0.5, 2.0, "weaker") == 0.5
    assert combined_ratio(0.5, 2.0, "geometric") == pytest.approx(1.0)
    assert combined_ratio(0.0, 2.0, "geometric") == 0.0


@pytest.mark.parametrize("change, needle", [
    ({"adversaries__indo_pacific__coverage_rule": "average"}, "adversaries.indo_pacific.coverage_rule"),
    ({"adversaries__indo_pacific__interceptor_requirement": -5.0}, "adversaries.indo_pacific.interceptor_requirement"),
    ({"items__missile__deterrence_family": "navy"}, "items.missile.deterrence_family"),
])
def test_bad_values_give_one_line_naming_field_and_value(change, needle):
    with pytest.raises(ScenarioError) as exc:
        build(two_family_world(), **change)
    (line,) = exc.value.problems
    assert needle in line and str(next(iter(change.values()))) in line


def test_an_interceptor_requirement_scored_in_no_item_is_refused():
    w = two_family_world(interceptor_requirement=1600.0)
    w["items"]["interceptor"]["deterrence_family"] = "strike"
    with pytest.raises(ScenarioError) as exc:
        build(w)
    (line,) = exc.value.problems
    assert "adversaries.indo_pacific.interceptor_requirement: 1600.0 is scored in no item" in line


def test_the_baseline_scores_the_wargame_count_in_strike_missiles_and_salvos_in_interceptors():
    s = load_scenario("baseline")
    adv = s.adversaries["indo_pacific"]
    assert adv.campaign_requirement == 5000 and adv.interceptor_requirement == 3600  # A5; P135, P136 × 2 (A11)
    family = {k: it.deterrence_family for k, it in s.items.items() if it.deterrence_weight > 0}
    assert {k for k, f in family.items() if f == "strike"} == {"jassm_er", "lrasm", "tomahawk", "nsm"}
    assert {k for k, f in family.items() if f == "defence"} == {"pac3_mse", "sm6", "amraam"}
    lines = {p.item for p in s.producers.values()}
    assert {"jassm_er", "lrasm", "tomahawk", "nsm"} <= lines
    assert {s.producers[p].nation for p in s.producers if s.producers[p].item == "nsm"} == {"NOR", "USA", "AUS"}
