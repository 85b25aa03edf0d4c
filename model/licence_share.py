"""What a licence gives a licensed line: a rated share of its licensor's suppliers, and an input
pipeline that counts the goods in transit (docs/ODD.md §7, priority of orders and supply chains).

**The licensed share.** Under DPAS a US supplier serves rated DoD orders first (P88), so a line
licensed to make a US design abroad — Japan's PAC-3 line on Boeing seekers (P51) — would get
only what the licensor's own rated line leaves. DoD can ask Commerce to rate other nations'
orders where that furthers US defence interests (P88); a licence comes with that share. With
``policies.allocation.licensed_lines: licensor_class`` (default) a licensed line's component
orders at firms in its licensor's nation are rated, with the class of the licensor government's
own orders there, **up to its licensed rate** (the capacity it was licensed at,
``capacity_per_week`` of its spec × the bill of materials per week); what it orders beyond
that — after it has expanded — carries only its own rating, so it waits behind the rated orders
(P51: the Japanese line has room for ~60 a year but is limited by the US seeker). The rated
quantity accrues each week on each such link (``SupplyArrangement.rated_left``) and is capped at
the line's input pipeline, so a line that orders nothing for a while cannot save up a rated
surge. Beyond its share it orders only as far as the supplier has room, and what it ordered
beyond its share and still waits for does not count in its pipeline (such orders wait behind
every rated one and might otherwise fill the pipeline and stop it ordering its share). ``own_class`` is the structural alternative: only the line's own orders' rating flows
down.

**The pipeline counts transit.** A line tops its inputs up to ``input_cover_weeks`` of use plus
the weeks its goods spend in transit beyond a same-region delivery, so a line an ocean away from
its supplier keeps as much waiting at the supplier as a line next door (otherwise what is on the
water counts against its cover and, when its supplier is backlogged, it receives a smaller share
of it in proportion).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .summation import plain_sum

if TYPE_CHECKING:
    from .producer import Producer
    from .supply import SupplyArrangement


def extra_transit(p: "Producer", comp: str) -> float:
    """Weeks the input ``comp`` of line ``p`` spends in transit from its first supplier beyond
    a same-region delivery (≥ 0).
    """
    links = p.arrangements.get(comp)
    if not links:
        return 0.0
    transit = p.model.world.transit
    return max(0.0, transit[(links[0].supplier.region, p.region)] - transit[(p.region, p.region)])


def pipeline_weeks(p: "Producer", comp: str) -> float:
    """Weeks of use line ``p`` keeps on hand and on order of ``comp``: its input cover plus the
    extra transit from its first supplier.
    """
    return p.input_cover + extra_transit(p, comp)


def licensor_iso(p: "Producer") -> str | None:
    """ISO3 of the nation of line ``p``'s licensor, when the licensed share applies to it."""
    if p.licensor is None or not p.priority.licensor_rated:
        return None
    licensor = p.model.producers.get(p.licensor)
    return licensor.nation.iso if licensor is not None else None


def accrue(p: "Producer", comp: str) -> None:
    """Add a week of licensed rate to each of ``comp``'s links at firms in the licensor's nation
    (capped at the input pipeline).
    """
    iso = licensor_iso(p)
    if iso is None or p.licensed_rate <= 0.0:
        return
    per_week = p.licensed_rate * p.bom[comp]
    cap = per_week * pipeline_weeks(p, comp)
    for link in p.arrangements[comp]:
        if link.supplier.nation.iso == iso:
            link.rated_left = min(cap, link.rated_left + per_week)


def split(p: "Producer", link: "SupplyArrangement", amount: float, week: int) -> tuple[float, float]:
    """(rated part, rest) of line ``p``'s order of ``amount`` through ``link``; takes the rated
    part from the link's licensed share. On a link that carries a licensed share the rest is
    ordered only as far as the supplier has room (``Producer.supply_room``): beyond its share a
    licensed line waits behind rated orders, and an order that would never be served must not
    fill its pipeline and stop it ordering its share.
    """
    if link.rated_left <= 0.0 and not _carries_share(p, link):
        return 0.0, amount
    rated = min(amount, max(0.0, link.rated_left))
    link.rated_left -= rated
    rest = max(0.0, min(amount - rated, link.supplier.supply_room(week, p.input_cover)))
    link.waiting_unrated += rest
    return rated, rest


def waiting_beyond_share(p: "Producer", comp: str) -> float:
    """Units of ``comp`` line ``p`` ordered beyond its licensed share and not yet delivered: they
    wait behind rated orders and may never come, so its pipeline does not count them.
    """
    return plain_sum(link.waiting_unrated for link in p.arrangements[comp])


def delivered(order, qty: float) -> None:
    """Book a delivery against the link's orders beyond the licensed share."""
    link = order.link
    if link is not None and not order.licensed and link.waiting_unrated > 0.0:
        link.waiting_unrated = max(0.0, link.waiting_unrated - qty)


def _carries_share(p: "Producer", link: "SupplyArrangement") -> bool:
    iso = licensor_iso(p)
    return iso is not None and p.licensed_rate > 0.0 and link.supplier.nation.iso == iso
