"""The main job's time budget: each phase plans its runs from the measured pace (fake clock)."""

import pytest
from dibsim.experiments.study_budget import (
    ADDED_LOOKS,
    FIRST_SHARE,
    FOCUS_PER_HEADLINE,
    MIN_FIRST,
    SEQUENTIAL_SHARE,
    Budget,
    check_replications,
    first_look_replications,
    reserve,
    sequential_plan,
)
from dibsim.experiments.study_checks import CHECK_REPLICATIONS, MIN_CHECK_REPLICATIONS


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _budget(minutes, pilot_runs=8, pace=1.0):
    clock = Clock()
    b = Budget(60 * minutes, clock=clock)
    clock.now += pilot_runs * pace
    b.observe(pilot_runs, pilot_runs * pace)
    return b, clock


def test_the_reserve_and_the_run_budget():
    assert reserve(420) == pytest.approx(max(60, 0.25 * 420))
    b, _ = _budget(7)
    assert b.run_budget() == pytest.approx(420 - reserve(420))
    assert b.pace == pytest.approx(1.0) and b.stamp() == "[0:08 of 7:00]"


def test_the_first_look_takes_what_fits_by_its_share_within_the_floor_and_what_was_asked():
    b, _ = _budget(7, pace=0.25)  # 45 % of the run budget less the 2 s of the pilot, 8 runs made
    reps = first_look_replications(b, 54, 20)
    assert reps == int((FIRST_SHARE * b.run_budget() - 2) / 0.25 + 8) // 54
    assert MIN_FIRST < reps < 20
    assert first_look_replications(b, 5, 20) == 20  # a small study gets what it asked for
    slow, _ = _budget(7, pace=30.0)
    assert first_look_replications(slow, 54, 20) == MIN_FIRST  # a loaded machine: the floor


def test_the_rule_is_shaped_from_counts_and_pace_before_the_first_look_is_judged():
    b, clock = _budget(7)
    clock.now = 100.0  # the first look has run
    window = SEQUENTIAL_SHARE * b.run_budget() - 100.0
    plan = sequential_plan(b, 52, 2, 3, 60)
    width = FOCUS_PER_HEADLINE * 2
    # the top of each ranking (5 arms a headline) and the status quos go as far as the window
    reach = 3 + int(window / (width + 2))
    assert plan.width == width and 3 < plan.max_reps <= reach < 60
    assert plan.batch == -(-(reach - 3) // ADDED_LOOKS) and (plan.max_reps - 3) % plan.batch == 0
    assert plan.max_reps > reach - plan.batch  # the last look is as far as a whole batch allows
    clock.now = 400.0  # nothing left: one look only
    assert sequential_plan(b, 52, 2, 3, 60).max_reps == 3
    none = sequential_plan(Budget(None), 52, 2, 20, 60)  # no budget: the rule as asked, every arm
    assert (none.max_reps, none.batch, none.width) == (60, 10, 52)
    assert sequential_plan(Budget(None), 52, 2, 20, 60, batch=5).batch == 5


def test_a_faster_pace_reaches_the_maximum_and_then_widens_the_steps():
    fast, clock = _budget(7, pace=0.02)
    clock.now = 50.0
    plan = sequential_plan(fast, 52, 2, 3, 60)
    assert plan.max_reps == 3 + (60 - 3) // plan.batch * plan.batch and plan.width > 2 * FOCUS_PER_HEADLINE
    slow, clock = _budget(7, pace=0.5)
    clock.now = 50.0
    assert sequential_plan(slow, 52, 2, 3, 60).max_reps < plan.max_reps  # it scales with the pace


def test_checks_are_reduced_to_fit_and_never_below_the_floor():
    b, clock = _budget(7)
    clock.now = 200.0
    assert MIN_CHECK_REPLICATIONS <= check_replications(b, 8, 16) <= CHECK_REPLICATIONS
    clock.now = 360.0
    assert check_replications(b, 8, 16) == MIN_CHECK_REPLICATIONS
    assert check_replications(Budget(None), 8, 16) == CHECK_REPLICATIONS
