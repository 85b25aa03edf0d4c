"""The scenario's adversaries: what each weighs, and what its crisis consumes (docs/ODD.md §7,
'Adversary').

The requirement is stated in the munitions it is counted in (issue 16, "like for like"): strike
points for the opening campaign, scored in the items of the ``strike`` family
(``items.*.deterrence_family``), and, when ``interceptor_requirement`` is set, interceptor demand
against the adversary's salvos, scored in the ``defence`` family. ``coverage_rule`` says how the
two coverage ratios make one (their geometric mean by default).
"""

from __future__ import annotations

from typing import Literal

from .schema_base import Strict, field

#: The requirement families an item's deterrence weight may count toward.
FAMILIES: tuple[str, ...] = ("strike", "defence")


class AdversaryCrisis(Strict):
    """The crisis an adversary starts when it judges aggression would pay."""

    duration_weeks: int = field(65, ge=1, description="length (weeks; A5 ~15 months)")
    consumption_per_week: dict[str, float] = field(
        {}, description="theater consumption per item (units/week)"
    )
    requirement_multiplier: float = field(2.0, ge=1.0, description="(×; assumption)")
    budget_multiplier: float = field(2.0, ge=1.0, description="(×; assumption)")


class Adversary(Strict):
    """One per contested region: weighs allied capability over its campaign against its needs."""

    campaign_requirement: float = field(
        ..., gt=0.0, description="strike points of the opening campaign: allied long-range strike "
        "and anti-ship capability (items of the 'strike' family) over the campaign that makes "
        "success a coin flip; with interceptor_requirement null every weighted item counts against "
        "it (points; A5: >5,000 long-range missiles in the wargame's first three weeks)"
    )
    interceptor_requirement: float | None = field(
        None, gt=0.0, description="interceptor demand against the adversary's salvos: allied "
        "interceptors (items of the 'defence' family) over the campaign that make success a coin "
        "flip; null = no interceptor demand, one requirement as before (points; calibrate to its "
        "theatre missiles, P134-P136, at the interceptors per target of A11, or mark assumption)"
    )
    coverage_rule: Literal["geometric", "weaker"] = field(
        "geometric", description="how the two coverage ratios (capability ÷ requirement of each "
        "family) make the one ratio the chance reads: 'geometric' = √(strike × defence), partial "
        "substitution (allied strikes thin the salvos' launchers, interceptors keep the strike "
        "platforms fighting), so both families always count; 'weaker' = the smaller of the two, "
        "strict complements (a surplus of one makes up nothing of the other); used only with "
        "interceptor_requirement (assumption)"
    )
    campaign_weeks: int = field(
        65, ge=1, le=520, description="length of the campaign the adversary plans for: allied "
        "production counts over it (weeks; A5: mean interstate war ~15 months)"
    )
    warning_weeks: int = field(
        8, ge=0, description="time allies have to reinforce (weeks; assumption, after P30 'tyranny of time')"
    )
    steepness: float = field(
        4.0, gt=0.0, description="slope of success chance in capability ratio (unitless; assumption)"
    )
    decides: bool = field(True, description="whether it may start a crisis itself")
    threshold: float = field(
        0.5, ge=0.0, le=1.0, description="assessed success chance above which it is tempted"
    )
    hazard_per_week: float = field(
        0.02, ge=0.0, le=1.0, description="weekly chance of acting when tempted, at a certain success; the weekly "
        "probability is hazard × the assessed chance (probability; assumption)"
    )
    requirement_growth: float = field(
        0.0, ge=-0.5, le=1.0, description="growth of both requirements per year, compounded "
        "weekly from week 0: the adversary builds too, so a plant finished in 2029 is weighed "
        "against the adversary of 2029 (share/year; P134-P138: PLA Rocket Force theatre missiles "
        "grew ~0.28-0.61 a year in 2020-25, part of it estimate revision; 0 = static, assumption)"
    )
    crisis: AdversaryCrisis = field(AdversaryCrisis(), description="what its crisis consumes")
