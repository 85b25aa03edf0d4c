"""Release precedent: what has been released to whom (docs/ODD.md §7, 'Release precedent').

Technology release (TSFD, LO/CLO, anti-tamper) and NOFORN/CUI releasability are decisions about
an item and a foreign party, not about one transaction: once the US has released a system's
technology to a nation, a repeat buy of the same system by that nation reuses the decision
(DTSA's anticipatory release policies fix a baseline position that later requests are reviewed
against, P125, P126). So a case whose foreign party already holds the decision skips the stage;
a first-of-kind sale, or a new configuration (in the model another item key, with its own
technology level), pays it.

The memory is the nation's: ``Nation.released`` (technology released to it, seeded from the
scenario's ``nations.<ISO3>.released`` and from the US components of supply links already in
use at week 0) and ``Nation.cleared`` (items whose marked data were found releasable to its
suppliers). A coproduction licence releases build data, more than a sale does, so a sale's
precedent does not spare a licence's review (a granted licence releases the system and its
components for later sales and supply, ``model/coproduction.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cases import Case, CaseKind, CaseStatus

if TYPE_CHECKING:
    from .nation import Nation

#: Barrier keys whose decisions a precedent carries over.
TECHNOLOGY_RELEASE = "technology_release"
RELEASABILITY = "information_security"
_US_SALES = (CaseKind.FMS_SALE, CaseKind.DCS_SALE)
_INTO_US = (CaseKind.US_GOV_PURCHASE,)


def precedent(case: Case, nations: dict[str, "Nation"]) -> frozenset[str]:
    """The review stages an earlier decision spares this case (empty when none stands).

    Args:
        case: a sale case (a US sale abroad, or a US government buy from an ally).
        nations: ISO3 → nation agent (their release memories).
    """
    keys = []
    if case.kind in _US_SALES and case.seller == "USA":
        buyer = nations.get(case.buyer)
        if buyer is not None and case.item in buyer.released:
            keys.append(TECHNOLOGY_RELEASE)
    elif case.kind in _INTO_US:
        seller = nations.get(case.seller)
        if seller is not None and case.item in seller.cleared:
            keys.append(RELEASABILITY)
    return frozenset(keys)


def remember(case: Case, nations: dict[str, "Nation"]) -> None:
    """Record the decisions an approved case leaves behind (a denied case leaves none)."""
    if case.status is not CaseStatus.APPROVED:
        return
    if case.kind in _US_SALES and case.seller == "USA":
        buyer = nations.get(case.buyer)
        if buyer is not None:
            buyer.released.add(case.item)
    elif case.kind in _INTO_US:
        seller = nations.get(case.seller)
        if seller is not None:
            seller.cleared.add(case.item)
