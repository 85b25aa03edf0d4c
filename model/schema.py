"""The scenario: the one thing a planner edits (docs/ODD.md §2, 'Scenarios').

A scenario holds the world (regions, groups, nations, items, producers), the barrier settings,
the policies, the crisis (scripted or left to adversaries), the horizon and an optional sweep.
Cross-references (a producer's nation, a supplier's item, a group in an exemption list, a
nation's region) are checked here against the scenario's own declarations, so that a run never
starts on a broken world; each problem is one line naming the field and the known values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic.fields import FieldInfo

from .barriers import Barriers
from .schema_adversary import Adversary
from .schema_barriers import Pipeline, Policies
from .schema_base import DERIVED_GROUPS, Strict, field
from .schema_industry import Industry
from .schema_start import WarmStart
from .schema_structure import GroupSpec, Measurement, RegionSpec
from .schema_sustainment import Sustainment
from .schema_sweep import Sweep
from .schema_world import Item, Nation, Producer


class ScriptedCrisis(Strict):
    """A demand surge at a given week, e.g. a partner at war drawing on allied stocks (2022)."""

    region: str = field(..., description="theater of the crisis, a key of the scenario's regions")
    start_week: int = field(..., ge=0, description="onset (week)")
    duration_weeks: int = field(156, ge=1, description="length (weeks; A5: mean war ~15 months, major-power wars 36–52 months)")
    consumption_per_week: dict[str, float] = field(
        ..., description="theater consumption per item drawn from donors' stocks (units/week)"
    )
    donors: tuple[str, ...] = field(
        (), description="ISO3/groups whose stocks feed the theater; empty = region's nations + USA"
    )
    requirement_multiplier: float = field(
        2.0, ge=1.0, description="donors' stock objectives during the crisis (×; assumption; A10: PAC-3 objective ×4)"
    )
    budget_multiplier: float = field(
        2.0, ge=1.0, description="donors' budgets during the crisis, a supplemental (×; assumption)"
    )
    recipient: str | None = field(
        None,
        description="ISO3 of a nation outside the modelled world that the donors' draws go to "
        "(e.g. UKR): a donation, so allied stock with US-controlled content needs re-transfer "
        "consent (P132, P133); null = the donors use their own stocks",
    )
    consents_held_at_start: bool = field(
        False,
        description="donors' re-transfer consents already cover their tainted holdings when the "
        "run starts (a war under way before week 0; P132: requests approved since 2022)",
    )


class Sourcing(Strict):
    """How nations choose sources and learn delivery times (docs/ODD.md §3, step 3)."""

    delivery_norm_weeks: float = field(
        52.0, gt=0.0, description="delivery time that costs one unit of utility (weeks; assumption)"
    )
    choice_temperature: float = field(
        0.1, gt=0.0, description="logit temperature of the source choice (utility; assumption)"
    )
    learning_rate: float = field(
        0.3, ge=0.0, le=1.0, description="weight of a new observation in expected delay (assumption)"
    )
    coproduction_min_domestic_weight: float = field(
        0.35, ge=0.0, le=1.0, description="domestic-capacity weight at which a nation seeks a licence"
    )
    coproduction_min_budget_musd: float = field(
        500.0, ge=0.0, description="budget a licensee needs to stand up a line ($M/yr; assumption)"
    )
    coproduction_min_need_share: float = field(
        0.25, ge=0.0,
        description="a licence is sought only when a year's need (use plus shortfall) is at least "
        "this share of a new line's yearly output (share; assumption)",
    )
    coproduction_seek_probability: float = field(
        0.02, ge=0.0, le=1.0, description="weekly chance an eligible nation seeks a licence (assumption)"
    )
    fms_assurance_bonus: float = field(
        0.1, ge=0.0, le=1.0,
        description="utility of buying government-to-government: US contracting, total package, "
        "familiarity (A1: all respondents understand FMS, 4/13 ITAR) (utility; assumption)",
    )
    crisis_urgency: float = field(
        2.0, ge=1.0, description="weight on delivery time while the buyer is in a crisis (×; assumption)"
    )
    crisis_seek_multiplier: float = field(
        3.0, ge=1.0, description="licence-seeking rate while the nation is in a crisis (×; assumption)"
    )
    min_order_share: float = field(
        0.02, ge=0.0, le=1.0, description="smallest order worth placing, share of requirement (assumption)"
    )
    initial_budget_share: float = field(
        0.5, ge=0.0, le=1.0, description="unspent budget at week 0, share of a year's (assumption)"
    )
    us_buys_allied: bool = field(
        True, description="the US government may buy from allied producers (through domestic_content)"
    )
    demand_rule: Literal["shortfall_value", "priority_weights"] = field(
        "shortfall_value",
        description="how a nation divides the week's budget among the systems below their reorder "
        "point: 'shortfall_value' pro rata to each system's shortfall × unit cost (every short "
        "system gets the same share of what it lacks); 'priority_weights' pro rata to "
        "sourcing.priority_weights, no system above its shortfall value, the rest shared again "
        "(assumption: a planner funds every gap in proportion; weights are a reviewer's "
        "alternative). Money earmarked for a system waits until it buys a minimum order, so no "
        "system is dropped; the order of items in the lists changes nothing",
    )
    priority_weights: dict[str, float] = field(
        {},
        description="item → weight of its budget share under demand_rule 'priority_weights'; "
        "items not named weigh 1 (weight; assumption)",
    )
    us_content_aversion: float = field(
        0.0, ge=0.0, le=1.0,
        description="utility a buyer gives up per unit of US-controlled content share in what it "
        "buys (US-made = 1): the survey's 'ITAR-free' preference for freedom to re-export (A1); "
        "0 = weighed only through the expected re-transfer delay (utility; assumption)",
    )


class Scenario(Strict):
    """A complete, resolved scenario. Produced by :func:`model.loader.load_scenario`."""

    name: str = field(..., description="scenario name (used for results folders)")
    description: str = field("", description="what the scenario represents")
    question: str = field("", description="the question it answers")
    start_date: str = field("2026-01-05", description="calendar date of week 0 (label only)")
    horizon_weeks: int = field(260, ge=1, le=2600, description="length of a run (weeks; DESIGN 5 years)")
    regions: dict[str, RegionSpec] = field(
        ..., min_length=1, description="region key → theatre; every region named elsewhere must be declared here"
    )
    groups: dict[str, GroupSpec] = field(
        {}, description="group key → group of nations that barriers, policies and priority classes "
        "name; rdp_mou and allies are derived from nations and need no declaration",
    )
    transit_weeks: dict[str, dict[str, float]] = field(
        ..., description="shipping time between every pair of declared regions (weeks; assumption)"
    )
    nations: dict[str, Nation] = field(..., description="ISO3 code → nation")
    items: dict[str, Item] = field(..., description="item key → system or component")
    producers: dict[str, Producer] = field(..., description="producer id → line")
    barriers: Barriers = field(Barriers(), description="the regulatory pipeline")  # type: ignore[valid-type]
    policies: Policies = field(Policies(), description="reform levers")
    pipeline: Pipeline = field(Pipeline(), description="returns and resubmission")
    sourcing: Sourcing = field(Sourcing(), description="buyer behaviour")
    crises: tuple[ScriptedCrisis, ...] = field((), description="scripted crises")
    adversaries: dict[str, Adversary] = field({}, description="contested region → adversary")
    warm_start: WarmStart = field(WarmStart(), description="what is in flight at week 0")
    industry: Industry = field(
        Industry(), description="constants of production and supply, deliverable capacity and plant expansion"
    )
    measurement: Measurement = field(Measurement(), description="windows of the run metrics")
    sustainment: Sustainment = field(Sustainment(), description="depot recertification of stocks")
    sweep: Sweep | None = field(None, description="optional sweep for the experiment engine")

    @model_validator(mode="after")
    def _references_resolve(self) -> "Scenario":
        problems = _reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def systems(self) -> list[str]:
        """Keys of the items that are systems, in file order."""
        return [k for k, it in self.items.items() if it.kind == "system"]


def use_barriers(model: type[Strict]) -> None:
    """Give the scenario's ``barriers`` block a new model (the barrier registry changed)."""
    old = Scenario.model_fields["barriers"]
    Scenario.__pydantic_fields__["barriers"] = FieldInfo.from_annotated_attribute(
        model, field(model(), description=old.description or ""))
    Scenario.model_rebuild(force=True)


def _reference_problems(s: Scenario) -> list[str]:
    """Every cross-reference that does not resolve, as 'path: message' strings."""
    out: list[str] = []
    groups = tuple(s.groups) + DERIVED_GROUPS
    tokens = set(s.nations) | set(groups)
    if "USA" not in s.nations:
        out.append("nations: the United States (USA) must be present")
    out += _structure_problems(s)
    for iso, n in s.nations.items():
        out += _region_problems(s, f"nations.{iso}.region", (n.region,))
        out += _region_problems(s, f"nations.{iso}.posture", tuple(n.posture))
        out += _token_problems(f"nations.{iso}.groups", n.groups, set(groups), groups, "group")
        for item, routes in n.sales_channels.items():
            if item not in s.items or s.items[item].kind != "system":
                out.append(f"nations.{iso}.sales_channels.{item}: not a system item")
            elif not routes:
                out.append(f"nations.{iso}.sales_channels.{item}: empty (list fms, dcs or both)")
        for key in ("stocks", "requirements", "peacetime_use_per_week", "released"):
            for item in getattr(n, key):
                if item not in s.items:
                    out.append(f"nations.{iso}.{key}.{item}: unknown item")
    for key, it in s.items.items():
        for comp in it.bill_of_materials:
            if comp not in s.items or s.items[comp].kind != "component":
                out.append(f"items.{key}.bill_of_materials.{comp}: not a component item")
    for pid, p in s.producers.items():
        out += _producer_problems(s, pid, p)
    for name, b in s.barriers:  # type: ignore[attr-defined]  # the registry-built block
        out += _token_problems(f"barriers.{name}", list(b.exempt) + [m for ft in b.fast_track for m in ft.members],
                               tokens, groups, "nation or group")
    out += _token_problems("policies.grouped_fms_members", s.policies.grouped_fms_members, tokens, groups,
                           "nation or group")
    for i, pc in enumerate(s.policies.allocation.classes):
        for key in ("members", "firms_in"):
            out += _token_problems(f"policies.allocation.classes.{i}.{key}", getattr(pc, key), tokens, groups,
                                   "nation or group")
    for i, c in enumerate(s.crises):
        out += _region_problems(s, f"crises.{i}.region", (c.region,))
        for item in c.consumption_per_week:
            if item not in s.items:
                out.append(f"crises.{i}.consumption_per_week.{item}: unknown item")
        out += _token_problems(f"crises.{i}.donors", c.donors, tokens, groups, "nation or group")
        if c.recipient is not None and c.recipient in s.nations:
            out.append(f"crises.{i}.recipient: '{c.recipient}' is a modelled nation (name a third "
                       "country outside the world, or leave it null)")
    out += _region_problems(s, "adversaries", tuple(s.adversaries))
    if s.measurement.onset_region is not None:
        out += _region_problems(s, "measurement.onset_region", (s.measurement.onset_region,))
    weighted = {it.deterrence_family for it in s.items.values() if it.deterrence_weight > 0}
    for region, adv in s.adversaries.items():
        for item in adv.crisis.consumption_per_week:
            if item not in s.items:
                out.append(f"adversaries.{region}.crisis.consumption_per_week.{item}: unknown item")
        for fam, key in (("strike", "campaign_requirement"), ("defence", "interceptor_requirement")):
            if adv.interceptor_requirement is not None and fam not in weighted:
                out.append(f"adversaries.{region}.{key}: {getattr(adv, key)} is scored in no item "
                           f"(give an item deterrence_family '{fam}' and a deterrence_weight above 0)")
    out += _industry_problems(s, tokens)
    for item, w in s.sourcing.priority_weights.items():
        if item not in s.items or s.items[item].kind != "system":
            out.append(f"sourcing.priority_weights.{item}: not a system item")
        elif w < 0:
            out.append(f"sourcing.priority_weights.{item}: weight {w} must be >= 0")
    out += _sustainment_problems(s, tokens, groups)
    return out


def _sustainment_problems(s: Scenario, tokens: set[str], groups: tuple[str, ...]) -> list[str]:
    """Sustainment, RSF, ITAR-free and intra-European settings that name nothing, or a
    design-out that cannot be.
    """
    out = _region_problems(s, "sustainment.depot_region", (s.sustainment.depot_region,))
    for item, share in s.sustainment.recertification_share_per_year.items():
        if item not in s.items:
            out.append(f"sustainment.recertification_share_per_year.{item}: unknown item")
        elif not 0.0 <= share <= 1.0:
            out.append(f"sustainment.recertification_share_per_year.{item}: {share} is not a share in [0, 1]")
    pec = s.barriers.partner_export_control  # type: ignore[attr-defined]  # the registry-built block
    out += _token_problems("barriers.partner_export_control.general_licence_members",
                           pec.general_licence_members, tokens, groups, "nation or group")
    for i, d in enumerate(pec.de_minimis):
        out += _token_problems(f"barriers.partner_export_control.de_minimis.{i}.members", d.members,
                               tokens, groups, "nation or group")
    if s.policies.rsf_sustainment.enabled:
        out += _token_problems("policies.rsf_sustainment.members", s.policies.rsf_sustainment.members,
                               tokens, groups, "nation or group")
    for i, d in enumerate(s.policies.itar_free):
        p = s.producers.get(d.producer)
        where = f"policies.itar_free.{i}.producer"
        if p is None:
            out.append(f"{where}: unknown producer '{d.producer}'")
        elif p.nation == "USA":
            out.append(f"{where}: '{d.producer}' is a US line (only an allied line can design out US content)")
        else:
            us = [sup for sups in p.suppliers.values() for sup in sups
                  if sup in s.producers and s.producers[sup].nation == "USA"]
            if us:
                out.append(f"{where}: '{d.producer}' still buys from the US line '{us[0]}' "
                           "(give it non-US suppliers to design out US content)")
    return out


def _industry_problems(s: Scenario, tokens: set[str]) -> list[str]:
    """Expansion profiles and investments that name nothing in the scenario."""
    out = []
    profiles = s.industry.expansion_profiles
    known = ", ".join(profiles)
    for kind, mapping in (("items", s.items), ("producers", s.producers)):
        for key, spec in mapping.items():
            if spec.expansion_profile is not None and spec.expansion_profile not in profiles:
                out.append(f"{kind}.{key}.expansion_profile: unknown profile "
                           f"'{spec.expansion_profile}' (known: {known})")
    for i, inv in enumerate(s.industry.investments):
        for pid in inv.producers:
            if pid not in s.producers:
                out.append(f"industry.investments.{i}.producers: unknown producer '{pid}'")
        for item in inv.items:
            if item not in s.items:
                out.append(f"industry.investments.{i}.items: unknown item '{item}'")
        for tok in inv.members:
            if tok not in tokens:
                out.append(f"industry.investments.{i}.members: unknown nation or group '{tok}'")
    return out


def _structure_problems(s: Scenario) -> list[str]:
    """The transit matrix covers exactly the declared regions; group keys are not nations."""
    out = []
    for r, row in s.transit_weeks.items():
        out += _region_problems(s, "transit_weeks", (r,))
        out += _region_problems(s, f"transit_weeks.{r}", tuple(row))
    for r in s.regions:
        for r2 in s.regions:
            if r2 not in s.transit_weeks.get(r, {}):
                out.append(f"transit_weeks.{r}.{r2}: missing (every pair of declared regions needs a time)")
    for g in s.groups:
        if g in s.nations or g in DERIVED_GROUPS:
            what = "a nation's ISO3 code" if g in s.nations else "derived from nations' fields"
            out.append(f"groups.{g}: the key is {what}; choose another")
    return out


def _region_problems(s: Scenario, path: str, regions: tuple[str, ...]) -> list[str]:
    known = ", ".join(s.regions)
    return [f"{path}: unknown region '{r}' (known: {known})" for r in regions if r not in s.regions]


def _token_problems(path: str, tokens, known: set[str], groups: tuple[str, ...], what: str) -> list[str]:
    listed = ", ".join(groups) if what == "group" else f"ISO3 codes of the nations or groups {', '.join(groups)}"
    return [f"{path}: unknown {what} '{t}' (known: {listed})" for t in tokens if t not in known]


def _producer_problems(s: Scenario, pid: str, p: Producer) -> list[str]:
    out = []
    if p.nation not in s.nations:
        out.append(f"producers.{pid}.nation: unknown nation '{p.nation}'")
    if p.item not in s.items:
        out.append(f"producers.{pid}.item: unknown item '{p.item}'")
        return out
    for comp, sups in p.suppliers.items():
        if comp not in s.items[p.item].bill_of_materials:
            out.append(f"producers.{pid}.suppliers.{comp}: not in the bill of materials of '{p.item}'")
        if not sups:
            out.append(f"producers.{pid}.suppliers.{comp}: empty list (name at least one producer)")
        for i, sup in enumerate(sups):
            where = f"producers.{pid}.suppliers.{comp}" + (f".{i}" if len(sups) > 1 else "")
            if sup not in s.producers:
                out.append(f"{where}: unknown producer '{sup}'")
            elif s.producers[sup].item != comp:
                out.append(f"{where}: producer '{sup}' makes '{s.producers[sup].item}'")
            elif sup in sups[:i]:
                out.append(f"{where}: producer '{sup}' listed twice")
    if p.licensor is not None and p.licensor not in s.producers:
        out.append(f"producers.{pid}.licensor: unknown producer '{p.licensor}'")
    if p.owner is not None and p.owner not in s.nations:
        out.append(f"producers.{pid}.owner: unknown nation '{p.owner}'")
    return out
