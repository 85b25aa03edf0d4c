"""The FMS case in stages, with congressional notification inside it (docs/ODD.md §7).

A Foreign Military Sale runs LOR → LOA (case development), then LOA → contract (contracting);
contract → first delivery is the line's own lead time (its backlog and build, then transit),
made by the producer, not by a barrier. Under AECA §36(b) a sale above the notification
threshold is notified while the case is developed, and the LOA may be offered only once the
review period has run without a joint resolution (P16, P17, P18): the notification is not a
stage after the case but a clock inside case development. It is sent when a share
(``notification_at_share``) of development is done, so the LOA comes at

    max(development, share × development + review)

and the review adds time only when it would end after development. Contracting is shortened
for items bought on US multi-year procurement contracts (the FMS buy is added to a running
contract, P96) and, with the whole case, by grouped review (``policies.grouped_fms_review``).

A case may start part-way through (a warm start: an open case at week 0): its
``elapsed_days`` are taken off the drawn times, from the first stage on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .barrier_base import Barrier
    from .cases import Case

FMS = "fms_case"
NOTIFICATION = "congressional_review"


@dataclass(frozen=True, slots=True)
class FmsTimes:
    """The weeks (from the run's week 0, fractional) at which a case passed its milestones.

    ``notified`` is NaN for a case below the notification threshold.
    """

    lor: float
    notified: float
    loa: float
    contract: float


def fold_notification(stages: list["Barrier"]) -> tuple[list["Barrier"], "Barrier | None"]:
    """Take congressional review out of the stage list when the FMS case carries it.

    Returns:
        The stages a case passes in turn, and the notification run inside the FMS stage (or None).
    """
    keys = [b.key for b in stages]
    if FMS in keys and NOTIFICATION in keys:
        rest = [b for b in stages if b.key != NOTIFICATION]
        return rest, stages[keys.index(NOTIFICATION)]
    return stages, None


def loa_days(development: float, share: float, review: float | None) -> float:
    """Days from LOR to the LOA offer: development, or the end of the review if later."""
    if review is None:
        return development
    return max(development, share * development + review)


def plan_case(fms: "Barrier", case: "Case", week: int, development: float,
              contracting: float) -> tuple[float, float]:
    """The FMS stage's processing time (days) and denial probability for one case.

    Args:
        fms: the FMS barrier (its settings; the case's stream is set).
        case: the case; ``case.notice`` is the congressional review run inside, if any.
        week: the week it enters processing.
        development: drawn case-development days (factors applied).
        contracting: drawn contracting days (factors applied).

    Records the case's milestones in ``case.fms`` and counts the notification as a case the
    congressional stage reviewed.
    """
    review, deny_review = None, 0.0
    notice = case.notice
    if notice is not None:
        review, deny_review = notice.planned(case, week)
        notice.entered += 1
    offer = loa_days(development, fms.s.notification_at_share, review)
    elapsed = case.elapsed_days
    start = week - elapsed / 7.0
    notified = start + fms.s.notification_at_share * development / 7.0 if review is not None else math.nan
    case.fms = FmsTimes(start, notified, start + offer / 7.0, start + (offer + contracting) / 7.0)
    case.elapsed_days = 0.0
    days = max(1.0, offer + contracting - elapsed)
    return days, 1.0 - (1.0 - fms.s.denial_probability) * (1.0 - deny_review)


def nominal_days(fms: "Barrier", notice: "Barrier | None", case: "Case", week: int) -> float:
    """The stage's time from its medians (a buyer's prior), notification included."""
    development = fms.s.median_days * fms.time_factor(case, week)
    review = None if notice is None else notice.nominal_days(case, week)
    contracting = fms.s.contracting_median_days * contracting_factor(fms, case, week)
    return loa_days(development, fms.s.notification_at_share, review) + contracting


def contracting_factor(fms: "Barrier", case: "Case", week: int) -> float:
    """Multiplier on contracting time: the case's factors, and multi-year procurement."""
    f = fms.time_factor(case, week)
    if case.item in fms.s.multi_year_items:
        f *= fms.s.multi_year_time_factor
    return f
