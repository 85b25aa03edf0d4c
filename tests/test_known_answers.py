"""Known answers on tiny hand-built worlds: arithmetic a reader can check by hand."""

from dibsim.model import CooperationModel
from dibsim.model.cases import Case, CaseKind
from dibsim.model.pipeline import Pipeline
from dibsim.model.streams import Streams
from dibsim.model.world import World
from worlds import build, no_barriers, two_nation_world


def fixed(days: float, **extra) -> dict:
    return {"enabled": True, "median_days": days, "spread": 0.0, "denial_probability": 0.0, **extra}


def test_one_producer_one_fixed_barrier_gives_the_exact_delivery_week():
    # GBR orders 1000 shells in week 1. Either route (FMS or DCS) has one 28-day stage, so the
    # order is released in week 1 + 4 = 5; the line makes 100 a week in weeks 5..14 and each
    # week's output arrives 3 weeks later (Americas → Europe).
    barriers = no_barriers()
    barriers["export_licence"] = fixed(28)
    barriers["fms_case"] = fixed(28)
    m = CooperationModel(build(two_nation_world(), barriers=barriers), rng=3).run()
    stock = m.timeseries()["stock.shell"]
    out = m.timeseries()["output.shell"]
    assert out[4] == 0 and out[5] == 100 and out[14] == 100 and out[15] == 0
    assert stock[7] == 0 and stock[8] == 100 and stock[17] == 1000
    assert m.metrics()["mean_regulatory_delay_weeks"] == 4


def test_production_is_capacity_times_weeks_without_barriers():
    w = two_nation_world()
    w["nations"]["GBR"]["requirements"] = {"shell": 100_000.0}
    m = CooperationModel(build(w, barriers=no_barriers(), horizon_weeks=20), rng=1).run()
    assert sum(m.timeseries()["output.shell"]) == 100 * 20


def queue_delays(capacity: int, delay_days: float, n: int) -> list[int]:
    scn = build(two_nation_world(), barriers=no_barriers())
    scn = build(scn.model_dump(), barriers__export_licence=fixed(delay_days, capacity_per_week=capacity))
    world = World(scn)
    pipe = Pipeline(scn, world, Streams(1).__getitem__)
    cases = [Case(CaseKind.DCS_SALE, "shell", "USA", "GBR", 1.0, 1) for _ in range(n)]
    pipe.advance(1)
    for c in cases:
        pipe.submit(c, 1)
    for week in range(2, 60):
        pipe.advance(week)
    return [c.delay_weeks for c in cases]


def test_queueing_delay_matches_the_hand_calculation():
    # Case k enters processing in week 1 + k // capacity and takes 2 weeks.
    delays = queue_delays(capacity=3, delay_days=14, n=10)
    assert delays == [2 + k // 3 for k in range(10)]
    assert sum(delays) / 10 == 2 + (0 * 3 + 1 * 3 + 2 * 3 + 3 * 1) / 10


def test_unlimited_capacity_has_no_queue():
    assert queue_delays(capacity=None, delay_days=14, n=10) == [2] * 10


def test_exemption_skips_the_stage():
    scn = build(two_nation_world(), barriers=no_barriers())
    scn = build(scn.model_dump(), barriers__export_licence=fixed(70, exempt=["aukus"]))
    pipe = Pipeline(scn, World(scn), Streams(1).__getitem__)
    case = Case(CaseKind.DCS_SALE, "shell", "USA", "GBR", 1.0, 1)
    pipe.submit(case, 1)
    assert case.delay_weeks == 0 and pipe.finished == 1


def test_low_understanding_returns_cases_and_costs_resubmission_time():
    scn = build(two_nation_world(), barriers=no_barriers(),
                nations__GBR__understanding=0.0, pipeline__return_probability_no_understanding=1.0,
                pipeline__resubmit_weeks=2)
    scn = build(scn.model_dump(), barriers__export_licence=fixed(7))
    pipe = Pipeline(scn, World(scn), Streams(1).__getitem__)
    case = Case(CaseKind.DCS_SALE, "shell", "USA", "GBR", 1.0, 1)
    pipe.submit(case, 1)
    for week in range(2, 40):
        pipe.advance(week)
    # Returned 3 times (the cap), each costing 1 week of review + 2 weeks to resubmit; then passes.
    assert case.returns == 3 and case.delay_weeks == 3 * (1 + 2) + 1
