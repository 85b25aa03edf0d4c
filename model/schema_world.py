"""Scenario schema of the world: nations, items (systems and components), producers.

Source keys are listed in ``docs/sources.md``; every field with its source is in
``docs/parameters.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from .schema_base import Classification, Strict, field
from .schema_industry import ExpansionOverride
from .summation import plain_sum


class Goals(Strict):
    """Weights on the four goals of cooperation rated in the CSIS survey (A1)."""

    domestic_capacity: float = field(0.4, ge=0.0, le=1.0, description="weight; A1 main interest")
    deterrence: float = field(0.3, ge=0.0, le=1.0, description="weight; A1")
    interoperability: float = field(0.2, ge=0.0, le=1.0, description="weight; A1")
    regional_capacity: float = field(0.1, ge=0.0, le=1.0, description="weight; A1 ('nearly half')")


class Nation(Strict):
    """A government that holds stocks, consumes, and buys (docs/ODD.md §2, 'Nation')."""

    name: str = field(..., description="display name")
    region: str = field(..., description="home region, a key of the scenario's regions")
    rdp_mou: bool = field(False, description="holds a Reciprocal Defense Procurement MOU (P1)")
    groups: tuple[str, ...] = field((), description="initiative memberships (nato, nato_plus, aukus, ...)")
    goals: Goals = field(Goals(), description="survey goal weights (A1)")
    released: tuple[str, ...] = field(
        (), description="US items whose technology release (TSFD) this nation already holds in "
        "the scenario's first week: a repeat buy of one skips the review, a first-of-kind sale "
        "or a new configuration (another item key) pays it (docs/ODD.md §7; P125, P126: an "
        "earlier decision is the baseline reused; each entry's source in the scenario comment)",
    )
    budget_musd_per_year: float = field(
        1000.0, ge=0.0, description="procurement budget for the modelled items ($M/yr; assumption)"
    )
    understanding: float = field(
        0.31, ge=0.0, le=1.0,
        description="how well officials understand US processes (0–1; A1: 4/13 confident)",
    )
    export_control_time_factor: float = field(
        1.0, ge=0.0, description="multiplier on partner_export_control time (unitless; assumption)"
    )
    stocks: dict[str, float] = field({}, description="initial stock per item (units)")
    requirements: dict[str, float] = field({}, description="stock objective per item (units)")
    peacetime_use_per_week: dict[str, float] = field(
        {}, description="training/test consumption per item (units/week)"
    )
    posture: dict[str, float] = field(
        {}, description="share of the nation's stock held in each region, its posture (fractions "
        "summing to 1; deliveries refill the region furthest below its share); empty = all at "
        "home (assumption unless the scenario cites one)",
    )
    lift_share_per_week: float = field(
        0.05, ge=0.0, le=1.0,
        description="share of its stock held in a region that its lift can send toward a theatre "
        "each week; stock t weeks away counts min(1, share x (warning - t)) toward a theatre's "
        "capability within an adversary's warning time, and reinforces a crisis at this rate "
        "(share/week; assumption: lift is shared with forces' equipment, so from four weeks "
        "away a fifth of stock arrives within eight weeks)",
    )
    reorder_point: float = field(
        0.9, ge=0.0, le=1.0,
        description="order when stock + pipeline falls below this share of requirement (assumption)",
    )
    sales_channels: dict[str, tuple[Literal["fms", "dcs"], ...]] = field(
        {},
        description="system → the routes by which this nation may buy it from the US (fms, dcs), "
        "replacing the item's sales_channels for this buyer (assumption per entry unless cited)",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> "Nation":
        negative = [r for r, v in self.posture.items() if v < 0]
        if negative:
            raise ValueError(f"posture share of '{negative[0]}' is negative ({self.posture[negative[0]]})")
        if self.posture and abs(plain_sum(self.posture.values()) - 1.0) > 1e-6:
            raise ValueError(f"posture shares must sum to 1 (got {plain_sum(self.posture.values())})")
        return self


class Coproduction(Strict):
    """How a licensed coproduction line of a system is stood up (docs/ODD.md §3, step 5)."""

    line_capacity_per_week: float = field(
        10.0, gt=0.0, description="capacity of a new licensed line at full learning (units/week)"
    )
    build_weeks: int = field(
        104, ge=0, description="line build after licence (weeks; A4 18–24 mo; P72 GMLRS ~2 yr)"
    )
    learning_initial: float = field(
        0.3, gt=0.0, le=1.0, description="efficiency of a new line in its first week (assumption)"
    )
    learning_weeks: float = field(
        26.0, gt=0.0, description="time constant of the learning curve (weeks; assumption)"
    )
    us_content_share: float = field(
        0.5, ge=0.0, le=1.0, description="US content in licensed output (share of value; assumption)"
    )
    ceiling_multiple: float = field(
        2.0, ge=1.0,
        description="physical ceiling of a new licensed line as a multiple of its initial "
        "capacity (×; assumption: room for one doubling by the licensee's own expansions)",
    )


class Item(Strict):
    """A system or a component with its bill of materials (docs/ODD.md §2, 'System / component')."""

    name: str = field(..., description="display name")
    kind: str = field("system", pattern="^(system|component)$", description="system or component")
    unit_cost_musd: float = field(..., ge=0.0, description="unit cost ($M)")
    technology_level: int = field(1, ge=1, le=5, description="1 commodity … 5 most sensitive")
    classification: Classification = field("unclassified", description="marking of its data")
    major_defense_equipment: bool = field(True, description="MDE under AECA (notification thresholds)")
    bill_of_materials: dict[str, float] = field(
        {}, description="component key → quantity per unit (units)"
    )
    deterrence_weight: float = field(
        0.0, ge=0.0, description="forward capability per unit held (capability points; assumption)"
    )
    deterrence_family: Literal["strike", "defence"] = field(
        "strike", description="the adversary's requirement its points count toward: 'strike' = "
        "long-range strike and anti-ship missiles, scored against campaign_requirement; 'defence' = "
        "interceptors, scored against interceptor_requirement; an adversary without an interceptor "
        "requirement counts both against its one requirement (family; A5 counts missiles of the "
        "strike kind)"
    )
    sales_channels: tuple[Literal["fms", "dcs"], ...] = field(
        ("fms", "dcs"), min_length=1,
        description="how the US sells it abroad; some systems go by FMS only (assumption per item)",
    )
    coproduction: Coproduction | None = field(None, description="null = not offered for licence")
    us_controlled_stock_share: float | None = field(
        None, ge=0.0, le=1.0,
        description="share of an ally's week-0 stock of the item under US re-transfer control "
        "(share); null = 1 for a system a US line makes (bought from the US or made under US "
        "licence) and 0 otherwise (assumption)",
    )
    expansion_profile: str | None = field(
        None,
        description="default expansion profile of plants making it (a key of "
        "industry.expansion_profiles); null = 'system_line' for systems, 'component' otherwise",
    )
    source: str = field("assumption", description="citation for the figures above")


class PlannedExpansion(Strict):
    """A scripted change of a line's capacity or ceiling, e.g. a plant opening."""

    week: int = field(..., ge=0, description="week the change takes effect")
    add_capacity_per_week: float = field(0.0, ge=0.0, description="capacity added (units/week)")
    add_ceiling_per_week: float = field(0.0, ge=0.0, description="ceiling added (units/week)")


class Producer(Strict):
    """A firm's line in one nation making one item (docs/ODD.md §2, 'Producer')."""

    nation: str = field(..., description="ISO3 code of the nation where the line stands")
    item: str = field(..., description="key of the item it makes")
    capacity_per_week: float = field(..., ge=0.0, description="output at full efficiency (units/week)")
    ceiling_per_week: float = field(..., ge=0.0, description="physical ceiling (units/week)")
    efficiency: float = field(1.0, gt=0.0, le=1.0, description="initial learning efficiency (0–1)")
    active_from_week: int = field(0, ge=0, description="first producing week (week)")
    expansion_profile: str | None = field(
        None, description="expansion profile (a key of industry.expansion_profiles); null = its item's"
    )
    expansion: ExpansionOverride | None = field(
        None, description="fields set here override the profile's for this plant (calibrations)"
    )
    planned_expansions: tuple[PlannedExpansion, ...] = field((), description="scripted changes")
    suppliers: dict[str, tuple[str, ...]] = field(
        {},
        description="component key → producer ids in order of preference, or one id: the line "
        "orders from the first supplier with room (its deliverable rate over the line's input "
        "cover, less its backlog) and an open link, then down the list; the first link of a line "
        "present at week 0 is already licensed (assumption: list domestic plants first, then "
        "allies', then the US's)",
    )
    input_cover_weeks: float = field(
        6.0, ge=0.0, description="input inventory target (weeks of production; assumption)"
    )
    initial_input_weeks: float = field(
        6.0, ge=0.0, description="input inventory at start (weeks of production; assumption)"
    )
    initial_backlog_weeks: float | None = field(
        None, ge=0.0,
        description="order book of a system line at week 0 from contracts placed before the run, "
        "in weeks of output, owned by the modelled buyers of its item; null = "
        "warm_start.order_book_weeks; ignored for components and for lines that open after "
        "week 0 (weeks; A4: munitions order books run one to several years)",
    )
    licensor: str | None = field(None, description="producer id of the licensor (coproduction)")
    licence_held: str | None = field(
        None,
        description="for a licensed line (licensor set): the source saying its licence was granted "
        "before the run, so it needs no licence case; null = the line seeks its licence at week 0 "
        "through the same stages as a licence sought in the run (releasability, technology "
        "release, technical-assistance agreement) and opens no earlier than the licence plus the "
        "item's build_weeks (text: citation)",
    )
    owner: str | None = field(None, description="ISO3 of a foreign owner (investment review)")
    us_content_share: float = field(
        0.0, ge=0.0, le=1.0, description="US-origin share of the value of its output (share)"
    )
    source: str = field("assumption", description="citation for capacity and ceiling")

    @field_validator("suppliers", mode="before")
    @classmethod
    def _one_supplier_is_a_list_of_one(cls, value):
        if isinstance(value, dict):
            return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _licence_needs_a_licensor(self) -> "Producer":
        if self.licence_held is not None and self.licensor is None:
            raise ValueError("licence_held is given but the line has no licensor")
        return self

    @model_validator(mode="after")
    def _ceiling_covers_capacity(self) -> "Producer":
        if self.ceiling_per_week < self.capacity_per_week:
            raise ValueError(
                f"ceiling_per_week ({self.ceiling_per_week}) is below "
                f"capacity_per_week ({self.capacity_per_week})"
            )
        return self
