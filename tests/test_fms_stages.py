"""The FMS case in stages (model/fms.py): LOR → LOA with the congressional notification inside
it, LOA → contract, then the line's own lead time; and lead_time_weeks.<route>."""

import math

import pytest
from dibsim.model import CooperationModel
from dibsim.model.cases import Case, CaseKind
from dibsim.model.pipeline import Pipeline
from dibsim.model.streams import Streams
from dibsim.model.world import World
from worlds import build, no_barriers, two_nation_world


def fixed(days: float, **extra) -> dict:
    return {"enabled": True, "median_days": days, "spread": 0.0, "denial_probability": 0.0, **extra}


def fms_world(development: float, contracting: float, review: float | None, **fms) -> dict:
    barriers = no_barriers()
    barriers["fms_case"] = fixed(development, contracting_median_days=contracting,
                                 contracting_spread=0.0, notification_at_share=0.5, **fms)
    if review is not None:  # GBR is NATO+: its review is the NATO+ time
        barriers["congressional_review"] = fixed(review, nato_plus_median_days=review)
    return barriers


def one_case(barriers: dict, value_musd: float = 100.0, elapsed_days: float = 0.0) -> Case:
    scn = build(two_nation_world(), barriers=barriers)
    pipe = Pipeline(scn, World(scn), Streams(1).__getitem__)
    case = Case(CaseKind.FMS_SALE, "shell", "USA", "GBR", value_musd, 1, elapsed_days=elapsed_days)
    pipe.advance(1)
    pipe.submit(case, 1)
    for week in range(2, 200):
        pipe.advance(week)
    return case


def test_a_notified_case_is_notified_inside_case_development_and_adds_nothing_after_the_offer():
    # Development 70 days (10 weeks), notified halfway (week 1 + 5), NATO+ review 15 days ends
    # at day 50, before the LOA at day 70; contracting 14 days: approved at week 1 + 12.
    notified = one_case(fms_world(70, 14, 15))
    silent = one_case(fms_world(70, 14, None))
    assert [s.key for s in notified.stages] == ["fms_case"]  # no review stage after the case
    assert notified.fms.notified == 1 + 5 and notified.fms.loa == 1 + 10
    assert notified.fms.contract == 1 + 12 and notified.delay_weeks == 12
    assert silent.delay_weeks == 12 and math.isnan(silent.fms.notified)


def test_a_review_that_ends_after_development_delays_the_offer_by_the_difference():
    # Notified at day 35, a 63-day review ends at day 98: the LOA waits 28 days beyond day 70.
    case = one_case(fms_world(70, 14, 63))
    assert case.fms.loa == 1 + 14 and case.delay_weeks == 16


def test_a_case_below_the_threshold_is_not_notified():
    case = one_case(fms_world(70, 14, 63), value_musd=1.0)
    assert math.isnan(case.fms.notified) and case.delay_weeks == 12


def test_multi_year_procurement_shortens_contracting_only():
    case = one_case(fms_world(70, 28, None, multi_year_items=["shell"], multi_year_time_factor=0.5))
    assert case.fms.loa == 1 + 10 and case.fms.contract == 1 + 12


def test_an_open_case_at_week_0_keeps_its_age():
    # 35 of 70 development days spent before the run: the offer comes 5 weeks after submission.
    case = one_case(fms_world(70, 14, None), elapsed_days=35)
    assert case.fms.lor == 1 - 5 and case.fms.loa == 1 + 5 and case.delay_weeks == 7


def test_lead_time_counts_request_to_first_delivery_by_route():
    # An FMS-only shell: request in week 1, 28-day case, approved week 5, first output that
    # week, three weeks' transit to Europe: first delivery in week 8, seven weeks after request.
    w = two_nation_world()
    w["items"]["shell"]["sales_channels"] = ["fms"]
    barriers = fms_world(28, 0, None)
    m = CooperationModel(build(w, barriers=barriers), rng=3).run()
    metrics = m.metrics()
    assert metrics["lead_time_weeks.fms"] == 7
    assert math.isnan(metrics["lead_time_weeks.dcs"]) and math.isnan(metrics["lead_time_weeks.licensed"])
    (d,) = m.lead_times.deliveries
    assert (d.route, d.buyer, d.requested, d.delivered, d.fms.loa) == ("fms", "GBR", 1, 8, 5)


@pytest.mark.parametrize("field, value", [("notification_at_share", 1.5), ("contracting_median_days", -1)])
def test_bad_stage_settings_are_one_line(field, value):
    from dibsim.model.loader import ScenarioError, validate

    w = two_nation_world()
    w["barriers"] = {"fms_case": {field: value}}
    with pytest.raises(ScenarioError) as exc:
        validate(w, "w.yaml")
    assert len(exc.value.problems) == 1 and f"barriers.fms_case.{field}" in exc.value.problems[0]
