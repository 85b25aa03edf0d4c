"""Replicate until resolved: sequential paired replications on common random numbers.

``dibsim study --until-resolved`` runs every arm at the first look's replications, then adds
batches of replications to the arms whose headline effects are still *open*, until each is
resolved, shown negligible, or the maximum replications or the time budget end. Replicate *r*
has the same seed in every arm (the engine's seeds), so a batch added to an arm and its status
quo extends the same pairs.

**The stopping rule** (docs/experiments.md, "Replicate until resolved"). The looks are fixed in
advance: the first at ``initial`` replications, then every ``batch`` more up to ``max_reps``,
so there are at most ``K = 1 + ceil((max_reps − initial) / batch)`` looks. At every look each
effect's paired-difference interval is a Student t interval at level ``1 − alpha / K``
(Bonferroni over the looks), so the chance that any look declares a wrong sign, or a wrong
"negligible", is at most ``alpha`` per effect however often the rule looks. An effect is

* **resolved** when that interval excludes zero;
* **negligible** when it lies inside ± the practical threshold, ``threshold × |status-quo
  mean|`` (an equivalence test: the effect is shown smaller than matters);
* **open** otherwise. An arm is finished when none of its headline effects is open.

The rule stops when no arm is open, when the next look would pass ``max_reps``, or when the
time budget cannot hold another batch at the pace measured so far.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .analysis.stats import mean_interval

#: The practical threshold: 0.5% of the status quo's mean (assumption: smaller than any
#: change a planner would act on).
PRACTICAL_THRESHOLD = 0.005
#: The family error rate per effect over all looks.
ALPHA = 0.05
RESOLVED, NEGLIGIBLE, OPEN = "resolved", "negligible", "open"


@dataclass(frozen=True)
class StoppingRule:
    """The fixed looks and the adjusted intervals of the sequential rule."""

    initial: int
    batch: int
    max_reps: int
    threshold: float = PRACTICAL_THRESHOLD
    alpha: float = ALPHA

    def __post_init__(self) -> None:
        if not 2 <= self.initial <= self.max_reps or self.batch < 1:
            raise ValueError("need 2 ≤ initial ≤ max replications and a batch of at least 1")

    @property
    def looks(self) -> int:
        """The fixed maximum number of looks K."""
        return 1 + math.ceil((self.max_reps - self.initial) / self.batch)

    @property
    def level(self) -> float:
        """The confidence level of every look's intervals: 1 − alpha / K."""
        return 1 - self.alpha / self.looks

    def schedule(self) -> list[int]:
        """Replications at each look."""
        return [min(self.max_reps, self.initial + k * self.batch) for k in range(self.looks)]

    def judge(self, diffs: np.ndarray, status_quo_mean: float) -> tuple[str, float, float]:
        """An effect's state from its paired differences: (state, low, high)."""
        est = mean_interval(diffs, self.level)
        if est.n < 2 or not np.isfinite(est.low):
            return OPEN, est.low, est.high
        if est.low > 0 or est.high < 0:
            return RESOLVED, est.low, est.high
        margin = self.threshold * abs(status_quo_mean)
        if -margin < est.low and est.high < margin:
            return NEGLIGIBLE, est.low, est.high
        return OPEN, est.low, est.high


@dataclass
class Look:
    """What one look saw: replications per arm and each (arm, metric) effect's state."""

    replications: dict[str, int]
    states: dict[tuple[str, str], tuple[str, float, float]] = field(default_factory=dict)

    def open_arms(self) -> list[str]:
        """Arms with at least one open headline effect, in first-seen order."""
        return list(dict.fromkeys(a for (a, _), s in self.states.items() if s[0] == OPEN))


#: paired differences of one arm's effect in one metric at its current replications, and the
#: status quo's mean there; None when the arm has no such metric (it is not judged on it).
Diffs = Callable[[str, str], "tuple[np.ndarray, float] | None"]
#: run the named arms (with their status quo) up to the given replications.
Extend = Callable[[Mapping[str, int]], None]


def until_resolved(arms: Sequence[str], metrics: Sequence[str], rule: StoppingRule,
                   diffs: Diffs, extend: Extend, budget_s: float | None = None,
                   clock: Callable[[], float] = time.perf_counter,
                   per_run: float | None = None) -> tuple[list[Look], str]:
    """Run the sequential rule; the looks it made and why it stopped.

    Args:
        arms: the arms (each compared with its own status quo by ``diffs``).
        metrics: the headline metrics judged at every look.
        rule: the stopping rule.
        diffs: (arm, metric) → (paired differences, status-quo mean) at the current runs.
        extend: runs the given arms up to the given replications (their status quo too).
        budget_s: wall-time budget in seconds from the call (None: no budget).
        clock: the clock (tests pass a fake one).
        per_run: seconds per arm-replication measured before the call (the first look may
            have run already, so its ``extend`` costs nothing and measures nothing).

    Returns:
        The looks, and the reason: ``"all resolved or negligible"``, ``"maximum replications"``
        or ``"time budget"``.
    """
    start = clock()
    reps = dict.fromkeys(arms, rule.initial)
    extend(dict(reps))
    looks: list[Look] = []
    measured = (clock() - start) / max(1, len(arms) * rule.initial)
    per_run = per_run if per_run is not None else measured
    for k, target in enumerate(rule.schedule()):
        look = Look(dict(reps))
        for a in arms:
            for m in metrics:
                got = diffs(a, m)
                if got is not None:
                    look.states[(a, m)] = rule.judge(*got)
        looks.append(look)
        still = look.open_arms()
        if not still:
            return looks, "all resolved or negligible"
        if k + 1 >= rule.looks:
            return looks, "maximum replications"
        nxt = rule.schedule()[k + 1]
        cost = per_run * len(still) * (nxt - target)
        if budget_s is not None and clock() - start + cost > budget_s:
            return looks, "time budget"
        before = clock()
        for a in still:
            reps[a] = nxt
        extend(dict.fromkeys(still, nxt))
        per_run = (clock() - before) / max(1, len(still) * (nxt - target)) or per_run
    return looks, "maximum replications"
