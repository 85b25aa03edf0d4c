"""The barriers of docs/ODD.md §7 as plug-ins, and the one registry from scenario key to class.

Each class says which cases it applies to and, where the regulation has its own rule, how
time and denial are drawn; it declares its scenario key, its settings model (the ten built-in
ones are in ``model/schema_barriers.py``, with the sources of their defaults), a short
description and its stage position, and :func:`register` adds it. Everything else follows
from the registry: the pipeline's stages and their order (:data:`BARRIERS`), the scenario
schema's ``barriers`` block (:data:`Barriers`, built here) and so ``docs/parameters.md``.
Adding a barrier is one registered class (and its test); see ``tests/test_barrier_plugin.py``.
"""

from __future__ import annotations

import math

from pydantic import create_model

from . import fms
from . import schema_barriers as cfg
from .barrier_base import Barrier
from .cases import SALES, Case, CaseKind
from .schema_base import CLASSIFICATION_RANK, Strict, field

#: Scenario key → barrier class, in stage order (the order a case meets the stages).
BARRIERS: dict[str, type[Barrier]] = {}
#: The ``barriers`` schema block built for each set of barriers (so unregistering a plug-in
#: brings back the very class the scenario schema had).
_MODELS: dict[tuple[type[Barrier], ...], type[Strict]] = {}


def register(cls: type[Barrier]) -> type[Barrier]:
    """Add a barrier plug-in to the registry and to the scenario schema (a class decorator).

    Raises:
        ValueError: when the key or the stage position is taken, or a declaration is missing.
    """
    problems = [f"{what} is missing" for what, ok in (
        ("a key (an identifier)", cls.key.isidentifier()), ("a description", cls.description),
        ("a BarrierSettings settings_model", issubclass(cls.settings_model, cfg.BarrierSettings)),
    ) if not ok]
    taken = {b.stage: k for k, b in BARRIERS.items()}
    if cls.key in BARRIERS:
        problems.append(f"key '{cls.key}' is registered already")
    elif cls.stage in taken:
        problems.append(f"stage {cls.stage} is taken by '{taken[cls.stage]}'")
    if problems:
        raise ValueError(f"barrier {cls.__name__}: " + "; ".join(problems))
    _order({**BARRIERS, cls.key: cls})
    return cls


def unregister(key: str) -> None:
    """Remove a barrier from the registry and the scenario schema (for tests and plug-ins)."""
    if key not in BARRIERS:
        raise KeyError(f"unknown barrier '{key}' (known: {', '.join(BARRIERS)})")
    _order({k: b for k, b in BARRIERS.items() if k != key})


def _order(barriers: dict[str, type[Barrier]]) -> None:
    BARRIERS.clear()
    BARRIERS.update(sorted(barriers.items(), key=lambda kv: kv[1].stage))
    if _MODELS:  # the built-in ten are registered before the schema block is first built
        _rebuild_schema()


def barriers_model() -> type[Strict]:
    """The scenario schema's ``barriers`` block: one field per registered barrier, in stage
    order, defaulting to the barrier's settings model (built once per set of barriers).
    """
    plugins = tuple(BARRIERS.values())
    if plugins not in _MODELS:
        fields = {b.key: (b.settings_model, field(b.settings_model(), description=b.description))
                  for b in plugins}
        _MODELS[plugins] = create_model(  # type: ignore[call-overload]  # fields built at run time
            "Barriers", __base__=Strict, __module__=__name__,
            __doc__="The barriers of docs/ODD.md §7, in the order a case meets them.", **fields)
    return _MODELS[plugins]


def _rebuild_schema() -> None:
    global Barriers  # noqa: PLW0603 - the schema module re-reads the rebuilt block
    from .schema import use_barriers  # the scenario schema imports this module

    Barriers = barriers_model()
    use_barriers(Barriers)


_US_SALES = (CaseKind.FMS_SALE, CaseKind.DCS_SALE)


def _rsf_blanket(world, case: Case) -> bool:
    """A sustainment licence of an RSF partner under blanket approval (``policies.rsf_sustainment``)."""
    rsf = world.policies.rsf_sustainment
    return (case.kind is CaseKind.SUSTAINMENT_LICENCE and rsf.blanket_approval
            and world.member(case.buyer, rsf.members))


def _into_us_programme(case: Case) -> bool:
    """A foreign good entering a US government programme: a direct buy, or a component for a
    US line (the component test of Buy American applies to what the line delivers).
    """
    if case.kind is CaseKind.US_GOV_PURCHASE:
        return True
    return case.kind is CaseKind.COMPONENT_SUPPLY and case.buyer == "USA" and case.seller != "USA"


@register
class ExportLicence(Barrier):
    """ITAR DSP-5: US-origin hardware and technical data leaving the US: direct commercial
    sales, components, and the maintenance and recertification data of a sustainment licence
    (22 CFR 123, 125; waived for RSF partners under blanket approval).

    The exemptions (Canada; AUKUS partners) do not cover sales above the congressional
    notification value when ``exemption_capped_at_notification`` holds (P25).
    """

    key = "export_licence"
    settings_model = cfg.ExportLicence
    description = "ITAR DSP-5"
    label = "ITAR export licence (DSP-5)"
    stage = 90

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return case.seller == "USA" and case.buyer != "USA" and case.kind in (
            CaseKind.DCS_SALE, CaseKind.COMPONENT_SUPPLY, CaseKind.SUSTAINMENT_LICENCE)

    def exempt(self, case: Case, week: int) -> bool:
        """Whether the case skips this stage (the exemption rule in the class docstring)."""
        if _rsf_blanket(self.world, case):
            return True
        if not super().exempt(case, week):
            return False
        if self.s.exemption_capped_at_notification and case.kind in _US_SALES:
            return case.value_musd < self.world.notification_threshold(case.partner)
        return True


@register
class TechnicalAssistance(Barrier):
    """TAA / manufacturing licence agreement: sharing technical data for a licensed line, or
    maintenance and recertification data for a partner's depot (waived for RSF partners under
    blanket approval).
    """

    key = "technical_assistance"
    settings_model = cfg.TechnicalAssistance
    description = "TAA/MLA"
    label = "ITAR technical assistance agreement (TAA/MLA)"
    stage = 60

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return case.seller == "USA" and case.kind in (CaseKind.COPRODUCTION_LICENCE,
                                                      CaseKind.SUSTAINMENT_LICENCE)

    def exempt(self, case: Case, week: int) -> bool:
        """Whether the case skips this stage (the exemption rule in the class docstring)."""
        return _rsf_blanket(self.world, case) or super().exempt(case, week)


@register
class TechnologyRelease(Barrier):
    """TSFD / LO-CLO / anti-tamper review of advanced US items, for sales, licences and the
    first supply of an advanced US component to a nation (later licences of a released
    component, and the components of a licensed system, need no new release).

    Design for exportability (policy) shortens the review (A1 recommendation 5).
    """

    key = "technology_release"
    settings_model = cfg.TechnologyRelease
    description = "TSFD"
    label = "US technology release review (TSFD)"
    stage = 50

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        if case.seller != "USA" or case.buyer == "USA":
            return False
        if case.kind is CaseKind.COMPONENT_SUPPLY:
            if not case.new_technology:
                return False
        elif case.kind not in _US_SALES and case.kind is not CaseKind.COPRODUCTION_LICENCE:
            return False
        return self.world.items[case.item].technology_level >= self.s.min_technology_level

    def time_factor(self, case: Case, week: int) -> float:
        """Multiplier on the drawn processing time (the rule in the class docstring)."""
        f = super().time_factor(case, week)
        if self.world.policies.design_for_exportability:
            f *= self.world.policies.exportability_time_factor
        return f


@register
class FmsCase(Barrier):
    """Foreign Military Sales from letter of request to contract award, in stages: LOR → LOA
    (case development, congressional notification inside it), LOA → contract (``model/fms.py``;
    P12, P108, A2, A5, P18).

    Grouped review for the policy's members divides both times (A1 recommendation 1);
    multi-year procurement of the item shortens contracting.
    """

    key = "fms_case"
    settings_model = cfg.FmsCase
    description = "FMS LOR to contract"
    label = "Foreign Military Sales case (FMS)"
    stage = 70

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return case.kind is CaseKind.FMS_SALE

    def time_factor(self, case: Case, week: int) -> float:
        """Multiplier on the drawn processing time (the rule in the class docstring)."""
        f = super().time_factor(case, week)
        pol = self.world.policies
        if pol.grouped_fms_review and self.world.member(case.partner, pol.grouped_fms_members):
            f *= pol.grouped_fms_time_factor
        return f

    def plan(self, case: Case, week: int) -> tuple[float, float]:
        """Processing time (days) and denial probability for this case (the class docstring's rule)."""
        z_dev, z_con = self.rng.standard_normal(2)
        development = self.s.median_days * math.exp(self.s.spread * z_dev) * self.time_factor(case, week)
        contracting = (self.s.contracting_median_days * math.exp(self.s.contracting_spread * z_con)
                       * fms.contracting_factor(self, case, week))
        return fms.plan_case(self, case, week, development, contracting)

    def nominal_days(self, case: Case, week: int) -> float:
        """The stage's time from its medians, notification included (a buyer's prior)."""
        return fms.nominal_days(self, case.notice, case, week)


@register
class CongressionalReview(Barrier):
    """AECA §36 notification of sales of major defense equipment above the thresholds.

    NATO+ partners have higher thresholds and 15-day reviews; thresholds may be indexed for
    inflation since FY2003 (A1: 11% of 2023 notifications would have been spared).
    """

    key = "congressional_review"
    settings_model = cfg.CongressionalReview
    description = "AECA §36"
    label = "congressional review of arms sales (AECA §36)"
    stage = 80

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        if case.kind not in _US_SALES or not self.world.items[case.item].major_defense_equipment:
            return False
        return case.value_musd >= self.world.notification_threshold(case.partner)

    def plan(self, case: Case, week: int) -> tuple[float, float]:
        """Processing time (days) and denial probability for this case (the class docstring's rule)."""
        z = self.rng.standard_normal()
        median = self.s.nato_plus_median_days if self.world.nato_plus(case.partner) else self.s.median_days
        days = median * math.exp(self.s.spread * z) * self.time_factor(case, week)
        return days, self.s.denial_probability


@register
class ThirdPartyTransfer(Barrier):
    """Re-transfer consent: allied-made goods with US content sold to a third country, and
    allied stock with US-controlled content donated to a third country (``model/retransfer.py``).
    """

    key = "third_party_transfer"
    settings_model = cfg.ThirdPartyTransfer
    description = "re-transfer"
    label = "US consent to third-party transfer"
    stage = 100

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return (
            case.kind in (CaseKind.ALLIED_SALE, CaseKind.COMPONENT_SUPPLY, CaseKind.RETRANSFER)
            and case.seller != "USA"
            and case.buyer != "USA"
            and case.us_content_share > self.s.min_us_content_share
        )


@register
class DomesticContent(Barrier):
    """Buy American / Berry on US government buys from foreign producers and on foreign
    components entering US lines.

    An RDP MOU partner's offer is waived through when the program office honours the MOU
    (``waiver_honoured_probability``, A1: about half are wary); otherwise the offer faces the
    full determination time and the denial probability of a non-qualifying country.
    """

    key = "domestic_content"
    settings_model = cfg.DomesticContent
    description = "Buy American"
    label = "Buy American domestic-content rule"
    stage = 20

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return _into_us_programme(case)

    def plan(self, case: Case, week: int) -> tuple[float, float]:
        """Processing time (days) and denial probability for this case (the class docstring's rule)."""
        z = self.rng.standard_normal()
        u_waiver = self.rng.random()
        if self.world.member(case.seller, ("rdp_mou",)) and u_waiver < self.s.waiver_honoured_probability:
            return self.s.waiver_median_days * self.time_factor(case, week), 0.0
        days = self.s.median_days * math.exp(self.s.spread * z) * self.time_factor(case, week)
        return days, self.s.denial_probability


@register
class InformationSecurity(Barrier):
    """NOFORN / CUI releasability for foreign suppliers, foreign-owned US plants qualifying
    into US programmes (FOCI limits their access to marked data) and licensees of marked items.
    """

    key = "information_security"
    settings_model = cfg.InformationSecurity
    description = "NOFORN/CUI"
    label = "releasability review (NOFORN/CUI)"
    stage = 30

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        if not (_into_us_programme(case) or case.kind in (CaseKind.COPRODUCTION_LICENCE,
                                                           CaseKind.QUALIFICATION)):
            return False
        marking = CLASSIFICATION_RANK[self.world.items[case.item].classification]
        return marking >= CLASSIFICATION_RANK[self.s.min_classification]


@register
class InvestmentReview(Barrier):
    """CFIUS / FOCI mitigation: foreign-owned producers in the US expanding or qualifying."""

    key = "investment_review"
    settings_model = cfg.InvestmentReview
    description = "CFIUS/FOCI"
    label = "foreign investment review (CFIUS/FOCI)"
    stage = 40

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return case.kind in (CaseKind.QUALIFICATION, CaseKind.EXPANSION_REVIEW)


@register
class PartnerExportControl(Barrier):
    """Allies' own export regimes on exports from allied producers (per-nation time factor).

    Intra-EU transfers under a general transfer licence and components under a de minimis
    agreement skip the stage (``model/schema_barriers.py`` PartnerExportControl, P116-P121).
    """

    key = "partner_export_control"
    settings_model = cfg.PartnerExportControl
    description = "allied export regimes"
    label = "allies' own export controls"
    stage = 10

    def applies(self, case: Case) -> bool:
        """Whether the case passes through this stage (the rule in the class docstring)."""
        return case.seller != "USA" and case.buyer != case.seller and (
            case.kind in SALES or case.kind is CaseKind.COMPONENT_SUPPLY)

    def exempt(self, case: Case, week: int) -> bool:
        """Whether the case skips this stage (the exemption rule in the class docstring)."""
        # The seller's regime applies; exemptions name destinations.
        if week >= self.s.exempt_from_week and self.world.member(case.buyer, self.s.exempt):
            return True
        return self.general_licence(case) or self.de_minimis(case)

    def general_licence(self, case: Case) -> bool:
        """An intra-EU transfer to armed forces or of components (Directive 2009/43/EC, P121)."""
        members = self.s.general_licence_members
        if not members or case.kind not in (CaseKind.ALLIED_SALE, CaseKind.COMPONENT_SUPPLY):
            return False
        return self.world.member(case.seller, members) and self.world.member(case.buyer, members)

    def de_minimis(self, case: Case) -> bool:
        """A component below an agreement's threshold share of its end item, between parties."""
        if case.kind is not CaseKind.COMPONENT_SUPPLY:
            return False
        member = self.world.member
        return any(case.share_of_end_item < d.max_component_share
                   and member(case.seller, d.members) and member(case.buyer, d.members)
                   for d in self.s.de_minimis)

    def time_factor(self, case: Case, week: int) -> float:
        """Multiplier on the drawn processing time (the rule in the class docstring)."""
        return super().time_factor(case, week) * self.world.export_control_factor.get(case.seller, 1.0)


#: The scenario schema's ``barriers`` block, built from the registry (rebuilt by ``register``).
Barriers = barriers_model()
