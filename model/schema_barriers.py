"""Scenario schema of the regulatory pipeline: the ten barriers, reform policies, resubmission.

Default values are calibrated to the figures of the sources in ``docs/sources.md``; each field's
description names its source key (CSIS survey A1; GAO, CRS, DSCA and trade-press pages P6, P7,
P9, P11, P12, P16–P18, P22, P23, P25) or says *assumption*.
Days are calendar days; the model converts them to weeks.
"""

from __future__ import annotations

from pydantic import model_validator

from .schema_base import Classification, Strict, field
from .schema_structure import Allocation
from .schema_sustainment import ItarFreeDesign, RsfSustainment


class FastTrack(Strict):
    """A group of nations whose cases pass a barrier faster (a reform or initiative)."""

    members: tuple[str, ...] = field(..., description="ISO3 codes or group names that qualify")
    time_factor: float = field(
        0.5, ge=0.0, le=1.0, description="multiplier on processing time (unitless; assumption)"
    )
    from_week: int = field(0, ge=0, description="first week the fast track applies (week)")


class BarrierSettings(Strict):
    """Parameters every barrier has (docs/ODD.md §7: time, denial, capacity, window, exemptions)."""

    enabled: bool = field(True, description="whether the barrier exists at all in this scenario")
    median_days: float = field(30.0, ge=0.0, description="median processing time (days)")
    spread: float = field(
        0.5, ge=0.0, le=3.0,
        description="lognormal sigma of processing time (unitless); 0 = fixed time (assumption)",
    )
    denial_probability: float = field(
        0.01, ge=0.0, le=1.0, description="chance a processed case is denied (probability)"
    )
    capacity_per_week: int | None = field(
        None, ge=1, description="cases that can enter processing per week; null = unlimited"
    )
    active_from_week: int = field(0, ge=0, description="first week the barrier applies (week)")
    active_until_week: int | None = field(
        None, ge=0, description="last week the barrier applies (week); null = whole horizon"
    )
    exempt: tuple[str, ...] = field(
        (), description="ISO3 codes or group names whose cases skip this barrier"
    )
    exempt_from_week: int = field(
        0, ge=0, description="week from which the exemption list applies (week)"
    )
    fast_track: tuple[FastTrack, ...] = field((), description="groups processed faster")
    us_process: bool = field(
        True,
        description="a US process: low understanding of US processes raises returns (A1)",
    )
    source: str = field("assumption", description="citation for this barrier's defaults")

    @model_validator(mode="after")
    def _window_ordered(self) -> "BarrierSettings":
        if self.active_until_week is not None and self.active_until_week < self.active_from_week:
            raise ValueError(
                f"active_until_week ({self.active_until_week}) is before "
                f"active_from_week ({self.active_from_week})"
            )
        return self


class ExportLicence(BarrierSettings):
    """ITAR DSP-5 hardware licence: median 30 days (DDTC 14–26 d FY03–06, P7; 15–16 d 2009–11, P9;
    46 d FY2000, P6; NSPD-56 60-day cap, P11). Canada exempt; AUKUS from 2024-09 (P22).
    """

    median_days: float = field(30.0, ge=0.0, description="median DSP-5 time (days; P6, P7, P9)")
    denial_probability: float = field(
        0.01, ge=0.0, le=1.0, description="DSP-5 denial share (probability; assumption)"
    )
    exempt: tuple[str, ...] = field(
        (), description="ISO3/groups exempt, e.g. CAN (ITAR §126.5) and aukus from 2024-09 (A1, P22)"
    )
    exemption_capped_at_notification: bool = field(
        True,
        description="exemptions do not cover sales above congressional-notification values "
        "(AUKUS rule, P25, P22)",
    )
    source: str = field("P6, P7, P9, P11, P22, P25", description="citation")


class TechnicalAssistance(BarrierSettings):
    """TAA / manufacturing licence agreement: median 94 days FY2006 (P7); range 60–180."""

    median_days: float = field(90.0, ge=0.0, description="median TAA/MLA time (days; P7)")
    denial_probability: float = field(0.02, ge=0.0, le=1.0, description="probability; assumption")
    exempt: tuple[str, ...] = field((), description="ISO3/groups exempt, e.g. CAN (A1)")
    source: str = field("P7", description="citation")


class TechnologyRelease(BarrierSettings):
    """TSFD / LO-CLO / anti-tamper review for advanced items: 12–18 months for complex
    programmes (A4); rated the hardest barrier with ITAR by the survey (A1).
    """

    median_days: float = field(365.0, ge=0.0, description="median TSFD time (days; A4)")
    spread: float = field(0.6, ge=0.0, le=3.0, description="lognormal sigma; assumption")
    denial_probability: float = field(0.05, ge=0.0, le=1.0, description="probability; assumption")
    min_technology_level: int = field(
        4, ge=1, le=6, description="items at or above this level need review (1–5; assumption)"
    )
    source: str = field("A1, A4", description="citation")


class FmsCase(BarrierSettings):
    """FMS in stages (docs/ODD.md §7, 'The FMS case'): LOR → LOA (case development, with the
    AECA §36(b) notification inside it), then LOA → contract (contracting); contract → first
    delivery is the line's own lead time. The 150-day LOA standard (P12; P108: 80% of LOAs within
    120 days, defined-order cases missed it) and about 18 months LOA → on contract (A5, A2) give
    the former single 690-day median: 150 + 540.
    """

    median_days: float = field(
        150.0, ge=0.0, description="median LOR → LOA offer, case development (days; P12 150-day "
        "standard, P108 120-day goal missed by defined-order LOAs)")
    spread: float = field(0.5, ge=0.0, le=3.0, description="lognormal sigma of case development; assumption")
    contracting_median_days: float = field(
        540.0, ge=0.0, description="median LOA → on contract, contracting (days; A5, A2: about 18 months)")
    contracting_spread: float = field(
        0.5, ge=0.0, le=3.0, description="lognormal sigma of contracting (unitless; assumption)")
    notification_at_share: float = field(
        0.5, ge=0.0, le=1.0,
        description="share of case development done when Congress is notified; the LOA is offered "
        "only after the review period has run (P18), so notification adds time only when it ends "
        "after development would (P110: Poland F-35 LOR May 2019, notified Sep 2019, LOA Feb 2020, "
        "about 0.47; the value is an assumption beyond that case)")
    multi_year_items: tuple[str, ...] = field(
        (), description="items bought on US multi-year procurement contracts, to which an FMS "
        "buy is added rather than contracted anew (item keys; P96: FY2026 MYP for PAC-3, SM-6, "
        "AMRAAM and five more)")
    multi_year_time_factor: float = field(
        0.5, ge=0.0, le=1.0, description="multiplier on contracting time for a multi-year item "
        "(unitless; assumption)")
    denial_probability: float = field(0.01, ge=0.0, le=1.0, description="probability; assumption")
    source: str = field("P12, P108, A2, A5, P18, P110", description="citation")


class CongressionalReview(BarrierSettings):
    """AECA §36(b) notification: 30 days formal + 20 days informal tiered review; NATO+ 15 days.
    MDE thresholds $14M (standard) and $25M (NATO+), unchanged since FY2003 (P16–P18, A1).
    """

    median_days: float = field(
        50.0, ge=0.0, description="standard review incl. 20-day informal tier (days; P16, P18)"
    )
    spread: float = field(0.2, ge=0.0, le=3.0, description="lognormal sigma; assumption")
    denial_probability: float = field(
        0.005, ge=0.0, le=1.0, description="sales blocked or withdrawn (probability; assumption)"
    )
    nato_plus_median_days: float = field(15.0, ge=0.0, description="NATO+ review (days; P17)")
    threshold_musd: float = field(14.0, ge=0.0, description="MDE threshold ($M; P16)")
    nato_plus_threshold_musd: float = field(25.0, ge=0.0, description="NATO+ MDE threshold ($M; P17)")
    inflation_since_fy2003: float = field(
        0.69, ge=0.0, description="DoD inflation since thresholds were set (fraction; A1)"
    )
    source: str = field("P16, P17, P18, A1", description="citation")


class ThirdPartyTransfer(BarrierSettings):
    """Re-transfer consent for allied-made items with US content going to a third country.
    Not named in the survey text (A1): timing is an assumption like a DSP-5.
    """

    median_days: float = field(60.0, ge=0.0, description="median consent time (days; assumption)")
    denial_probability: float = field(0.03, ge=0.0, le=1.0, description="probability; assumption")
    min_us_content_share: float = field(
        0.0, ge=0.0, le=1.0, description="US content share above which consent is needed"
    )
    source: str = field("assumption", description="citation")


class DomesticContent(BarrierSettings):
    """Buy American / Berry / specialty metals on US government buys from foreign producers.
    RDP MOU partners are eligible for a waiver, but about half of program offices are wary of
    it (A1): the waiver is honoured with ``waiver_honoured_probability``.
    """

    median_days: float = field(120.0, ge=0.0, description="waiver/determination time (days; assumption)")
    denial_probability: float = field(
        0.5, ge=0.0, le=1.0, description="foreign offer rejected without waiver (probability; assumption)"
    )
    waiver_honoured_probability: float = field(
        0.5, ge=0.0, le=1.0, description="program office honours RDP MOU waiver (probability; A1)"
    )
    waiver_median_days: float = field(14.0, ge=0.0, description="time when waiver honoured (days; assumption)")
    us_process: bool = field(False, description="applies inside US government; no applicant return")
    source: str = field("A1", description="citation")


class InformationSecurity(BarrierSettings):
    """NOFORN / CUI releasability: foreign suppliers cannot see program data in time (A1, A2)."""

    median_days: float = field(90.0, ge=0.0, description="releasability review (days; assumption)")
    denial_probability: float = field(
        0.2, ge=0.0, le=1.0, description="data not releasable (probability; assumption)"
    )
    min_classification: Classification = field(
        "cui", description="items at or above this marking trigger the review"
    )
    source: str = field("A1, A2", description="citation")


class InvestmentReview(BarrierSettings):
    """CFIUS / FOCI mitigation for foreign-owned producers expanding or qualifying in the US:
    45-day review plus 45-day investigation (statutory; median assumption 90 days).
    """

    median_days: float = field(90.0, ge=0.0, description="review + investigation (days; assumption)")
    denial_probability: float = field(0.02, ge=0.0, le=1.0, description="probability; assumption")
    us_process: bool = field(False, description="owner-side process; no return modelled")
    source: str = field("assumption (CFIUS statutory 45+45 days)", description="citation")


class DeMinimis(Strict):
    """A bilateral or plurilateral de minimis rule for components (the Franco-German agreement of
    2019, widened to Spain in 2021 and the UK in 2025: P116-P120).
    """

    members: tuple[str, ...] = field(..., description="ISO3 codes or a group of the agreement's parties")
    max_component_share: float = field(
        0.2, ge=0.0, le=1.0,
        description="a component below this share of the value of the end item it goes into is "
        "licensed without review between parties (share; P116, P118: 20%)",
    )


class PartnerExportControl(BarrierSettings):
    """Allies' own export regimes: most see friction, 3 of 13 a significant challenge (A1).

    Inside the EU, transfers to another member's armed forces and components to its
    (certified) firms go under general transfer licences (Directive 2009/43/EC, P121): they
    skip the stage. Between the parties of a de minimis agreement a component below the
    threshold share of its end item skips it too (P116-P120). Exports outside both wait.
    """

    median_days: float = field(
        30.0, ge=0.0,
        description="median national licence time (days; P122: Germany 90-95% within 30 working "
        "days; P123: Norway about 2 months for defence materiel)",
    )
    denial_probability: float = field(0.01, ge=0.0, le=1.0, description="probability; assumption")
    us_process: bool = field(False, description="a partner process, not a US one")
    general_licence_members: tuple[str, ...] = field(
        (),
        description="ISO3 codes or a group (e.g. eu) whose transfers among themselves of sales to "
        "governments and of components go under general transfer licences and skip the stage "
        "(P121: Directive 2009/43/EC; assumption: every modelled firm is a certified recipient)",
    )
    de_minimis: tuple[DeMinimis, ...] = field(
        (), description="de minimis agreements for components (P116-P120)"
    )
    source: str = field("A1, P121, P122", description="citation")


class Policies(Strict):
    """Reform levers that act on several barriers or on demand (A1 recommendations)."""

    grouped_fms_review: bool = field(
        False, description="FMS cases of grouped partners reviewed together (A1 rec. 1)"
    )
    grouped_fms_members: tuple[str, ...] = field(
        ("rdp_mou",), description="who benefits from grouped FMS review (A1: start with RDP MOU)"
    )
    grouped_fms_time_factor: float = field(
        0.5, ge=0.0, le=1.0,
        description="multiplier on FMS case development and contracting when grouped (assumption)"
    )
    index_congressional_thresholds: bool = field(
        False, description="index AECA thresholds for inflation since FY2003 (A1)"
    )
    design_for_exportability: bool = field(
        False, description="exportable configurations designed in (A1 rec. 5)"
    )
    exportability_time_factor: float = field(
        0.4, ge=0.0, le=1.0, description="multiplier on TSFD time with DFE (assumption)"
    )
    multi_year_contracts: bool = field(
        False, description="a standing funding signal for expansion (A4 'clutch engagement')"
    )
    allocation: Allocation = field(
        Allocation(), description="priority classes producers serve first (default DPAS, P88)"
    )
    rsf_sustainment: RsfSustainment = field(
        RsfSustainment(), description="Regional Sustainment Framework: in-theatre recertification (P67, P68)"
    )
    itar_free: tuple[ItarFreeDesign, ...] = field(
        (), description="allied lines that design out their US-controlled content (P128-P131)"
    )


class Pipeline(Strict):
    """How applicants' understanding of US processes shapes returns and resubmission."""

    return_probability_no_understanding: float = field(
        0.3, ge=0.0, le=1.0,
        description="chance a case is returned incomplete when the applicant understands US "
        "processes not at all; scales with (1 − understanding) (assumption; A1: 4/13 confident)",
    )
    resubmit_weeks: int = field(2, ge=0, description="time to fix and resubmit (weeks; assumption)")
