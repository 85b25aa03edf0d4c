"""Known answers for the outcome metrics (model/outcomes.py): theatre shortfall, weeks to
restore stock, US arms sales delivered, regional capacity growth; and their weekly series.
"""

from __future__ import annotations

import math

import pytest
from dibsim.model import CooperationModel
from dibsim.model.metrics import METRICS, RunRecord
from dibsim.model.model import family_members
from dibsim.model.outcomes import (
    arms_sales_value,
    regional_capacity_region,
    restore_weeks_system,
    shortfall_share_theatre,
)
from worlds import build, no_barriers, two_nation_world


def test_shortfall_share_is_unmet_value_over_demanded_value():
    r = RunRecord(series={}, crisis_systems=(), onset_week=None,
                  theatre_demand_value={"europe": 200.0, "indo_pacific": 0.0},
                  theatre_unmet_value={"europe": 50.0})
    assert shortfall_share_theatre(r, "europe") == 0.25
    assert math.isnan(shortfall_share_theatre(r, "indo_pacific"))  # no crisis ran there


def test_restore_weeks_counts_from_the_crisis_end_to_the_pre_crisis_level():
    stock = [10.0, 10.0, 5.0, 5.0, 6.0, 8.0, 10.0, 10.0]
    r = RunRecord(series={"stock.x": stock}, crisis_systems=("x",), onset_week=2, onset_end_week=4)
    assert restore_weeks_system(r, "x") == 2.0  # level 10 (week 1), back in week 6
    never = RunRecord(series={"stock.x": stock[:6]}, crisis_systems=("x",), onset_week=2, onset_end_week=4)
    assert math.isnan(restore_weeks_system(never, "x"))
    outlasts = RunRecord(series={"stock.x": stock}, crisis_systems=("x",), onset_week=2, onset_end_week=9)
    assert math.isnan(restore_weeks_system(outlasts, "x"))
    unhurt = RunRecord(series={"stock.x": [10.0] * 8}, crisis_systems=("x",), onset_week=2, onset_end_week=4)
    assert restore_weeks_system(unhurt, "x") == 0.0


def test_regional_capacity_is_end_over_start():
    r = RunRecord(series={}, crisis_systems=(), onset_week=None,
                  region_capacity_start={"europe": 4.0, "americas": 0.0},
                  region_capacity_end={"europe": 6.0, "americas": 3.0})
    assert regional_capacity_region(r, "europe") == 1.5
    assert math.isnan(regional_capacity_region(r, "americas"))


def test_arms_sales_count_us_deliveries_to_allies_at_unit_cost():
    # GBR orders 1,000 shells ($0.001M each) from the one US line; all arrive by week 17 of 30.
    m = CooperationModel(build(two_nation_world(), barriers=no_barriers()), rng=3).run()
    assert m.timeseries()["stock.shell"][-1] == 1000
    assert arms_sales_value(m.record()) == pytest.approx(1.0)
    assert m.metrics()["arms_sales_value"] == pytest.approx(1.0)
    assert m.metrics()["regional_capacity.americas"] == 1.0  # a line that never expands


def test_a_theatre_nobody_stocks_goes_wholly_short():
    # a ten-week crisis in the Middle East consuming 50 shells a week: no nation holds any there
    # (the US holds no shells at all), so all 500 go unmet
    crisis = {"region": "middle_east", "start_week": 1, "duration_weeks": 10,
              "consumption_per_week": {"shell": 50.0}}
    scn = build(two_nation_world(), barriers=no_barriers(), crises=[crisis])
    assert family_members(scn)["theatre"] == ("middle_east",)
    m = CooperationModel(scn, rng=1).run()
    weekly = m.timeseries()["shortfall.middle_east.shell"]
    assert sum(weekly) == 500.0 and weekly[1] == 50.0 and weekly[11] == 0.0
    assert m.metrics()["shortfall_share.middle_east"] == 1.0


def test_a_stocked_theatre_goes_short_only_of_what_it_lacks():
    # GBR holds 300 shells in Europe at week 0 and nobody reinforces (the US holds none): a
    # crisis there asking 200 a week in weeks 1-3 gets 200, then the last 100, then nothing
    # (GBR's first order, made from week 1, lands from week 4 after 3 weeks' transit)
    w = two_nation_world()
    w["nations"]["GBR"]["stocks"] = {"shell": 300.0}
    crisis = {"region": "europe", "start_week": 1, "duration_weeks": 3,
              "consumption_per_week": {"shell": 200.0}}
    m = CooperationModel(build(w, barriers=no_barriers(), crises=[crisis]), rng=1).run()
    weekly = m.timeseries()["shortfall.europe.shell"]
    assert weekly[1:5] == [0.0, 100.0, 200.0, 0.0]
    assert m.metrics()["shortfall_share.europe"] == 0.5


def test_every_outcome_metric_declares_unit_range_and_direction():
    for name in ("shortfall_share.<theatre>", "restore_weeks.<system>", "arms_sales_value",
                 "regional_capacity.<site>"):
        spec = METRICS[name]
        assert spec.unit and spec.low == 0.0 and spec.better in (1, -1)
    assert METRICS["shortfall_share.<theatre>"].high == 1.0
