"""Scenario schema of sustainment and ITAR-free design-out (docs/ODD.md §7, 'Sustainment').

Sustainment is world data: which items' stocks pass through periodic depot recertification,
where the depots are and how long the work takes. The Regional Sustainment Framework
(``policies.rsf_sustainment``) and an allied line's ITAR-free design-out (``policies.itar_free``)
are reform levers. Source keys are listed in ``docs/sources.md``.
"""

from __future__ import annotations

from .schema_base import Strict, field


class Sustainment(Strict):
    """Periodic recertification: a share of each stock leaves service for the depot each year."""

    recertification_share_per_year: dict[str, float] = field(
        {},
        description="item → share of its stock sent for depot recertification each year "
        "(1/yr; assumption: missiles are inspected and recertified about once a decade); "
        "items not listed are never out of service",
    )
    depot_region: str = field(
        "americas",
        description="region of the depots that recertify US systems today (region; A12: 95% of "
        "systems at the Kadena support centre are still shipped to the US for repair)",
    )
    depot_work_weeks: float = field(
        13.0, ge=0.0, description="work at a depot, in the US or in theatre (weeks; assumption: a quarter)"
    )
    foreign_queue_weeks: float = field(
        13.0, ge=0.0,
        description="extra wait of a foreign customer's items at a US depot, behind US work and "
        "export paperwork both ways (weeks; assumption; P141: work abroad also overran, 3 → 7 months)",
    )


class RsfSustainment(Strict):
    """The Regional Sustainment Framework: partners recertify US systems in the theatre (P67, P68)."""

    enabled: bool = field(False, description="RSF partners may stand up in-theatre recertification")
    members: tuple[str, ...] = field(
        ("rsf",), description="ISO3 codes or groups that are RSF sustainment partners (P67, P139)"
    )
    blanket_approval: bool = field(
        True,
        description="maintenance and recertification data for members are approved in blanket: "
        "their sustainment licences skip the technical-assistance and DSP-5 stages (P67, P68: "
        "RSF aims to pre-clear partner repair; otherwise each passes TAA and DSP-5)",
    )
    setup_weeks: int = field(
        52, ge=0,
        description="from licence to a working recertification cell in the partner's depot "
        "(weeks; assumption, shorter than the 3-4 years of F-35 regional depots, P140)",
    )
    covers_us_forward_stock: bool = field(
        True,
        description="US stock held in a member's home region is recertified at the member's cell "
        "too (RSF: sustain US forces forward, P67)",
    )


class ItarFreeDesign(Strict):
    """An allied line designs out its US-controlled content (P128-P131)."""

    producer: str = field(..., description="producer id of an allied line with no US supplier")
    from_week: int = field(0, ge=0, description="week the design-out starts (week)")
    design_out_weeks: int = field(
        104, ge=0,
        description="redesign and requalification before output is ITAR-free (weeks; "
        "assumption; P130, P131: MBDA's remedy for a US part in SCALP-EG was R&D 'with delay')",
    )
    unit_cost_premium: float = field(
        0.06, ge=0.0, le=1.0,
        description="price premium of the ITAR-free output (share; P128: avoiding ITAR parts "
        "added ~6% to a satellite's cost)",
    )
