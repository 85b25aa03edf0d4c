"""Adversary: one per contested region, deciding whether aggression would pay (docs/ODD.md §3, step 2).

It sets allied capability in the region over its campaign — forward stock, what can be brought
in within its warning time, and what producers can deliver there over the campaign's length
(model/capability.py) — against its campaign requirement. Its assessed chance of success falls along a logistic curve of the capability
ratio; when the chance exceeds its threshold and the scenario lets it decide, it starts a
crisis with the weekly probability hazard × chance (the likelier success looks, the likelier it
acts; one uniform draw a week from its own stream, drawn whether or not it is tempted, so common
random numbers hold).
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
    ratio = capability / requirement
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
        self.started_week: int | None = None

    @property
    def deterrence(self) -> float:
        """1 − assessed chance of success (0–1, higher is better)."""
        return 1.0 - self.chance

    def update_chance(self) -> None:
        """Re-assess the chance of success from allied capability in the region."""
        s = self.spec
        capability = self.model.capability(self.region, s.warning_weeks, s.campaign_weeks)
        self.chance = success_chance(capability, s.campaign_requirement, s.steepness)

    def assess(self, week: int) -> None:
        """Update the assessed chance and perhaps start a crisis (one draw every week)."""
        self.update_chance()
        u = self.stream.random()
        s = self.spec
        if not s.decides or self.started_week is not None or self.model.crisis_active(self.region):
            return
        if self.chance > s.threshold and u < s.hazard_per_week * self.chance:
            self.started_week = week
            self.model.start_adversary_crisis(self, week)
