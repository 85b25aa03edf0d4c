"""The main job's time budget: every phase of ``dibsim study --budget-minutes M`` plans its runs
from the pace measured so far and stops at its share of the budget.

The phases and their shares of the *run budget* (the budget less :func:`reserve` for the
analysis, report and plots):

1. **first look** — every arm at the same replications, chosen from the pace of a pilot (the
   status quos at :data:`MIN_FIRST` replications) so the look ends by :data:`FIRST_SHARE` of the
   run budget; never fewer than :data:`MIN_FIRST`, never more than asked (``--replications``).
   It ranks the effects; it is not meant to resolve them (its intervals spend little error);
2. **sequential additions** (``--until-resolved``) — batches to the open arms that lead each
   headline's ranking, until :data:`SEQUENTIAL_SHARE`. The rule's last look, its batch and how
   many arms get a batch at each step (:func:`sequential_plan`) are fixed *after* the first look
   has run and *before* it is judged, from the arm counts, the pace and the budget only (never
   from the data), so the error-spending intervals stay valid;
3. **robustness checks** — the top resolved effects in each check world
   (experiments.study_checks) at reduced replications, one world at a time while the next fits
   before the run budget ends (:data:`SEQUENTIAL_SHARE` to 1: a quarter of the run budget, or
   more when the additions finish early);
4. **answer and report** — in the reserve.

Without a budget every phase runs in full: the first look at ``--replications`` (20), the
sequential rule's default looks with every open arm extended at each, every check world at
:data:`~experiments.study_checks.CHECK_REPLICATIONS`. Every share is of the time, not of a run
count, so a faster model (or a quieter machine) gets more replications in every phase.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Shares of the run budget by which the first look and the sequential additions end
#: (assumption, from the measured runs of docs/experiments.md: a first look that only ranks,
#: then half the run budget on the top of the ranking, then a quarter on the checks).
FIRST_SHARE, SEQUENTIAL_SHARE = 0.25, 0.75
#: Arms per headline that get a batch at each step of the additions: the top of its ranking
#: (the answer names the three that matter most; two more keep the next in line moving).
FOCUS_PER_HEADLINE = 5
#: Looks after the first, at most, when the budget sets the batch: each look re-reads the
#: results and restarts the engine on the grown plan (a few seconds), and each look's interval
#: spends some of the error, so a few large batches beat many small ones.
ADDED_LOOKS = 4
#: The fewest replications of a first look (a paired t interval needs a few pairs; three
#: give it two degrees of freedom).
MIN_FIRST = 3
#: Time kept for the answer, the report and the plots: a share of the budget, at least a
#: floor (measured: the report of a one-headline study took 95 s on the two cores at a load
#: of 14, most of it in matplotlib; unloaded well under a minute).
RESERVE_SHARE, RESERVE_FLOOR_S = 0.25, 60.0


def reserve(total_s: float) -> float:
    """Seconds kept for the analysis and the report."""
    return max(RESERVE_FLOOR_S, RESERVE_SHARE * total_s)


@dataclass
class Budget:
    """A wall-time budget from its creation, and the pace of runs measured so far."""

    total_s: float | None
    clock: Callable[[], float] = time.perf_counter
    start: float = field(default=-1.0)
    runs: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.start < 0:
            self.start = self.clock()

    @property
    def limited(self) -> bool:
        """Whether there is a budget at all."""
        return self.total_s is not None

    def elapsed(self) -> float:
        """Seconds since the start."""
        return self.clock() - self.start

    def run_budget(self) -> float:
        """Seconds for runs: the budget less the reserve (infinite without a budget)."""
        return math.inf if self.total_s is None else max(0.0, self.total_s - reserve(self.total_s))

    def left_until(self, share: float = 1.0) -> float:
        """Seconds left until ``share`` of the run budget is spent."""
        return share * self.run_budget() - self.elapsed()

    def observe(self, runs: int, seconds: float) -> None:
        """Add a measured stretch of runs to the pace."""
        if runs > 0:
            self.runs += runs
            self.seconds += seconds

    @property
    def pace(self) -> float | None:
        """Wall seconds per run so far (over every executor's workers), or None."""
        return self.seconds / self.runs if self.runs else None

    def affordable(self, share: float) -> int:
        """Runs that fit before ``share`` of the run budget at the measured pace."""
        if not self.limited:
            return 10 ** 9
        if not self.pace:
            return 0
        return max(0, int(self.left_until(share) / self.pace))

    def stamp(self) -> str:
        """``[m:ss of M:SS]`` for progress lines."""
        def mmss(s: float) -> str:
            return f"{int(s // 60)}:{int(s % 60):02d}"

        total = "" if self.total_s is None else f" of {mmss(self.total_s)}"
        return f"[{mmss(self.elapsed())}{total}]"


def first_look_replications(budget: Budget, n_scenarios: int, asked: int) -> int:
    """Replications of the first look: as many as fit by :data:`FIRST_SHARE` (runs already made
    by the pilot count), between :data:`MIN_FIRST` and ``asked``.
    """
    if not budget.limited:
        return asked
    fit = (budget.affordable(FIRST_SHARE) + budget.runs) // max(1, n_scenarios)
    return max(MIN_FIRST, min(asked, fit))


@dataclass(frozen=True)
class SequentialPlan:
    """The sequential rule's shape under the budget: its last look, batch and width."""

    max_reps: int
    batch: int
    width: int


def sequential_plan(budget: Budget, n_arms: int, heads: int, initial: int, max_reps: int,
                    batch: int | None = None) -> SequentialPlan:
    """The rule's maximum replications, batch and width (arms extended per step), fixed after
    the first look has run and before it is judged, from counts and the pace only.

    The width is :data:`FOCUS_PER_HEADLINE` arms per headline; the last look is as far as those
    arms and their status quos can go by :data:`SEQUENTIAL_SHARE`, within ``max_reps``. When the
    top can reach ``max_reps`` with time to spare, more arms get a batch per step instead. The
    batch divides the way to the last look into :data:`ADDED_LOOKS` steps (``batch`` given:
    that one). Without a budget: ``max_reps``, the batch (default 10) and every arm.
    """
    if not budget.limited or not budget.pace:
        return SequentialPlan(max(max_reps, initial), batch or DEFAULT_BATCH, n_arms)
    width = min(n_arms, FOCUS_PER_HEADLINE * heads)
    window = max(0.0, budget.left_until(SEQUENTIAL_SHARE))
    reach = initial + int(window / ((width + heads) * budget.pace))
    top = max(initial, min(max_reps, reach))
    if reach > max_reps > initial:
        width = min(n_arms, max(width, int(window / ((max_reps - initial) * budget.pace)) - heads))
    step = batch or max(1, math.ceil((top - initial) / ADDED_LOOKS))
    return SequentialPlan(initial + (top - initial) // step * step, step, width)


#: Replications added per look without a budget (``--batch`` replaces it).
DEFAULT_BATCH = 10


def check_replications(budget: Budget, runs_per_rep: int, worlds: int, main_reps: int | None = None) -> int:
    """Replications of each check world: the most (up to the default) at which every world
    fits in what is left of the run budget, never below the minimum; without a budget the
    default, or the main study's replications when fewer.
    """
    from .study_checks import CHECK_REPLICATIONS, MIN_CHECK_REPLICATIONS

    if not budget.limited:
        return min(CHECK_REPLICATIONS, max(2, main_reps or CHECK_REPLICATIONS))
    fit = budget.affordable(1.0) // max(1, runs_per_rep * worlds)
    return max(MIN_CHECK_REPLICATIONS, min(CHECK_REPLICATIONS, fit))
