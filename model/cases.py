"""Cross-border cases: one transaction moving through the regulatory pipeline (docs/ODD.md §2, 'Case').

A case is data. The pipeline moves it from barrier stage to barrier stage; when it finishes,
the party that opened it is told through ``on_finish`` (a goods order released to a producer,
a licence granted, an expansion cleared).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class CaseKind(Enum):
    """What is crossing the border."""

    FMS_SALE = "fms_sale"                      # government-to-government purchase of a US system
    DCS_SALE = "dcs_sale"                      # direct commercial sale by a US producer
    ALLIED_SALE = "allied_sale"                # sale by an allied producer to another nation
    US_GOV_PURCHASE = "us_gov_purchase"        # the US government buying from an allied producer
    COMPONENT_SUPPLY = "component_supply"      # licence for a cross-border component flow
    COPRODUCTION_LICENCE = "coproduction_licence"  # TAA/MLA to stand up a licensed line
    QUALIFICATION = "qualification"            # foreign-owned US producer entering a US programme
    EXPANSION_REVIEW = "expansion_review"      # foreign-owned US producer expanding
    RETRANSFER = "retransfer"                  # an ally passing stock with US content to a third country
    SUSTAINMENT_LICENCE = "sustainment_licence"  # maintenance data to recertify US systems abroad


#: Kinds that sell goods (a tuple: membership tests by identity, faster than hashing enums).
SALES = (CaseKind.FMS_SALE, CaseKind.DCS_SALE, CaseKind.ALLIED_SALE, CaseKind.US_GOV_PURCHASE)


class CaseStatus(Enum):
    """Where a case stands."""

    OPEN = "open"
    APPROVED = "approved"
    DENIED = "denied"


@dataclass(eq=False, slots=True)
class Case:
    """One cross-border transaction.

    Attributes:
        kind: what crosses the border.
        item: item key.
        seller: ISO3 of the exporting nation (the licensor for a licence).
        buyer: ISO3 of the importing nation (the licensee for a licence).
        value_musd: value of the transaction ($M), drives congressional review.
        us_content_share: US-origin share of the goods' value (re-transfer consent).
        submitted_week: week the case entered the pipeline.
        on_finish: callback ``(case, week)`` run when the case is approved or denied.
        new_technology: a US component whose technology the buyer's nation has not had
            released before (a new supply link; technology release applies).
        key: a stable name of the case's origin (e.g. ``DEU:pac3_mse:usa_lm_pac3``); cases
            entering a stage in the same week are admitted in an order drawn from it, never in
            the order agents are listed (``Barrier.intake``).
        precedent: keys of the review barriers whose earlier decision for this item and
            foreign party stands (``model/release.py``): the case skips them.
        notice: the congressional review run inside the FMS stage (``model/fms.py``), if any.
        elapsed_days: days the case had already spent in its first stage when it was
            submitted (an open case at week 0); taken off its drawn time.
        fms: the FMS milestones (``model.fms.FmsTimes``) once the FMS stage has planned it.
        share_of_end_item: for a component supply, the component's share of the value of the
            end item it goes into (de minimis rules); 1 otherwise.
        claim: what a sale case claims at its line while under review (line, its buyer's
            queue index there, units; None for a case that is no sale order), worked out the
            first week it is seen there (``model/capability.py``); False until then.
    """

    kind: CaseKind
    item: str
    seller: str
    buyer: str
    value_musd: float
    submitted_week: int
    us_content_share: float = 0.0
    on_finish: Callable[["Case", int], None] | None = None
    payload: Any = None
    key: str = ""
    stages: list = field(default_factory=list)
    stage_index: int = 0
    status: CaseStatus = CaseStatus.OPEN
    finished_week: int = -1
    returns: int = 0
    ready_week: int = 0
    end_week: int = 0
    stage_deny_p: float = 0.0
    u_deny: float = 1.0
    u_return: float = 1.0
    new_technology: bool = False
    precedent: frozenset[str] = frozenset()
    notice: Any = None
    elapsed_days: float = 0.0
    fms: Any = None
    share_of_end_item: float = 1.0
    claim: Any = False

    @property
    def partner(self) -> str:
        """The foreign party seen from Washington: the buyer of a US export, else the seller
        of a US import, else (ally to ally) the buyer.
        """
        if self.seller == "USA":
            return self.buyer
        if self.buyer == "USA":
            return self.seller
        return self.buyer

    @property
    def delay_weeks(self) -> int:
        """Weeks spent in the pipeline (only meaningful once finished)."""
        return self.finished_week - self.submitted_week
