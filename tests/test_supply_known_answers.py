"""Known answers for deliverable capacity and the one expansion rule (model/supply.py,
model/expansion.py) on a tiny world: a US missile line fed by one seeker plant."""

import pytest
from dibsim.model import CooperationModel, ScenarioError, supply
from dibsim.model.loader import validate
from dibsim.model.sourcing import production_wait
from worlds import build, no_barriers, regions, transit

LOOKAHEAD = 13.0


def seeker_world(seeker_capacity: float = 4.0, line_capacity: float = 10.0, funded: bool = True,
                 response: str = "step_threshold"):
    """A missile line (10 a week, no room to grow, no inputs on hand) that needs one seeker per
    missile from a seeker plant of 4 a week (ceiling 8). The plant's profile has no quick step,
    steps of half its capacity after 20 weeks, one at a time, and a backlog trigger that cannot
    fire, so only its customer's shortage can signal a need. Funding is the multi-year-contracts
    policy. ``response`` is ``industry.expansion_response``: the exact timings below are the
    threshold rule's (the hazard rule's are in tests/test_smooth_expansion.py)."""
    return {
        "name": "seeker_world",
        "horizon_weeks": 60,
        "regions": regions(),
        "transit_weeks": transit(),
        "nations": {"USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 1e6,
                            "stocks": {"missile": 0.0}, "requirements": {"missile": 1e5}}},
        "items": {
            "missile": {"name": "missile", "unit_cost_musd": 1.0, "bill_of_materials": {"seeker": 1.0}},
            "seeker": {"name": "seeker", "kind": "component", "unit_cost_musd": 0.1},
        },
        "producers": {
            "us_missile": {"nation": "USA", "item": "missile", "capacity_per_week": line_capacity,
                           "ceiling_per_week": line_capacity, "initial_input_weeks": 0.0,
                           "initial_backlog_weeks": 0.0, "suppliers": {"seeker": "us_seeker"}},
            "us_seeker": {"nation": "USA", "item": "seeker", "capacity_per_week": seeker_capacity,
                          "ceiling_per_week": 8.0},
        },
        "barriers": no_barriers(),
        "policies": {"multi_year_contracts": funded},
        "sourcing": {"coproduction_seek_probability": 0.0},
        "industry": {
            "deliverable_lookahead_weeks": LOOKAHEAD,
            "expansion_response": response,
            "expansion_profiles": {"component": {
                "quick_share": 0.0, "step_share": 0.5, "lag_weeks": 20, "sustain_weeks": 4,
                "max_concurrent": 1, "backlog_trigger_weeks": 1000.0, "shortage_trigger_share": 0.05}},
        },
    }


def capacities(scn, pid: str, weeks: int) -> list[float]:
    m = CooperationModel(scn, rng=1)
    out = [m.producers[pid].capacity]
    for _ in range(weeks):
        m.step()
        out.append(m.producers[pid].capacity)
    return out


def test_a_starved_line_delivers_its_input_limited_rate():
    # Nothing on hand and a seeker plant of 4 a week that serves only this line: the line can
    # deliver 4 missiles a week (one seeker each), not its nameplate 10.
    m = CooperationModel(build(seeker_world()), rng=1)
    line = m.producers["us_missile"]
    assert line.deliverable_capacity(0) == pytest.approx(4.0)
    m.run(20)
    ts = m.timeseries()
    assert ts["capacity.missile"][20] == 10.0
    assert ts["deliverable.missile"][20] == pytest.approx(4.0)
    assert ts["output.missile"][20] == pytest.approx(4.0)
    assert ts["deliverable_nation.USA"][20] == pytest.approx(4.0 * 1.0)  # $M/week
    assert ts["capacity_nation.USA"][20] == pytest.approx(10.0)


def test_input_limited_rate_counts_the_bill_of_materials_and_stock_on_hand():
    # Two seekers a missile halve the input-limited rate; 26 seekers on hand add 26 / (2 × 13).
    w = seeker_world()
    w["items"]["missile"]["bill_of_materials"] = {"seeker": 2.0}
    m = CooperationModel(build(w), rng=1)
    line = m.producers["us_missile"]
    assert line.deliverable_capacity(0) == pytest.approx(2.0)
    line.inputs["seeker"] = 26.0
    m.supply_epoch += 1
    assert line.deliverable_capacity(0) == pytest.approx(2.0 + 26.0 / (2.0 * LOOKAHEAD))


def test_a_component_stuck_in_a_licence_case_does_not_count():
    # A foreign seeker plant whose licence authorises nothing more: only what is on hand and
    # already on order counts, however much the plant could make.
    w = seeker_world(seeker_capacity=100.0)
    w["nations"]["DEU"] = {"name": "Germany", "region": "europe"}
    w["producers"]["us_seeker"]["nation"] = "DEU"
    w["producers"]["us_seeker"]["ceiling_per_week"] = 100.0
    m = CooperationModel(build(w), rng=1)
    line = m.producers["us_missile"]
    assert line.deliverable_capacity(0) == pytest.approx(10.0)  # licence of two years' use
    link = line.arrangements["seeker"][0]
    link.licensed = 0.0
    line.inputs["seeker"], line.inputs_on_order["seeker"], link.on_order = 13.0, 13.0, 13.0
    m.supply_epoch += 1
    assert line.deliverable_capacity(0) == pytest.approx((13.0 + 13.0) / LOOKAHEAD)


def test_buyers_wait_on_the_deliverable_rate():
    m = CooperationModel(build(seeker_world()), rng=1)
    line = m.producers["us_missile"]
    m.run(5)
    assert production_wait(line, 40.0, 5) == pytest.approx((line.backlog_qty + 40.0) / 4.0)


def test_a_short_component_plant_expands_after_its_lag():
    # The line lacks seekers from week 1, so the streak reaches sustain_weeks (4) in week 4:
    # the plant decides a step of 0.5 × 4 = 2 that arrives 20 weeks later, in week 24; the
    # next, capped by the ceiling of 8 at another 2, is decided in week 24 and arrives in 44.
    cap = capacities(build(seeker_world()), "us_seeker", 50)
    assert cap[23] == 4.0 and cap[24] == 6.0
    assert cap[43] == 6.0 and cap[44] == 8.0 and cap[50] == 8.0


def test_no_expansion_without_funding_or_without_shortage():
    assert set(capacities(build(seeker_world(funded=False)), "us_seeker", 50)) == {4.0}
    assert set(capacities(build(seeker_world(line_capacity=3.0)), "us_seeker", 50)) == {4.0}


def test_an_initiative_investment_funds_expansion_in_its_window():
    # No standing funding; an investment covering the plant from week 10 lets the step be
    # decided in week 10 (the shortage has lasted since week 1), so it arrives in week 30.
    w = seeker_world(funded=False)
    w["industry"]["investments"] = [{"name": "test programme", "producers": ["us_seeker"],
                                     "start_week": 10, "end_week": 12, "source": "test"}]
    cap = capacities(build(w), "us_seeker", 60)
    assert cap[29] == 4.0 and cap[30] == 6.0 and cap[60] == 6.0  # unfunded after week 12


def test_an_investment_lets_steps_run_at_once():
    w = seeker_world()
    w["industry"]["investments"] = [{"name": "test programme", "members": ["USA"], "items": ["seeker"],
                                     "start_week": 0, "end_week": 60, "max_concurrent": 2,
                                     "source": "test"}]
    cap = capacities(build(w), "us_seeker", 30)
    # steps decided in weeks 4 and 8 (one sustain apart), each 2 a week: 6 in week 24, 8 in 28
    assert cap[24] == 6.0 and cap[27] == 6.0 and cap[28] == 8.0


def test_unknown_profile_and_investment_targets_are_rejected_with_their_path():
    w = seeker_world()
    w["producers"]["us_seeker"]["expansion_profile"] = "foundry"
    w["industry"]["investments"] = [{"name": "x", "producers": ["nobody"], "members": ["mars"],
                                     "start_week": 0, "end_week": 1}]
    with pytest.raises(ScenarioError) as err:
        validate(w, "w.yaml")
    text = str(err.value)
    assert "producers.us_seeker.expansion_profile: unknown profile 'foundry'" in text
    assert "industry.investments.0.producers: unknown producer 'nobody'" in text
    assert "industry.investments.0.members: unknown nation or group 'mars'" in text


def test_a_producer_override_replaces_only_the_fields_it_names():
    w = seeker_world()
    w["producers"]["us_seeker"]["expansion"] = {"lag_weeks": 5}
    m = CooperationModel(build(w), rng=1)
    e = m.producers["us_seeker"].expansion
    assert e.lag_weeks == 5 and e.step_share == 0.5 and e.max_concurrent == 1
    assert m.producers["us_missile"].profile_name == "system_line"


def two_source_world():
    """The seeker world with a second, German seeker plant (3 a week) listed after the US one."""
    w = seeker_world()
    w["nations"]["DEU"] = {"name": "Germany", "region": "europe"}
    w["producers"]["deu_seeker"] = {"nation": "DEU", "item": "seeker", "capacity_per_week": 3.0,
                                    "ceiling_per_week": 3.0}
    w["producers"]["us_missile"]["suppliers"] = {"seeker": ["us_seeker", "deu_seeker"]}
    return w


def test_a_supplier_list_counts_only_the_links_the_line_can_use():
    # Week 0: the German link is not licensed yet (only the first link of a list is), so only
    # the US plant's 4 a week count. Once a licence authorises German seekers, the line counts
    # both plants' spare output, 4 + 3 = 7 a week (it is the only customer of each).
    m = CooperationModel(build(two_source_world()), rng=1)
    line = m.producers["us_missile"]
    _us_link, deu_link = line.arrangements["seeker"]
    assert [c[0] for c in m.producers["deu_seeker"].customers] == [line]  # registered with both
    assert line.deliverable_capacity(0) == pytest.approx(4.0)
    deu_link.licensed = 1000.0
    m.supply_epoch += 1
    assert line.deliverable_capacity(0) == pytest.approx(7.0)
    # a licence that authorises only 13 more seekers caps the German link at 13 over 13 weeks
    deu_link.licensed = 13.0
    m.supply_epoch += 1
    assert line.deliverable_capacity(0) == pytest.approx(4.0 + 1.0)


def test_a_shortage_counts_at_each_used_supplier_in_proportion_to_its_links():
    m = CooperationModel(build(two_source_world()), rng=1)
    line = m.producers["us_missile"]
    line.unmet["seeker"] = 6.0
    us, deu = m.producers["us_seeker"], m.producers["deu_seeker"]
    assert supply.unmet_customer_need(us) == pytest.approx(6.0)  # only the US link is in use
    assert supply.unmet_customer_need(deu) == 0.0
    line.arrangements["seeker"][1].licensed = 1000.0
    m.supply_epoch += 1
    assert supply.unmet_customer_need(us) == pytest.approx(3.0)
    assert supply.unmet_customer_need(deu) == pytest.approx(3.0)


def test_a_supplier_short_of_its_own_inputs_offers_less_room():
    # The seeker plant itself needs a chip per seeker from a chip plant of 1 a week: its room
    # for the line's 6-week input cover is its deliverable rate 1 × 6, not its nameplate 4 × 6.
    w = seeker_world()
    w["items"]["chip"] = {"name": "chip", "kind": "component", "unit_cost_musd": 0.01}
    w["items"]["seeker"]["bill_of_materials"] = {"chip": 1.0}
    w["producers"]["us_seeker"]["suppliers"] = {"chip": "us_chip"}
    w["producers"]["us_seeker"]["initial_input_weeks"] = 0.0
    w["producers"]["us_chip"] = {"nation": "USA", "item": "chip", "capacity_per_week": 1.0,
                                 "ceiling_per_week": 1.0}
    m = CooperationModel(build(w), rng=1)
    seeker = m.producers["us_seeker"]
    assert seeker.deliverable_rate(0) == pytest.approx(1.0)
    assert seeker.supply_room(0, 6.0) == pytest.approx(6.0 - seeker.backlog_qty)
