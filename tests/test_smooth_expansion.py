"""The hazard response of the expansion rule (model/expansion.py, ``industry.expansion_response``):
a weekly decision chance that rises smoothly with the averaged demand signal, drawn from the
plant's own stream, so that a slightly larger or longer signal makes a step slightly likelier."""

import itertools
import statistics

import pytest
from dibsim.model import CooperationModel
from dibsim.model.expansion import ramp
from test_supply_known_answers import capacities, seeker_world
from worlds import build


def test_the_ramp_is_zero_below_its_band_one_above_and_smooth_between():
    assert ramp(0.4, 0.5) == 0.0 and ramp(0.5, 0.5) == 0.0
    assert ramp(1.0, 0.5) == pytest.approx(0.5)
    assert ramp(0.75, 0.5) == pytest.approx(0.25 * 0.25 * (3 - 0.5))  # smoothstep at t = 1/4
    assert ramp(1.5, 0.5) == 1.0 and ramp(3.0, 0.5) == 1.0
    grid = [ramp(i / 1000, 0.5) for i in range(2001)]
    assert all(b >= a for a, b in itertools.pairwise(grid))  # monotone …
    assert max(b - a for a, b in itertools.pairwise(grid)) < 0.002  # … and no jump (slope ≤ 1.5)


def first_step_week(seed: int, **world) -> int | None:
    """Week the first expansion decision of the seeker plant arrives (its lag is 20 weeks)."""
    m = CooperationModel(build(seeker_world(response="hazard", **world)), rng=seed)
    plant = m.producers["us_seeker"]
    for week in range(1, 61):
        m.step()
        if plant.capacity > 4.0:
            return week
    return None


def test_a_clear_shortage_is_answered_at_the_decision_hazard_after_the_averaging():
    # The line lacks 6 of its 10 seekers a week from week 1: the signal is at its cap (2 × the
    # trigger) from week 1, so the 4-week average is 0.5 (the ramp's bottom) in week 1, 1.0 in
    # week 2 (half the hazard of 0.5) and 1.5 (the top) from week 3. Expected decision week:
    # 2 × 0.25 + Σ_k≥3 k × 0.75 × 0.5^(k−2) = 3.5; the step arrives 20 weeks later.
    weeks = [first_step_week(seed) for seed in range(60)]
    assert all(w is not None for w in weeks)
    mean_decision = statistics.mean(weeks) - 20
    assert 2.8 <= mean_decision <= 4.3
    assert min(weeks) == 22 and len(set(weeks)) > 4  # never before week 2; drawn, not fixed


def test_no_expansion_under_the_hazard_without_funding_or_without_shortage():
    assert set(capacities(build(seeker_world(funded=False, response="hazard")), "us_seeker", 50)) == {4.0}
    assert set(capacities(build(seeker_world(line_capacity=3.0, response="hazard")), "us_seeker", 50)) == {4.0}


def test_the_draws_come_from_the_plants_own_stream():
    # Same seed, same world: the same decision; the draw block is the stream expansion.<pid>.
    a, b = first_step_week(7), first_step_week(7)
    assert a == b
    m = CooperationModel(build(seeker_world(response="hazard")), rng=7)
    expected = m.streams["expansion.us_seeker"].random(m.horizon + 1)[3]
    m2 = CooperationModel(build(seeker_world(response="hazard")), rng=7)
    assert m2.producers["us_seeker"].expansion_draw(3) == pytest.approx(expected)


def test_the_chance_of_a_step_grows_smoothly_with_the_size_of_the_shortage():
    # The plant makes 4 a week. A line of 4 signals nothing; each extra 0.05 a week of need is a
    # quarter of the shortage trigger (0.05 × 4), so the chance that a step has arrived by week
    # 45 climbs through a band of partial answers — about 0.15, 0.5, 0.75, 0.9 at 4.1, 4.12,
    # 4.14, 4.15 (40 seeds) — instead of jumping from none to all at one line size.
    def share_expanded(line_capacity: float) -> float:
        hits = 0
        for seed in range(40):
            m = CooperationModel(build(seeker_world(line_capacity=line_capacity, response="hazard")), rng=seed)
            m.run(45)
            hits += m.producers["us_seeker"].capacity > 4.0
        return hits / 40

    shares = [share_expanded(c) for c in (4.0, 4.1, 4.12, 4.14, 4.2)]
    assert shares[0] == 0.0 and shares[-1] == 1.0
    assert 0.25 <= shares[2] <= 0.75  # the middle of the band
    assert shares == sorted(shares)
    assert max(b - a for a, b in itertools.pairwise(shares)) < 0.5  # no single jump carries it all


def test_under_the_threshold_rule_the_same_sizes_jump():
    # The threshold rule's knife edge, for contrast: every seed decides the same way.
    def expanded(line_capacity: float) -> set[bool]:
        out = set()
        for seed in range(5):
            m = CooperationModel(build(seeker_world(line_capacity=line_capacity)), rng=seed)
            m.run(45)
            out.add(m.producers["us_seeker"].capacity > 4.0)
        return out

    assert expanded(4.15) in ({True}, {False})
