"""The main job's time budget: every phase of ``dibsim study --budget-minutes M`` plans its runs
from the pace measured so far and stops at its share of the budget.

The phases and their shares of the *run budget* (the budget less :func:`reserve` for the
analysis, report and plots):

1. **first look** — every arm at the same replications, chosen from the pace of a pilot (the
   status quos at :data:`MIN_FIRST` replications) so the look ends by :data:`FIRST_SHARE` of the
   run budget; never fewer than :data:`MIN_FIRST`, never more than asked (``--replications``);
2. **sequential additions** (``--until-resolved``) — batches to the arms still open, until
   :data:`SEQUENTIAL_SHARE`; the maximum number of looks is fixed *before* the first look from
   the pace and the budget (not from the data), so the adjusted intervals stay valid;
3. **robustness checks** — the top effects in each check world (experiments.study_checks) at
   reduced replications, one world at a time while the next fits before the run budget ends;
4. **answer and report** — in the reserve.

Without a budget every phase runs in full: the first look at ``--replications`` (20), the
sequential rule's default looks, every check world at :data:`~experiments.study_checks.CHECK_REPLICATIONS`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Shares of the run budget by which the first look and the sequential additions end.
FIRST_SHARE, SEQUENTIAL_SHARE = 0.45, 0.65
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


def planned_looks(budget: Budget, n_arms: int, initial: int, batch: int, max_reps: int,
                  open_share: float = 0.5) -> int:
    """The maximum replications of the sequential rule, fixed after the first look has run and
    before it is judged: as many batches as fit by :data:`SEQUENTIAL_SHARE` if about
    ``open_share`` of the arms stay open, within ``max_reps``.
    """
    if not budget.limited or not budget.pace:
        return max_reps
    per_batch = max(1.0, open_share * n_arms) * batch * budget.pace
    batches = int(max(0.0, budget.left_until(SEQUENTIAL_SHARE)) // per_batch)
    return max(initial, min(max_reps, initial + batches * batch))


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
