"""Scenario schema of industry-wide settings: learning, supply licences, deliverable capacity,
expansion, investments.

One expansion rule serves every plant, system lines and component plants alike (docs/ODD.md §3,
step 4); what differs between kinds of plant — how fast extra shifts come, how big a step is,
how long a new plant takes — is an *expansion profile*, named here and referenced by producers
or, by default, by the item they make. Figures cited by key are listed in ``docs/sources.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .schema_base import Strict, field


class Expansion(Strict):
    """How a kind of plant grows (docs/ODD.md §3, step 4): one rule, parameters per kind of plant.

    A producer's ``expansion`` block, where given, overrides the fields it names of its profile.
    """

    quick_share: float = field(
        0.25, ge=0.0, le=2.0,
        description="capacity added once by extra shifts and overtime, share of current "
        "(assumption; P47 Javelin 'months to a couple of years')",
    )
    quick_lag_weeks: int = field(
        17, ge=0, description="decision to extra-shift output (weeks; assumption, about 4 months)"
    )
    step_share: float = field(
        0.4, ge=0.0, le=5.0, description="capacity added per expansion, share of current (assumption)"
    )
    lag_weeks: int = field(91, ge=0, description="decision to capacity (weeks; A4 18–24 months)")
    backlog_trigger_weeks: float = field(
        8.0, ge=0.0,
        description="new-order backlog (beyond the order book at week 0) in weeks of output that "
        "signals a need (weeks; assumption)",
    )
    shortage_trigger_share: float = field(
        0.05, ge=0.0,
        description="customers' unmet input need of the plant's item, as a share of its "
        "capacity, that signals a need while the plant itself holds more than a week of "
        "backlog (share; assumption)",
    )
    sustain_weeks: int = field(
        8, ge=1,
        description="weeks the signal must persist (step_threshold), or over which it is averaged "
        "(hazard); also the least time between two decisions (weeks; assumption)",
    )
    response_width: float = field(
        0.5, gt=0.0, le=1.0,
        description="hazard response: half-width of the ramp around the trigger, as a share of "
        "it; the decision hazard rises smoothly from 0 at (1 − width) × trigger to its full value "
        "at (1 + width) × trigger of the averaged signal (share; assumption)",
    )
    decision_hazard: float = field(
        0.5, gt=0.0, le=1.0,
        description="hazard response: weekly chance of deciding a step once the averaged signal "
        "is at least (1 + width) × trigger (probability/week; assumption: a couple of weeks from a "
        "clear, sustained signal to a board decision, so that with the averaging the expected "
        "decision comes a little before sustain_weeks after a clear signal starts, as under the "
        "threshold rule, and the replays' calibration holds)",
    )
    max_concurrent: int = field(
        2, ge=0, description="expansions under way at once under ordinary funding (count; assumption)"
    )
    restart_weeks: int = field(
        0, ge=0, description="extra time to restart a cold line (weeks; 0 = none, assumption; P49: Stinger ~30 months)"
    )
    source: str = field("assumption", description="citation for the profile's figures")


class ExpansionOverride(Strict):
    """A producer's own expansion settings: each field given replaces its profile's (used for
    lines calibrated on a replay); ranges as in :class:`Expansion`.
    """

    quick_share: float | None = field(None, description="overrides the profile's (share; see profile)")
    quick_lag_weeks: int | None = field(None, description="overrides the profile's (weeks; see profile)")
    step_share: float | None = field(None, description="overrides the profile's (share; see profile)")
    lag_weeks: int | None = field(None, description="overrides the profile's (weeks; see profile)")
    backlog_trigger_weeks: float | None = field(
        None, description="overrides the profile's (weeks; see profile)")
    shortage_trigger_share: float | None = field(
        None, description="overrides the profile's (share; see profile)")
    sustain_weeks: int | None = field(None, description="overrides the profile's (weeks; see profile)")
    max_concurrent: int | None = field(None, description="overrides the profile's (count; see profile)")
    restart_weeks: int | None = field(None, description="overrides the profile's (weeks; see profile)")
    response_width: float | None = field(None, description="overrides the profile's (share; see profile)")
    decision_hazard: float | None = field(
        None, description="overrides the profile's (probability/week; see profile)")

    @model_validator(mode="after")
    def _within_profile_ranges(self) -> "ExpansionOverride":
        Expansion.model_validate(self.given())  # the profile's ranges apply to an override
        return self

    def given(self) -> dict[str, float | int]:
        """The fields this override sets."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def apply(self, profile: Expansion) -> Expansion:
        """The profile with this override's fields replaced."""
        given = self.given()
        return profile.model_copy(update=given) if given else profile


#: Profiles every scenario has (a scenario may redefine them or add others).
DEFAULT_PROFILES: dict[str, Expansion] = {
    "system_line": Expansion(lag_weeks=91, source="A4: factory investments 18-24 months"),
    "component": Expansion(
        lag_weeks=78, source="A4: long-lead subcomponents (metals, energetics, electronics) 12-24 months"),
}
#: The profile a producer uses when neither it nor its item names one, by item kind.
KIND_PROFILE = {"system": "system_line", "component": "component"}


class Investment(Strict):
    """An initiative's investment: a window in which the plants it covers are funded to expand.

    A plant is covered when it matches every non-empty selector (producer ids, nations or
    groups, items); with all selectors empty the investment covers every plant.
    """

    name: str = field(..., description="label, e.g. 'ASAP' (text)")
    producers: tuple[str, ...] = field((), description="producer ids it funds (empty = any)")
    members: tuple[str, ...] = field(
        (), description="ISO3 codes or groups whose plants it funds (empty = any)"
    )
    items: tuple[str, ...] = field((), description="items whose plants it funds (empty = any)")
    start_week: int = field(..., ge=0, description="first funded week (week)")
    end_week: int = field(..., ge=0, description="first week no longer funded (week)")
    max_concurrent: int | None = field(
        None, ge=0,
        description="expansions a covered plant may run at once while funded; null = its "
        "profile's (count; assumption)",
    )
    source: str = field("assumption", description="citation for the programme and its window")

    @model_validator(mode="after")
    def _window_is_ordered(self) -> "Investment":
        if self.end_week < self.start_week:
            raise ValueError(f"end_week ({self.end_week}) is before start_week ({self.start_week})")
        return self


class Industry(Strict):
    """Settings shared by every plant: learning, supply licences, deliverable capacity and the
    expansion rule.
    """

    learning_weeks: float = field(
        26.0, gt=0.0,
        description="time constant of the learning curve of a line whose item has no "
        "coproduction block (weeks; assumption)",
    )
    licence_cover_weeks: float = field(
        104.0, gt=0.0,
        description="base-rate input use one cross-border supply licence authorises (weeks of "
        "use; assumption: DSP-5 licences run four years, two years of volume at a time)",
    )
    licence_life_drawn: bool = field(
        True,
        description="a supply licence in use at week 0 was granted some time before the run, so "
        "what it still authorises is drawn uniform on (0, 1] of licence_cover_weeks of use, from "
        "the stream licence.<producer>.<input>; false = every one holds the full cover "
        "(assumption: licences are renewed continually, so at a random date their remaining "
        "life is uniform)",
    )
    licence_renewal_weeks: float = field(
        26.0, ge=0.0,
        description="a line applies for more licensed quantity when what is left covers fewer "
        "weeks of its current use than this (weeks; assumption: amendments filed about six "
        "months ahead)",
    )
    deliverable_lookahead_weeks: float = field(
        13.0, gt=0.0,
        description="window over which deliverable capacity counts inputs on hand and their "
        "supply: a quarter, about twice the input cover, so stock on hand alone cannot carry a "
        "line whose supply falls short (weeks; assumption)",
    )
    expansion_response: Literal["hazard", "step_threshold"] = field(
        "hazard",
        description="how a plant turns a sustained demand signal into an expansion decision "
        "(model/expansion.py): 'hazard' = a weekly decision chance that rises smoothly with the "
        "signal averaged over sustain_weeks, drawn from the plant's own stream (so a barrier "
        "made slightly slower costs slightly more); 'step_threshold' = a step as soon as the "
        "signal has exceeded the trigger for sustain_weeks in a row (the second version's rule; "
        "a knife edge) (assumption)",
    )
    expansion_profiles: dict[str, Expansion] = field(
        DEFAULT_PROFILES,
        description="profile name → expansion parameters by kind of plant; 'system_line' and "
        "'component' are always present (schema defaults unless redefined) (A4, P58, P62)",
    )
    investments: tuple[Investment, ...] = field(
        (), description="initiatives' investments that fund expansion in a window (list)"
    )

    @model_validator(mode="before")
    @classmethod
    def _keep_default_profiles(cls, data):
        if isinstance(data, dict) and isinstance(data.get("expansion_profiles"), dict):
            given = data["expansion_profiles"]
            data = {**data, "expansion_profiles": {**DEFAULT_PROFILES, **given}}
        return data
