"""Known answers for ITAR taint, intra-European transfers, drawn licence life and RSF sustainment.

Tiny hand-built worlds (``tests/worlds.py``) whose answers a reader can check by hand.
"""

import pytest
from dibsim.model import CooperationModel
from dibsim.model.cases import Case, CaseKind, CaseStatus
from dibsim.model.loader import ScenarioError
from dibsim.model.pipeline import Pipeline
from dibsim.model.streams import Streams
from dibsim.model.world import World
from worlds import build, fallback_world, no_barriers, regions, transit


def fixed(days: float, **extra) -> dict:
    return {"enabled": True, "median_days": days, "spread": 0.0, "denial_probability": 0.0, **extra}


def donation_world(us_share: float) -> dict:
    """Germany holds 1,000 missiles whose share ``us_share`` is under US re-transfer control and
    donates 10 a week to a war in Europe whose recipient (UKR) is outside the world. The only
    barrier is re-transfer consent, a fixed 70 days (10 weeks). No buying, no production."""
    barriers = no_barriers()
    barriers["third_party_transfer"] = fixed(70)
    return {
        "name": "donation_world",
        "horizon_weeks": 20,
        "regions": regions(),
        "transit_weeks": transit(),
        "nations": {
            "USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 0.0},
            "DEU": {"name": "Germany", "region": "europe", "budget_musd_per_year": 0.0,
                    "stocks": {"missile": 1000.0}},
        },
        "items": {"missile": {"name": "missile", "unit_cost_musd": 1.0,
                              "us_controlled_stock_share": us_share}},
        "producers": {},
        "barriers": barriers,
        "sourcing": {"coproduction_seek_probability": 0.0},
        "crises": [{"region": "europe", "start_week": 1, "duration_weeks": 30, "donors": ["DEU"],
                    "recipient": "UKR", "consumption_per_week": {"missile": 10.0}}],
    }


def test_a_donation_with_us_content_waits_for_consent_and_one_without_does_not():
    # Without US content Germany gives 10 a week from week 1. With it, the first week's draw
    # opens a consent case (70 days = 10 weeks, weeks 1..11): nothing goes until week 11.
    free = CooperationModel(build(donation_world(0.0)), rng=1).run(15)
    tainted = CooperationModel(build(donation_world(1.0)), rng=1).run(15)
    free_stock = free.timeseries()["stock.missile"]
    tainted_stock = tainted.timeseries()["stock.missile"]
    assert free_stock[1] == 990 and free_stock[5] == 950
    assert tainted_stock[5] == 1000 and tainted_stock[10] == 1000
    assert tainted_stock[11] == 990 and tainted_stock[15] == 950
    assert tainted.crises[0].consents.requests == 1


def test_a_half_tainted_stock_gives_its_untainted_half_while_consent_is_pending():
    m = CooperationModel(build(donation_world(0.5)), rng=1).run(5)
    assert m.timeseries()["stock.missile"][5] == pytest.approx(950.0)
    assert m.nations["DEU"].us_share["missile"] == pytest.approx(500 / 950)


def test_removing_third_party_transfer_frees_the_tainted_donation():
    w = donation_world(1.0)
    w["barriers"]["third_party_transfer"] = {"enabled": False}
    m = CooperationModel(build(w), rng=1).run(5)
    assert m.timeseries()["stock.missile"][5] == 950


def test_consents_held_at_start_cover_the_week_zero_stock():
    w = donation_world(1.0)
    w["crises"][0]["consents_held_at_start"] = True
    m = CooperationModel(build(w), rng=1).run(5)
    assert m.timeseries()["stock.missile"][5] == 950
    assert m.crises[0].consents.requests == 0


def test_a_crisis_recipient_must_be_outside_the_world():
    w = donation_world(1.0)
    w["crises"][0]["recipient"] = "DEU"
    with pytest.raises(ScenarioError, match=r"crises\.0\.recipient: 'DEU' is a modelled nation"):
        build(w)


def eu_world() -> dict:
    """Germany and Spain in the EU, Norway outside; partner export control a fixed 28 days."""
    barriers = no_barriers()
    barriers["partner_export_control"] = fixed(28, general_licence_members=["eu"])
    return {
        "name": "eu_world",
        "regions": regions(),
        "groups": {"eu": {"name": "EU"}, "deca": {"name": "de minimis agreement"}},
        "transit_weeks": transit(),
        "nations": {
            "USA": {"name": "United States", "region": "americas"},
            "DEU": {"name": "Germany", "region": "europe", "groups": ["eu", "deca"]},
            "ESP": {"name": "Spain", "region": "europe", "groups": ["eu", "deca"]},
            "NOR": {"name": "Norway", "region": "europe"},
            "GBR": {"name": "United Kingdom", "region": "europe", "groups": ["deca"]},
        },
        "items": {"motor": {"name": "motor", "kind": "component", "unit_cost_musd": 0.01}},
        "producers": {},
        "barriers": barriers,
    }


def pipeline_for(scn):
    return Pipeline(scn, World(scn), Streams(1).__getitem__)


def component_case(seller: str, buyer: str, share: float = 1.0) -> Case:
    return Case(CaseKind.COMPONENT_SUPPLY, "motor", seller, buyer, 1.0, 0, share_of_end_item=share)


def test_an_intra_eu_component_transfer_passes_where_the_same_export_outside_waits():
    pipe = pipeline_for(build(eu_world()))
    inside, outside = component_case("DEU", "ESP"), component_case("DEU", "NOR")
    pipe.submit(inside, 0)
    pipe.submit(outside, 0)
    assert inside.status is CaseStatus.APPROVED and inside.finished_week == 0
    assert outside.status is CaseStatus.OPEN
    for week in range(1, 5):
        pipe.advance(week)
    assert outside.status is CaseStatus.APPROVED and outside.finished_week == 4


def test_de_minimis_components_pass_between_parties_and_larger_shares_wait():
    scn = build(eu_world(), barriers__partner_export_control__general_licence_members=[],
                barriers__partner_export_control__de_minimis=[{"members": ["deca"]}])
    pipe = pipeline_for(scn)
    small, large, outsider = (component_case("DEU", "GBR", 0.1), component_case("DEU", "GBR", 0.3),
                              component_case("DEU", "NOR", 0.1))
    for c in (small, large, outsider):
        pipe.submit(c, 0)
    assert small.status is CaseStatus.APPROVED
    assert large.status is CaseStatus.OPEN and outsider.status is CaseStatus.OPEN


def test_week_zero_licences_carry_a_drawn_remaining_life():
    w = fallback_world()
    w["producers"]["deu_missile"]["suppliers"] = {"motor": ["nor_motor"]}
    drawn = CooperationModel(build(w), rng=5)
    full = CooperationModel(build(w, industry__licence_life_drawn=False), rng=5)
    cover = 10.0 * 1.0 * full.scenario_spec.industry.licence_cover_weeks
    left_drawn = drawn.producers["deu_missile"].arrangements["motor"][0].licensed
    assert full.producers["deu_missile"].arrangements["motor"][0].licensed == cover
    assert 0.0 < left_drawn < cover
    again = CooperationModel(build(w), rng=5).producers["deu_missile"].arrangements["motor"][0].licensed
    assert again == left_drawn  # a named stream: the same seed gives the same life


def sustainment_world(rsf: bool) -> dict:
    """Japan holds 5,200 missiles at home in the Indo-Pacific; 10% a year (10 a week) go for
    recertification: to a US depot (13 weeks' work + 13 weeks' queue + 2 × 3 weeks' transit =
    32 weeks) or, under RSF with blanket approval and no set-up time, to its own cell (13 + 2 × 1
    = 15 weeks). Steady state out of service: 10 × 32 = 320 or 10 × 15 = 150."""
    w = {
        "name": "sustainment_world",
        "horizon_weeks": 60,
        "regions": regions(),
        "groups": {"rsf": {"name": "RSF"}},
        "transit_weeks": transit(),
        "nations": {
            "USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 0.0},
            "JPN": {"name": "Japan", "region": "indo_pacific", "groups": ["rsf"],
                    "budget_musd_per_year": 0.0, "stocks": {"missile": 5200.0}},
        },
        "items": {"missile": {"name": "missile", "unit_cost_musd": 1.0}},
        "producers": {},
        "barriers": no_barriers(),
        "sourcing": {"coproduction_seek_probability": 0.0},
        "sustainment": {"recertification_share_per_year": {"missile": 0.1}},
    }
    if rsf:
        w["policies"] = {"rsf_sustainment": {"enabled": True, "setup_weeks": 0}}
    return w


def test_rsf_recertification_in_theatre_keeps_more_stock_in_service():
    us_depot = CooperationModel(build(sustainment_world(False)), rng=1)
    in_theatre = CooperationModel(build(sustainment_world(True)), rng=1)
    assert transit()["indo_pacific"]["americas"] == 3
    assert us_depot.nations["JPN"].held_in("indo_pacific", "missile") == pytest.approx(5200 - 320)
    # The week-0 pipeline is the status quo's; under RSF returns come after 15 weeks from week 1.
    in_theatre.run(40)
    us_depot.run(40)
    held_rsf = in_theatre.nations["JPN"].held_in("indo_pacific", "missile")
    held_us = us_depot.nations["JPN"].held_in("indo_pacific", "missile")
    assert held_rsf > held_us
    total = in_theatre.nations["JPN"].stock["missile"] + in_theatre.nations["JPN"].moving["missile"]
    assert total == pytest.approx(5200.0)  # nothing is lost: stock is only out of service


def test_without_blanket_approval_the_sustainment_licence_passes_taa_and_dsp5():
    w = sustainment_world(True)
    w["policies"]["rsf_sustainment"]["blanket_approval"] = False
    w["barriers"]["technical_assistance"] = fixed(70)
    w["barriers"]["export_licence"] = fixed(35)
    m = CooperationModel(build(w), rng=1)
    open_cases = m.pipeline.open_cases()
    assert open_cases["technical_assistance"] == 1
    m.run(16)
    assert m.sustainment.cells[("JPN", "missile")] == 15  # 10 weeks TAA, then 5 weeks DSP-5


def test_an_itar_free_design_needs_a_line_without_us_suppliers():
    w = fallback_world()
    w["producers"]["deu_missile"]["suppliers"] = {"motor": ["us_motor"]}
    w["producers"]["us_motor"] = {"nation": "USA", "item": "motor", "capacity_per_week": 10.0,
                                  "ceiling_per_week": 10.0}
    w["policies"] = {"itar_free": [{"producer": "deu_missile"}]}
    with pytest.raises(ScenarioError, match=r"policies\.itar_free\.0\.producer: 'deu_missile' still buys"):
        build(w)


def test_an_itar_free_line_sells_untainted_output_at_its_premium():
    w = fallback_world()
    w["producers"]["deu_missile"]["us_content_share"] = 0.4
    w["policies"] = {"itar_free": [{"producer": "deu_missile", "design_out_weeks": 3,
                                    "unit_cost_premium": 0.06}]}
    m = CooperationModel(build(w), rng=1)
    line = m.producers["deu_missile"]
    from dibsim.model import retransfer
    assert retransfer.carries_us_content(line, 2) and retransfer.content_share(line, 2) == 0.4
    assert not retransfer.carries_us_content(line, 3) and retransfer.price_factor(line, 3) == 1.06
