"""Scenario schema of the structure a scenario owns: its regions and groups, the priority
classes producers serve, and the windows of measurement (the industry's constants are in
``model/schema_industry.py``).

Regions and groups are declared here rather than fixed in code, so a planner can add
``south_asia`` or ``quad``; every reference to a region or a group elsewhere in the scenario
(a nation's region and posture, the transit matrix, a crisis, an adversary, an exemption list,
a priority class) is checked against these declarations in ``model/schema.py``.
"""

from __future__ import annotations

from typing import Literal

from .schema_base import Strict, field


class RegionSpec(Strict):
    """A theatre: a region where nations sit, stocks are held and crises happen."""

    name: str = field(..., description="display name")
    source: str = field("assumption", description="what the region covers and its source")


class GroupSpec(Strict):
    """A named group of nations (an initiative, an alliance, a treaty status). Membership is
    listed on each nation (``nations.<ISO3>.groups``); barriers, policies and priority classes
    refer to the group by its key.
    """

    name: str = field(..., description="display name")
    source: str = field("assumption", description="who is in it, since when, and the source")


class PriorityClass(Strict):
    """One class of orders that a producer serves before every later class and before orders
    in no class (DPAS rated orders, P88).
    """

    name: str = field(..., description="label of the class (e.g. dpas_rated)")
    members: tuple[str, ...] = field(
        ("USA",),
        description="buyers whose orders belong to the class: ISO3 codes or groups; USA stands for "
        "the US government (P88: DoD-rated orders; DoD can ask Commerce to rate other nations' orders)",
    )
    firms_in: tuple[str, ...] = field(
        ("USA",),
        description="nations or groups whose firms serve the class first (P88: DPAS binds US "
        "suppliers; P89: SOSA partners' firms follow a voluntary code of conduct)",
    )
    source: str = field("P88", description="citation for the class")


class Allocation(Strict):
    """Who waits behind whom at a producer: the priority classes, served in list order, then
    every order in no class; first come first served within each (docs/ODD.md §3, step 4; P88).

    An order joins the first class that applies at the producer (the producer's nation is in
    ``firms_in``) and names its buyer. A component order is rated with the class of the most
    urgent order the ordering line holds, where that class applies at the supplier (DPAS
    ratings flow down to suppliers, P88). The week-0 order book of a line takes the class of
    its own government's orders (assumption: pre-run contracts are mostly its home customer's).
    """

    classes: tuple[PriorityClass, ...] = field(
        (PriorityClass(name="dpas_rated"),),
        description="priority classes in serving order; empty = one first-come-first-served "
        "queue (default: US-government orders rated at US firms, P88)",
    )
    licensed_lines: Literal["licensor_class", "own_class"] = field(
        "licensor_class",
        description="priority of a licensed line's component orders at firms in its licensor's "
        "nation: 'licensor_class' = the class of the licensor government's own orders there "
        "(its licence carries a rated share: P88, DoD can ask Commerce to rate other nations' "
        "orders where that furthers US defence interests; that it does so for licensed munition "
        "lines is an assumption, P51: Japan's PAC-3 line makes about 30 a year on US seekers), "
        "'own_class' = only the rating of the line's own orders flows down (structural "
        "alternative)",
    )


class Measurement(Strict):
    """Windows over which run metrics are measured."""

    surge_window_weeks: int = field(
        52, ge=1, description="weeks from onset over which surge output is measured "
        "(weeks; assumption: twelve months, the planning year)",
    )
    long_window_weeks: int = field(
        156, ge=1, description="weeks from onset of the long surge window (output_value_36m; "
        "weeks; assumption: three years, the span of Europe's 155 mm ramp after 2022, A8)",
    )
    onset_region: str | None = field(
        None, description="region whose first crisis the surge metrics count from (default: the "
        "first scripted crisis, else the first an adversary starts); a scenario with a running war "
        "and a later contingency names the contingency's region",
    )
    pre_crisis_window_weeks: int = field(
        13, ge=2, description="weeks before onset averaged for the pre-crisis output level "
        "(weeks; assumption: a quarter)",
    )
