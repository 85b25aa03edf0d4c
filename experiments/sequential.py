"""Replicate until resolved: sequential paired replications on common random numbers.

``dibsim study --until-resolved`` runs every arm at the first look's replications, then adds
batches of replications to the arms whose headline effects are still *open*, highest priority
first, until each is resolved, shown negligible, or the maximum replications or the time budget
end. Replicate *r* has the same seed in every arm (the engine's seeds), so a batch added to an
arm and its status quo extends the same pairs.

**The stopping rule** (docs/experiments.md, "Replicate until resolved"). The looks are fixed in
advance: the first at ``initial`` replications, then every ``batch`` more up to ``max_reps``,
so an arm is judged at most at ``K = 1 + ceil((max_reps − initial) / batch)`` replication
counts ``n_1 < … < n_K``. The error ``alpha`` of each effect is *spent* over them by the power
function ``alpha · (n / n_K)^ρ`` (Kim & DeMets's power family, ρ = :data:`SPENDING_POWER`):
the look at ``n_k`` gets ``alpha_k = alpha · ((n_k / n_K)^ρ − (n_{k−1} / n_K)^ρ)`` and its
Student t interval of the paired differences is at level ``1 − alpha_k``. The ``alpha_k`` sum
to ``alpha``, so by the union bound (Bonferroni) the chance that *any* interval an arm is ever
judged by misses its effect is at most ``alpha``, whichever arms are extended, in what order
and when the rule stops: the level depends only on the replication count, fixed in advance,
never on the data. An effect is

* **resolved** when that interval excludes zero;
* **negligible** when it lies inside ± the practical threshold, ``threshold × |status-quo
  mean|`` (an equivalence test: the effect is shown smaller than matters);
* **open** otherwise. An arm is finished when none of its headline effects is open.

**Where the replications go.** At each step the open arms are ordered by a priority the caller
gives (the study: barriers removed and reforms whose primary effect is open, largest estimate
first, i.e. the top of each headline's ranking; then those with another headline metric open;
then the stricter arms), and at most ``width`` of them, the first, get one more batch (to their
next look). The rule stops when no arm is open, when every open arm is at ``max_reps``, or when
the time budget cannot hold the next batch of even one arm at the pace measured so far.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .analysis.stats import mean_interval
from .study import RANKED_KINDS  # barriers removed, reforms, investments: ranked first

#: The practical threshold: 0.5% of the status quo's mean (assumption: smaller than any
#: change a planner would act on).
PRACTICAL_THRESHOLD = 0.005
#: The family error rate per effect over all looks.
ALPHA = 0.05
#: ρ of the error-spending function alpha · t^ρ (t = n / n_K). ρ = 1 spends in proportion to
#: the replications (Pocock-like); ρ = 3 is close to O'Brien–Fleming. ρ = 2 (assumption, the
#: middle of the family) keeps little for the first look at a few replications, where a t
#: interval on 2–4 degrees of freedom resolves only very large effects anyway, and most for
#: the last looks, where the arms that lead the answer are.
SPENDING_POWER = 2.0
RESOLVED, NEGLIGIBLE, OPEN = "resolved", "negligible", "open"


@dataclass(frozen=True)
class StoppingRule:
    """The fixed looks and the error-spending intervals of the sequential rule."""

    initial: int
    batch: int
    max_reps: int
    threshold: float = PRACTICAL_THRESHOLD
    alpha: float = ALPHA
    power: float = SPENDING_POWER

    def __post_init__(self) -> None:
        if not 2 <= self.initial <= self.max_reps or self.batch < 1:
            raise ValueError("need 2 ≤ initial ≤ max replications and a batch of at least 1")
        if not 0 < self.alpha < 1 or self.power <= 0:
            raise ValueError("need 0 < alpha < 1 and a positive spending power")

    @property
    def looks(self) -> int:
        """The fixed maximum number of looks K."""
        return 1 + math.ceil((self.max_reps - self.initial) / self.batch)

    def schedule(self) -> list[int]:
        """Replications at each look."""
        return [min(self.max_reps, self.initial + k * self.batch) for k in range(self.looks)]

    def spent(self) -> list[float]:
        """The error spent at each look, ``alpha_k`` (they sum to ``alpha``)."""
        top = float(self.max_reps)
        frac = [(n / top) ** self.power for n in self.schedule()]
        return [self.alpha * (f - (frac[k - 1] if k else 0.0)) for k, f in enumerate(frac)]

    def levels(self) -> list[float]:
        """The confidence level of each look's intervals, ``1 − alpha_k``."""
        return [1 - a for a in self.spent()]

    def look_of(self, n: int) -> int:
        """The look (0-based) an arm with ``n`` paired replications is judged at: the last
        whose replications it has (fewer pairs than planned, after failed runs, fall back to
        an earlier look, whose level is stricter).
        """
        return max(0, sum(1 for m in self.schedule() if m <= n) - 1)

    def level_at(self, n: int) -> float:
        """The level of the interval at ``n`` paired replications."""
        return self.levels()[self.look_of(n)]

    def next_target(self, n: int) -> int | None:
        """The replications of the look after ``n`` (None at ``max_reps``)."""
        later = [m for m in self.schedule() if m > n]
        return later[0] if later else None

    def judge(self, diffs: np.ndarray, status_quo_mean: float) -> tuple[str, float, float]:
        """An effect's state from its paired differences: (state, low, high)."""
        est = mean_interval(diffs, self.level_at(len(diffs)))
        if est.n < 2 or not np.isfinite(est.low):
            return OPEN, est.low, est.high
        if est.low > 0 or est.high < 0:
            return RESOLVED, est.low, est.high
        margin = self.threshold * abs(status_quo_mean)
        if -margin < est.low and est.high < margin:
            return NEGLIGIBLE, est.low, est.high
        return OPEN, est.low, est.high

    def describe(self) -> dict[str, float | int]:
        """What ``study.json`` records of the rule (the answer reads its levels from it)."""
        return {"initial": self.initial, "batch": self.batch, "max_reps": self.max_reps,
                "threshold": self.threshold, "alpha": self.alpha, "power": self.power}


def rule_from(data: Mapping[str, float | int] | None) -> StoppingRule | None:
    """The rule that ``study.json`` records (None when the study was not sequential or the
    record is unreadable).
    """
    if not data:
        return None
    try:
        return StoppingRule(int(data["initial"]), int(data["batch"]), int(data["max_reps"]),
                            float(data["threshold"]), float(data["alpha"]), float(data["power"]))
    except (KeyError, TypeError, ValueError):
        return None


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
#: the open arms of a look, highest priority first (default: as the look found them).
Priority = Callable[[Look], list[str]]


def until_resolved(arms: Sequence[str], metrics: Sequence[str], rule: StoppingRule,
                   diffs: Diffs, extend: Extend, budget_s: float | None = None,
                   clock: Callable[[], float] = time.perf_counter,
                   per_run: float | None = None, priority: Priority | None = None,
                   width: int | None = None) -> tuple[list[Look], str]:
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
        priority: orders a look's open arms, highest first (default: first-seen order).
        width: at most this many open arms get a batch at each step (default: all).

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
    while True:
        look = _look(arms, metrics, rule, diffs, reps)
        looks.append(look)
        still = (priority or Look.open_arms)(look)
        if not still:
            return looks, "all resolved or negligible"
        growable = [(a, t) for a in still if (t := rule.next_target(reps[a])) is not None]
        if not growable:
            return looks, "maximum replications"
        chosen = _fit(growable[:width], reps, per_run, budget_s, clock() - start)
        if not chosen:
            return looks, "time budget"
        added = sum(t - reps[a] for a, t in chosen.items())
        before = clock()
        reps.update(chosen)
        extend(chosen)
        per_run = (clock() - before) / max(1, added) or per_run


def _look(arms: Sequence[str], metrics: Sequence[str], rule: StoppingRule, diffs: Diffs,
          reps: Mapping[str, int]) -> Look:
    """Judge every (arm, metric) effect at the current replications."""
    look = Look(dict(reps))
    for a in arms:
        for m in metrics:
            got = diffs(a, m)
            if got is not None:
                look.states[(a, m)] = rule.judge(*got)
    return look


def _fit(growable: list[tuple[str, int]], reps: Mapping[str, int], per_run: float,
         budget_s: float | None, elapsed: float) -> dict[str, int]:
    """The longest head of the growable arms whose batches fit in what is left of the budget
    (arm → its next look's replications).
    """
    chosen: dict[str, int] = {}
    cost = 0.0
    for arm, target in growable:
        more = per_run * (target - reps[arm])
        if budget_s is not None and elapsed + cost + more > budget_s:
            break
        chosen[arm] = target
        cost += more
    return chosen


def ranking_priority(arms: Mapping[str, tuple[str, str]], primary: str) -> Priority:
    """The order in which open arms get replications (arm → (headline, kind) given).

    First the ranked arms (``experiments.study.RANKED_KINDS``) whose ``primary`` effect is
    open, then the ranked arms with another headline metric open, then the other arms in the same two tiers;
    within a tier, by the arm's place in its headline's ranking: |primary estimate| largest
    first, counting every arm of the headline, resolved or not. So the arms that lead each
    headline's answer come first, and the headlines take turns.
    """
    def order(look: Look) -> list[str]:
        size = {a: _size(look.states.get((a, primary))) for a in arms}
        place: dict[str, int] = {}
        for head in dict.fromkeys(h for h, _ in arms.values()):
            mine = [a for a, (h, _) in arms.items() if h == head]
            mine.sort(key=lambda a: (arms[a][1] not in RANKED_KINDS, -size[a]))
            place |= {a: i for i, a in enumerate(mine)}

        def key(a: str) -> tuple[int, int]:
            got = look.states.get((a, primary))
            tier = (0 if got is not None and got[0] == OPEN else 1)
            return (tier + (0 if arms.get(a, ("", ""))[1] in RANKED_KINDS else 2), place.get(a, 0))

        return sorted(look.open_arms(), key=key)

    return order


def _size(state: tuple[str, float, float] | None) -> float:
    """|estimate| of a judged effect (its interval's midpoint); 0 when it has none."""
    if state is None or not (np.isfinite(state[1]) and np.isfinite(state[2])):
        return 0.0
    return abs(state[1] + state[2]) / 2
