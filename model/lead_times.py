"""Lead times: weeks from a buyer's request to the first delivery of its order, by route.

A nation's order is *requested* in the week it is placed (for an FMS buy, the letter of
request); it is *delivered* when its first units arrive in the buyer's destination region,
after every regulatory stage, the line's own queue and build, and transit. The route is the
order's (``fms``, ``dcs``, ``domestic``, ``allied``, ``us_gov``), except that an order from a
licensed coproduction line counts as ``licensed``. FMS orders also carry their case's
milestones (notification, LOA, contract; ``model/fms.py``), which the FMS timelines replay
compares with the public record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .orders import Order

#: The routes of the ``lead_time_weeks.<route>`` family, in table order.
ROUTES = ("fms", "dcs", "domestic", "licensed")
#: Order routes that are nations' buys (component orders and week-0 books are not).
_BUYS = frozenset(("domestic", "fms", "dcs", "allied", "us_gov"))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One order's first delivery: who bought what by which route, when asked and delivered."""

    route: str
    item: str
    buyer: str
    requested: int
    delivered: int
    fms: Any = None  # the case's FmsTimes for an FMS buy

    @property
    def weeks(self) -> int:
        """Weeks from request to first delivery."""
        return self.delivered - self.requested


class LeadTimes:
    """The book of first deliveries of nations' orders in one run."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []

    def note(self, order: "Order", week: int) -> None:
        """A shipment of ``order`` arrived in ``week``: record the order's first arrival."""
        if order.first_arrival_week >= 0 or order.route not in _BUYS:
            return
        order.first_arrival_week = week
        route = "licensed" if order.at_licensed_line else order.route
        case = order.case
        self.deliveries.append(Delivery(route, order.item, order.buyer.iso, order.placed_week, week,
                                        None if case is None else case.fms))

    def by_route(self) -> dict[str, tuple[int, ...]]:
        """Route → the lead times (weeks) of the orders first delivered in the run."""
        out: dict[str, list[int]] = {}
        for d in self.deliveries:
            out.setdefault(d.route, []).append(d.weeks)
        return {k: tuple(v) for k, v in out.items()}


def median(values: tuple[int, ...] | tuple[float, ...]) -> float:
    """The median (NaN for none)."""
    if not values:
        return math.nan
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2.0
