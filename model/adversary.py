"""Adversary: one per contested region, deciding whether aggression would pay (docs/ODD.md §3, step 2).

It sets allied capability in the region over its campaign — forward stock, what can be brought
in within its warning time, and what producers can deliver there over the campaign's length
(model/capability.py) — against its campaign requirement, like for like: strike points scored
in the long-range strike and anti-ship munitions (``deterrence_family: strike``) and, where the
scenario states one, interceptor demand against its salvos scored in the interceptors
(``defence``). The two coverage ratios make one by ``coverage_rule`` (their geometric mean by
default, or the weaker of the two). Its assessed chance of success falls along a logistic curve of that ratio; when the chance exceeds its threshold and the scenario lets it decide, it starts a
crisis with the weekly probability hazard × chance (the likelier success looks, the likelier it
acts; one uniform draw a week from its own stream, drawn whether or not it is tempted, so common
random numbers hold).

Each week it also records that weekly probability (``hazard_path``; zero when it is not tempted,
may not decide, or a crisis already runs in its region), from which the run's
``failure_probability.<region>`` is computed (docs/ODD.md, "Measured as a probability"). Once it
has acted, the model carries its path on in a counterfactual copy of the run in which it holds
back (``restrained``), so the path is the one the run takes without its attack.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import CooperationModel
    from .schema import Adversary as AdversarySpec


def success_chance(capability: float, requirement: float, steepness: float) -> float:
    """Assessed chance that a campaign succeeds against ``capability`` (0–1).

    Equal capability and requirement give 0.5; twice the requirement with steepness 4 gives
    about 0.02 (assumption: a logistic in the capability ratio).
    """
    return chance_of_ratio(capability / requirement, steepness)


def combined_ratio(strike: float, defence: float, rule: str) -> float:
    """One coverage ratio from the strike and defence ratios (capability ÷ requirement each):
    ``weaker`` = the smaller (complements), ``geometric`` = √(strike × defence).
    """
    if rule == "weaker":
        return min(strike, defence)
    return math.sqrt(max(strike, 0.0) * max(defence, 0.0))


def chance_of_ratio(ratio: float, steepness: float) -> float:
    """The logistic of a coverage ratio: 0.5 at 1, falling as the ratio grows (0–1)."""
    x = steepness * (ratio - 1.0)
    if x > 50:
        return 0.0
    return 1.0 / (1.0 + math.exp(x))


class Adversary(mesa.Agent):
    """The adversary of one region."""

    def __init__(self, model: "CooperationModel", region: str, spec: "AdversarySpec"):
        super().__init__(model)
        self.region = region
        self.spec = spec
        self.stream = model.streams[f"adversary.{region}"]
        self.chance = 0.0
        #: this week's coverage ratio by requirement family ('strike', and 'defence' when the
        #: scenario states an interceptor requirement; capability ÷ requirement).
        self.coverage: dict[str, float] = {}
        self.started_week: int | None = None
        #: weekly probability of acting, hazard × chance when tempted, else 0 (index = week).
        self.hazard_path: list[float] = [0.0]
        #: True in the counterfactual copy of a run: it assesses and records, never acts.
        self.restrained = False

    @property
    def deterrence(self) -> float:
        """1 − assessed chance of success (0–1, higher is better)."""
        return 1.0 - self.chance

    def requirement(self, week: int, family: str = "strike") -> float:
        """A requirement in ``week`` (points): the scenario's campaign (strike) requirement, or
        its interceptor requirement for ``family`` 'defence', grown by ``requirement_growth`` a
        year, compounded weekly from week 0.
        """
        s = self.spec
        base = s.campaign_requirement if family == "strike" else s.interceptor_requirement
        if base is None:
            raise ValueError(f"adversaries.{self.region}: no {family} requirement")
        return base * (1.0 + s.requirement_growth) ** (week / 52.0)

    def update_chance(self) -> None:
        """Re-assess the chance of success from allied capability in the region: with one
        requirement, every weighted item against it; with an interceptor requirement, each
        family against its own, the two ratios combined by ``coverage_rule``.
        """
        s = self.spec
        week = self.model.week
        cap = self.model.capability
        if s.interceptor_requirement is None:
            ratio = cap(self.region, s.warning_weeks, s.campaign_weeks) / self.requirement(week)
            self.coverage = {"strike": ratio}
        else:
            self.coverage = {f: cap(self.region, s.warning_weeks, s.campaign_weeks, f) / self.requirement(week, f)
                             for f in ("strike", "defence")}
            ratio = combined_ratio(self.coverage["strike"], self.coverage["defence"], s.coverage_rule)
        self.chance = chance_of_ratio(ratio, s.steepness)

    def weekly_hazard(self) -> float:
        """This week's probability of acting: hazard × chance when it may decide, is tempted
        (chance above its threshold) and no crisis runs in its region; else 0.
        """
        s = self.spec
        if not s.decides or self.chance <= s.threshold or self.model.crisis_active(self.region):
            return 0.0
        return s.hazard_per_week * self.chance

    def assess(self, week: int) -> bool:
        """Update the assessed chance, record this week's probability of acting while it has
        not acted, and draw (one draw every week). Returns whether it acts this week; the model
        then starts its crisis.
        """
        self.update_chance()
        u = self.stream.random()
        if self.started_week is not None:
            return False
        q = self.weekly_hazard()
        self.hazard_path.append(q)
        if self.restrained or not u < q:
            return False
        self.started_week = week
        return True
