"""Supply chains with a preference order, and licensed lines that bring their own chain.

Tiny hand-built worlds (``tests/worlds.py``): a line falls back down its list of suppliers when
the first has no room, and the fallback link's licence is a case through the barriers; a
licensed coproduction line that draws on its own country's plants adds net output, one that
shares its licensor's saturated supplier only moves output from the US to the ally.
"""

import pytest
from dibsim.model import CooperationModel
from dibsim.model.barriers import InformationSecurity, InvestmentReview, TechnologyRelease
from dibsim.model.cases import Case, CaseKind
from dibsim.model.coproduction import own_chain
from dibsim.model.world import World
from worlds import build, chain_world, fallback_world, no_barriers

FIXED = {"enabled": True, "spread": 0.0, "denial_probability": 0.0}


def late_mean(series, weeks=20):
    return sum(series[-weeks:]) / weeks


def run_chain(allied_motor_plant: bool, licence: bool, priority: bool = True, share: str = "licensor_class"):
    """``priority`` False: one first-come-first-served queue per plant (no DPAS class);
    ``share``: ``policies.allocation.licensed_lines``.
    """
    changes = {} if priority else {"policies__allocation__classes": []}
    changes["policies__allocation__licensed_lines"] = share
    scn = build(chain_world(allied_motor_plant), horizon_weeks=60,
                sourcing__coproduction_seek_probability=1.0 if licence else 0.0, **changes)
    return CooperationModel(scn, rng=1).run()


def test_a_licensed_line_with_its_own_chain_adds_its_capacity_to_allied_and_total_output():
    with_line, without = run_chain(True, licence=True), run_chain(True, licence=False)
    line = next(p for p in with_line.producer_list if p.licensor is not None)
    assert [s.pid for s in line.suppliers["motor"]] == ["aus_motor", "usa_motor"]  # US plant last …
    assert with_line.producers["aus_motor"].output == 5.0  # … and never needed
    out, base = with_line.timeseries(), without.timeseries()
    # 10 a week from the motor-bound US line, plus the licensed line's 5 a week.
    assert late_mean(base["output.missile"]) == 10.0
    assert late_mean(out["output.missile"]) == 15.0
    assert late_mean(out["output_allied"]) == 5.0 and late_mean(base["output_allied"]) == 0.0


def test_a_licensed_line_sharing_the_saturated_us_supplier_adds_no_output():
    # Without priority classes the plant serves both lines first come first served.
    with_line, without = run_chain(False, True, priority=False), run_chain(False, False, priority=False)
    line = next(p for p in with_line.producer_list if p.licensor is not None)
    assert [s.pid for s in line.suppliers["motor"]] == ["usa_motor"]  # no ally makes motors
    out, base = with_line.timeseries(), without.timeseries()
    assert late_mean(out["output_allied"]) > 2.0  # the licensed line does produce …
    # … but only motors the US line no longer gets: once the licensed line has filled its input
    # pipeline (6 weeks of cover plus the 3 weeks its motors spend crossing the Pacific beyond a
    # same-region delivery) and both lines have run their motor stocks down, the total is the
    # plant's 10 a week, shared pro rata between the lines (so within a few tenths week by week);
    # over the run it differs only by the stock drawn down (the US line's 6 weeks, 60).
    assert all(x == 10.0 for x in base["output.missile"][1:])
    assert late_mean(out["output.missile"], 28) == pytest.approx(10.0, abs=0.1)
    assert 0 <= sum(out["output.missile"]) - sum(base["output.missile"]) <= 60


def test_under_dpas_without_a_licensed_share_a_licensed_line_on_the_saturated_us_supplier_gets_nothing():
    # The US line's order book is its government's, so its motor orders are rated (DPAS flows
    # down) and the US plant, which makes exactly what that line needs, never reaches the
    # licensed line's unrated orders: no allied output, the same total.
    with_line = run_chain(False, licence=True, share="own_class")
    without = run_chain(False, licence=False, share="own_class")
    out, base = with_line.timeseries(), without.timeseries()
    assert sum(out["output_allied"]) == 0.0
    assert out["output.missile"] == base["output.missile"]


def test_under_dpas_a_licensed_share_lets_the_licensed_line_produce_from_the_us_supplier():
    # With its licence's rated share (P88) the licensed line's motor orders, up to its licensed
    # rate of 5 a week, are rated like the US line's: the plant's 10 a week is shared between
    # the two lines, so the licensed line makes output that the US line no longer makes.
    with_line, without = run_chain(False, licence=True), run_chain(False, licence=False)
    line = next(p for p in with_line.producer_list if p.licensor is not None)
    assert line.licensed_rate == 5.0
    out, base = with_line.timeseries(), without.timeseries()
    assert late_mean(out["output_allied"]) > 2.0 and sum(base["output_allied"]) == 0.0
    assert late_mean(base["output.missile"]) == 10.0
    assert late_mean(out["output.missile"]) == pytest.approx(10.0, abs=0.01)  # pro-rata shares
    assert 0 <= sum(out["output.missile"]) - sum(base["output.missile"]) <= 60


def test_own_chain_prefers_the_licensee_then_its_region_then_other_allies_then_the_licensor():
    w = chain_world(True)
    w["nations"]["JPN"] = {"name": "Japan", "region": "indo_pacific", "budget_musd_per_year": 1.0}
    w["nations"]["NOR"] = {"name": "Norway", "region": "europe", "budget_musd_per_year": 1.0}
    w["producers"]["nor_motor"] = {**w["producers"]["aus_motor"], "nation": "NOR", "ceiling_per_week": 50.0,
                                   "capacity_per_week": 50.0}
    w["producers"]["jpn_motor"] = {**w["producers"]["aus_motor"], "nation": "JPN"}
    w["producers"]["jpn_idle_motor"] = {**w["producers"]["aus_motor"], "nation": "JPN",
                                        "capacity_per_week": 0.0, "ceiling_per_week": 0.0}
    m = CooperationModel(build(w, sourcing__coproduction_seek_probability=0.0), rng=1)
    aus, licensor = m.nations["AUS"], m.producers["usa_missile"]
    assert own_chain(aus, "missile", licensor, m) == {
        "motor": ("aus_motor", "jpn_motor", "nor_motor", "usa_motor")}
    m2 = CooperationModel(build(chain_world(False), sourcing__coproduction_seek_probability=0.0), rng=1)
    assert own_chain(m2.nations["AUS"], "missile", m2.producers["usa_missile"], m2) == {"motor": ("usa_motor",)}


def run_fallback(**barriers):
    b = no_barriers()
    b.update(barriers)
    return CooperationModel(build(fallback_world(), barriers=b), rng=1).run()


def test_a_line_turns_to_its_second_supplier_only_when_the_first_has_no_room():
    # The German plant makes 6 of the 10 motors a week; the line's 6 weeks of stock cover the
    # gap until the plant's backlog fills its room, then the rest is ordered from Norway.
    m = run_fallback()
    assert m.timeseries()["output.missile"][1:] == [10.0] * 60
    assert m.producers["deu_motor"].output == 6.0 and m.producers["nor_motor"].output == 4.0


def test_the_fallback_link_waits_for_its_export_licence():
    # A 20-week partner export control on the new Norwegian link: once its stock is gone the
    # line makes only the German plant's 6 a week until the licence comes through.
    m = run_fallback(partner_export_control={**FIXED, "median_days": 140})
    out = m.timeseries()["output.missile"]
    assert m.pipeline.barriers[0].key == "partner_export_control" and m.pipeline.barriers[0].entered == 1
    short = [w for w, x in enumerate(out) if x < 10.0 and w > 0]
    assert short and all(out[w] == 6.0 for w in short)
    assert short == list(range(short[0], short[0] + len(short)))  # one gap, as long as …
    assert 16 <= len(short) <= 20  # … the licence time less the stock left when it was sought
    assert out[-20:] == [10.0] * 20


def test_a_foreign_owned_us_plant_is_qualified_before_a_us_line_uses_it():
    w = fallback_world()
    for pid in ("deu_missile", "deu_motor", "nor_motor"):
        w["producers"][pid]["nation"] = "USA"
    w["producers"]["nor_motor"]["owner"] = "NOR"
    b = no_barriers()
    b["investment_review"] = {**FIXED, "median_days": 140}
    m = CooperationModel(build(w, barriers=b), rng=1).run()
    review = next(x for x in m.pipeline.barriers if x.key == "investment_review")
    assert review.entered == 1 and m.producers["nor_motor"].qualified
    out = m.timeseries()["output.missile"]
    assert min(out[1:]) == 6.0 and out[-20:] == [10.0] * 20


def test_technology_release_applies_to_the_first_supply_of_an_advanced_us_component_only():
    w = fallback_world()
    w["items"]["motor"]["technology_level"] = 5
    tsfd = TechnologyRelease(build(w).barriers.technology_release, World(build(w)), None)
    first = Case(CaseKind.COMPONENT_SUPPLY, "motor", "USA", "DEU", 1.0, 0, new_technology=True)
    renewal = Case(CaseKind.COMPONENT_SUPPLY, "motor", "USA", "DEU", 1.0, 0)
    allied = Case(CaseKind.COMPONENT_SUPPLY, "motor", "NOR", "DEU", 1.0, 0, new_technology=True)
    assert tsfd.applies(first) and not tsfd.applies(renewal) and not tsfd.applies(allied)


def test_qualifying_a_foreign_owned_plant_into_a_marked_programme_needs_releasability():
    w = fallback_world()
    w["items"]["motor"]["classification"] = "cui"
    scn = build(w)
    case = Case(CaseKind.QUALIFICATION, "motor", "NOR", "USA", 1.0, 0)
    assert InformationSecurity(scn.barriers.information_security, World(scn), None).applies(case)
    assert InvestmentReview(scn.barriers.investment_review, World(scn), None).applies(case)


def test_a_single_supplier_may_still_be_written_as_one_id():
    scn = build(fallback_world(), producers__deu_missile__suppliers={"motor": "nor_motor"})
    assert scn.producers["deu_missile"].suppliers == {"motor": ("nor_motor",)}


def test_coproduction_is_counted_by_what_licensed_lines_make():
    # The licensed line with its own chain makes 5 missiles ($1M each) a week once open: the
    # metric is the value of exactly what it made, and the line counts as producing.
    made = run_chain(True, licence=True)
    metrics = made.metrics()
    assert metrics["coproduction_output_value"] == sum(made.timeseries()["output_allied"]) > 100.0
    assert metrics["coproduction_lines"] == 1.0
    # A licensed line that never gets a motor exists but makes nothing: it is not counted.
    starved = run_chain(False, licence=True, share="own_class")
    assert any(p.licensor is not None for p in starved.producer_list)
    assert starved.metrics()["coproduction_lines"] == 0.0
    assert starved.metrics()["coproduction_output_value"] == 0.0


def test_coproduction_metrics_read_the_record():
    from dibsim.model.metrics import METRICS, RunRecord

    record = RunRecord(series={}, crisis_systems=(), onset_week=None, coproduction_lines=2,
                       coproduction_output_value=123.5)
    assert METRICS["coproduction_lines"].function(record) == 2.0
    assert METRICS["coproduction_output_value"].function(record) == 123.5
    assert METRICS["coproduction_output_value"].unit == "$M"
