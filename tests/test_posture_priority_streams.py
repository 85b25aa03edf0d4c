"""Known answers for priority of orders, posture and lift, the structure a scenario owns, and
random streams keyed by stable names: arithmetic a reader can check by hand."""

import copy

import pytest
from dibsim.model import CooperationModel
from dibsim.model.capability import capability_parts, production_points
from dibsim.model.loader import ScenarioError
from dibsim.model.orders import Order
from test_randomness import busy_world
from worlds import build, no_barriers, transit, two_nation_world


# -- priority of orders (DPAS, P88) -------------------------------------------------------------
def served_first(same_week: bool = False, **changes) -> str:
    """GBR's order reaches the US line in week 1, the US government's in week 2 (or both in
    week 1); after two weeks of production (100 a week) whose 200 units are made?"""
    m = CooperationModel(build(two_nation_world(), barriers=no_barriers(), **changes), rng=1)
    line = m.producers["us_shell"]
    gbr, usa = m.nations["GBR"], m.nations["USA"]
    foreign = Order(gbr, "shell", 200.0, 200.0, "europe", 1, "dcs")
    rated = Order(usa, "shell", 200.0, 200.0, "americas", 2, "domestic")
    m.week = 1
    line.accept(foreign)
    m.week = 1 if same_week else 2
    line.accept(rated)
    line.produce(2)
    line.produce(3)
    assert foreign.remaining + rated.remaining == 200.0
    return "USA" if rated.remaining == 0.0 else "GBR" if foreign.remaining == 0.0 else "both"


def test_dpas_serves_a_rated_order_that_came_later_before_an_unrated_one():
    assert served_first() == "USA"


def test_without_priority_classes_the_line_serves_first_come_first_served():
    assert served_first(policies__allocation__classes=[]) == "GBR"


def test_orders_of_one_class_that_join_in_the_same_week_are_served_pro_rata():
    assert served_first(same_week=True, policies__allocation__classes=[]) == "both"
    assert served_first(same_week=True) == "USA"  # a higher class still goes first


def test_a_rated_partner_is_served_with_the_us_and_ahead_of_others():
    rated_gbr = [{"name": "rated", "members": ["USA", "aukus"], "firms_in": ["USA"]}]
    assert served_first(policies__allocation__classes=rated_gbr) == "GBR"  # same class: first come
    only_gbr = [{"name": "rated", "members": ["GBR"], "firms_in": ["USA"]}]
    assert served_first(policies__allocation__classes=only_gbr) == "GBR"


def test_a_class_applies_only_at_the_firms_it_names():
    abroad = [{"name": "rated", "members": ["USA"], "firms_in": ["GBR"]}]
    assert served_first(policies__allocation__classes=abroad) == "GBR"


def test_component_orders_carry_the_rating_of_the_line_that_places_them():
    # A US fuze plant feeds a US shell line (holding a rated US order) and a British one (holding
    # a British order). The British line orders first; the rated line's order is served first.
    w = two_nation_world()
    w["items"]["fuze"] = {"name": "fuze", "kind": "component", "unit_cost_musd": 0.0001}
    w["items"]["shell"]["bill_of_materials"] = {"fuze": 1.0}
    w["producers"]["us_fuze"] = {"nation": "USA", "item": "fuze", "capacity_per_week": 100.0,
                                 "ceiling_per_week": 100.0}
    w["producers"]["us_shell"]["suppliers"] = {"fuze": "us_fuze"}
    w["producers"]["gbr_shell"] = {"nation": "GBR", "item": "shell", "capacity_per_week": 100.0,
                                   "ceiling_per_week": 100.0, "suppliers": {"fuze": "us_fuze"},
                                   "initial_backlog_weeks": 0.0}
    m = CooperationModel(build(w, barriers=no_barriers()), rng=1)
    us_line, gbr_line, fuzes = (m.producers[k] for k in ("us_shell", "gbr_shell", "us_fuze"))
    gbr_line.accept(Order(m.nations["GBR"], "shell", 50.0, 50.0, "europe", 1, "domestic"))
    us_line.accept(Order(m.nations["USA"], "shell", 50.0, 50.0, "americas", 1, "domestic"))
    assert us_line.rating() == 0 and gbr_line.rating() is None
    gbr_order = Order(gbr_line, "fuze", 100.0, 100.0, "europe", 1, "component")
    us_order = Order(us_line, "fuze", 100.0, 100.0, "americas", 1, "component")
    fuzes.accept(gbr_order)
    fuzes.accept(us_order)
    fuzes.produce(1)
    assert us_order.remaining == 0.0 and gbr_order.remaining == 100.0


def test_buyers_expect_to_wait_only_behind_their_class_and_above():
    m = CooperationModel(build(two_nation_world(), barriers=no_barriers()), rng=1)
    line = m.producers["us_shell"]
    line.accept(Order(m.nations["GBR"], "shell", 500.0, 500.0, "europe", 1, "dcs"))
    line.accept(Order(m.nations["USA"], "shell", 300.0, 300.0, "americas", 1, "domestic"))
    assert line.queued_ahead(m.nations["USA"]) == 300.0
    assert line.queued_ahead(m.nations["GBR"]) == 800.0


# -- posture and lift ---------------------------------------------------------------------------
def pacific(transit_weeks: float = 4.0, lift: float = 0.05, **changes) -> CooperationModel:
    """The US holds 1,000 points of shells, all at home (posture 0 in the Indo-Pacific); an
    Indo-Pacific adversary with an 8-week warning; the Americas are ``transit_weeks`` away."""
    w = two_nation_world()
    w["transit_weeks"] = transit(other=transit_weeks)
    w["items"]["shell"]["deterrence_weight"] = 1.0
    w["nations"]["USA"].update(stocks={"shell": 1000.0}, posture={"americas": 1.0},
                               lift_share_per_week=lift)
    w["nations"]["GBR"]["stocks"] = {"shell": 500.0}  # in Europe, not a donor to the Pacific
    w["adversaries"] = {"indo_pacific": {"campaign_requirement": 100.0, "warning_weeks": 8}}
    return CooperationModel(build(w, barriers=no_barriers(), **changes), rng=1)


def test_with_posture_zero_and_a_lift_share_of_a_fifth_a_fifth_of_stock_elsewhere_counts():
    # 0.05 a week for the 8 − 4 weeks before the warning runs out: 20% of the 1,000 at home.
    m = pacific(transit_weeks=4.0, lift=0.05)
    assert m.stock_points("indo_pacific") == 0.0
    assert m.reinforcement_points("indo_pacific", 8) == pytest.approx(200.0)
    # the line's 100 a week over the 65-week campaign less its 4 weeks of transit
    assert production_points(m, "indo_pacific", 65) == pytest.approx(100.0 * (65 - 4))
    assert m.capability("indo_pacific", 8, 65) == pytest.approx(200.0 + 6100.0)


def test_production_counts_over_the_campaign_length_after_transit():
    m = pacific(transit_weeks=4.0)
    assert production_points(m, "indo_pacific", 10) == pytest.approx(100.0 * 6)
    assert production_points(m, "indo_pacific", 4) == 0.0  # nothing arrives before the campaign ends
    parts = capability_parts(m, "indo_pacific", 8, 30)
    assert parts == pytest.approx({"stock": 0.0, "reinforcement": 200.0, "production": 2600.0})


def test_backlog_and_another_theatres_war_claim_production_first():
    # 10 weeks of orders on the books (1,000 shells) come before a new order of the theatre
    booked = pacific(producers__us_shell__initial_backlog_weeks=10.0)
    assert production_points(booked, "indo_pacific", 65) == pytest.approx(6100.0 - 1000.0)
    # a war in Europe from week 0 eats 30 a week of the same lines over the 65 weeks
    war = pacific(crises=[{"region": "europe", "start_week": 0, "duration_weeks": 100,
                           "consumption_per_week": {"shell": 30.0}}])
    assert production_points(war, "indo_pacific", 65) == pytest.approx(6100.0 - 30.0 * 65)
    # a war in the region itself claims nothing from its own deterrence
    assert production_points(war, "europe", 65) == pytest.approx(100.0 * (65 - 4))
    # claims never make production negative
    glut = pacific(crises=[{"region": "europe", "start_week": 0, "duration_weeks": 100,
                            "consumption_per_week": {"shell": 500.0}}])
    assert production_points(glut, "indo_pacific", 65) == 0.0


@pytest.mark.parametrize("weeks,share", [(2.0, 0.3), (6.0, 0.1), (8.0, 0.0), (9.0, 0.0)])
def test_reinforcement_falls_linearly_with_transit_to_zero_at_the_warning_time(weeks, share):
    assert pacific(transit_weeks=weeks).reinforcement_points("indo_pacific", 8) == pytest.approx(1000 * share)


def test_a_lift_that_moves_everything_in_time_counts_all_of_it():
    assert pacific(lift=0.5).reinforcement_points("indo_pacific", 8) == pytest.approx(1000.0)


def test_stock_held_in_the_theatre_counts_whole():
    m = pacific(nations__USA__posture={"americas": 0.6, "indo_pacific": 0.4})
    assert m.stock_points("indo_pacific") == pytest.approx(400.0)
    assert m.reinforcement_points("indo_pacific", 8) == pytest.approx(600.0 * 0.2)


def theatre_world() -> dict:
    """The US alone supplies a war in Europe from week 1 (100 shells a week); it holds 500 at
    home and 500 in Europe, three weeks apart, and buys nothing."""
    w = two_nation_world()
    w["horizon_weeks"] = 12
    w["nations"]["USA"].update(stocks={"shell": 1000.0}, posture={"americas": 0.5, "europe": 0.5},
                               lift_share_per_week=0.05, budget_musd_per_year=0.0)
    w["nations"]["GBR"].update(requirements={}, stocks={}, budget_musd_per_year=0.0)
    w["crises"] = [{"region": "europe", "start_week": 1, "duration_weeks": 50,
                    "consumption_per_week": {"shell": 100.0}, "donors": ["USA"]}]
    return w


def test_a_crisis_draws_on_the_theatre_first_then_on_lift_limited_reinforcements():
    m = CooperationModel(build(theatre_world(), barriers=no_barriers()), rng=1)
    us = m.nations["USA"]
    held = []
    for _ in range(5):
        m.step()
        held.append((us.held["americas"]["shell"], us.held["europe"]["shell"]))
    # Week 1: 500 → 400 in Europe; the theatre still covers the 4 weeks of the lead time
    # (3 transit + this week), so nothing moves. Weeks 2–4: Europe falls 100 a week and the
    # lift sends 5% of home stock a week (25, 23.75, 22.5625), each landing 3 weeks later.
    assert held[0] == (500.0, 400.0)
    assert held[1] == pytest.approx((475.0, 300.0))
    assert held[3] == pytest.approx((500 * 0.95 ** 3, 100.0))
    assert held[4][1] == pytest.approx(100.0 + 25.0 - 100.0)  # week 5: the first 25 land, 100 used
    assert us.stock["shell"] + us.moving["shell"] == pytest.approx(1000.0 - 5 * 100.0)


def test_deliveries_refill_the_region_furthest_below_its_posture_share():
    w = theatre_world()
    w["crises"] = []
    m = CooperationModel(build(w, barriers=no_barriers()), rng=1)
    us = m.nations["USA"]
    us.held["europe"]["shell"] -= 300.0
    us.stock["shell"] -= 300.0
    assert us.destination("shell", 100.0) == "europe"
    order = Order(us, "shell", 100.0, 100.0, "europe", 1, "domestic")
    us.on_order["shell"] += 100.0
    us.inbound["europe"]["shell"] += 100.0
    us.deliver(order, 100.0)
    assert us.held["europe"]["shell"] == 300.0 and us.on_order["shell"] == 0.0


# -- structure the scenario owns ----------------------------------------------------------------
def test_regions_and_groups_are_whatever_the_scenario_declares():
    w = two_nation_world()
    w["regions"]["south_asia"] = {"name": "South Asia"}
    for row in w["transit_weeks"].values():
        row["south_asia"] = 3.0
    w["transit_weeks"]["south_asia"] = {r: (1.0 if r == "south_asia" else 3.0) for r in w["regions"]}
    w["groups"]["quad"] = {"name": "Quad"}
    w["nations"]["IND"] = {"name": "India", "region": "south_asia", "groups": ["quad"]}
    w["barriers"] = {"export_licence": {"exempt": ["quad"]}}
    s = build(w)
    assert s.nations["IND"].region == "south_asia" and "quad" in s.barriers.export_licence.exempt
    CooperationModel(s, rng=1).run(3)


@pytest.mark.parametrize("path,value,expected", [
    ("nations.GBR.region", "south_asia", "nations.GBR.region: unknown region 'south_asia' (known: americas, europe, "
                                         "indo_pacific, middle_east)"),
    ("nations.GBR.groups", ["quad"], "nations.GBR.groups: unknown group 'quad' (known: nato, nato_plus, aukus, "
                                     "rdp_mou, allies)"),
    ("nations.GBR.posture", {"mars": 1.0}, "nations.GBR.posture: unknown region 'mars'"),
    ("adversaries", {"arctic": {"campaign_requirement": 1.0}}, "adversaries: unknown region 'arctic'"),
    ("transit_weeks.europe.arctic", 2.0, "transit_weeks.europe: unknown region 'arctic'"),
    ("policies.allocation.classes", [{"name": "x", "members": ["quad"]}],
     "policies.allocation.classes.0.members: unknown nation or group 'quad'"),
])
def test_undeclared_regions_and_groups_are_named_with_the_known_ones(path, value, expected):
    with pytest.raises(ScenarioError) as exc:
        build(two_nation_world(), **{path.replace(".", "__"): value})
    assert any(expected in line for line in exc.value.problems), exc.value.problems


def test_a_missing_transit_pair_is_named():
    w = two_nation_world()
    del w["transit_weeks"]["europe"]["indo_pacific"]
    with pytest.raises(ScenarioError) as exc:
        build(w)
    assert exc.value.problems == ["test world: transit_weeks.europe.indo_pacific: missing "
                                  "(every pair of declared regions needs a time)"]


def test_licence_cover_and_surge_window_are_read_from_the_scenario():
    w = theatre_world()
    w["items"]["fuze"] = {"name": "fuze", "kind": "component", "unit_cost_musd": 0.0001}
    w["items"]["shell"]["bill_of_materials"] = {"fuze": 1.0}
    w["producers"]["gbr_fuze"] = {"nation": "GBR", "item": "fuze", "capacity_per_week": 100.0,
                                  "ceiling_per_week": 100.0}
    w["producers"]["us_shell"]["suppliers"] = {"fuze": "gbr_fuze"}
    m = CooperationModel(build(w, industry={"licence_cover_weeks": 10.0, "licence_life_drawn": False}), rng=1)
    assert m.producers["us_shell"].arrangements["fuze"][0].licensed == 100.0 * 10.0
    m.run()
    short = CooperationModel(build(w, measurement={"surge_window_weeks": 4}), rng=1).run()
    out = short.timeseries()["output.shell"]
    assert short.metrics()["output_12m.shell"] == sum(out[1:5])


# -- random streams keyed by stable names -------------------------------------------------------
def stream_states(m: CooperationModel) -> dict:
    return {name: gen.bit_generator.state["state"] for name, gen in m.streams._streams.items()}


def test_adding_an_isolated_nation_leaves_every_other_draw_unchanged():
    base = busy_world()
    data = copy.deepcopy(base.model_dump(mode="python"))
    data["nations"]["NZL"] = {"name": "New Zealand", "region": "indo_pacific"}  # orders with no one
    a = CooperationModel(base, rng=11).run()
    b = CooperationModel(build(data), rng=11).run()
    ta, tb = a.timeseries(), b.timeseries()
    assert {k: tb[k] for k in ta} == ta
    added = set(tb) - set(ta)  # the new nation's own series, and nothing of it but zeros
    licensed = {k for k in added if k.startswith("output_producer.nzl_") and k.endswith("_licensed")}
    assert added - licensed == {f"{key}.NZL" for key in ("capacity_nation", "deliverable_nation", "output_nation")}
    assert all(v == 0.0 for k in added for v in tb[k])
    before, after = stream_states(a), stream_states(b)
    assert all(name.startswith(("sourcing.NZL.", "coproduction.NZL")) for name in set(after) - set(before))
    assert all(after[name] == state for name, state in before.items())
    assert any(name.startswith("barrier.") for name in before)  # the barriers did draw
