"""Orders and shipments: goods owed by a producer to a buyer (a nation or another producer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(eq=False, slots=True)
class Order:
    """An order in a producer's backlog.

    Attributes:
        buyer: the receiving agent (a ``Nation`` or, for components, a ``Producer``).
        item: item key.
        quantity: units ordered.
        remaining: units not yet produced.
        dest_region: where the goods are delivered.
        placed_week: week the buyer placed it.
        route: 'domestic', 'fms', 'dcs', 'allied', 'us_gov' or 'component'.
        unit_cost_musd: price per unit ($M).
        link: for a component order, the buyer's supply link it was placed through.
        licensed: placed with a licensed coproduction line (lead times count it ``licensed``).
        case: the cross-border case it passed, if any (its FMS milestones).
        first_arrival_week: week its first units arrived (-1 before; ``model/lead_times.py``).
    """

    buyer: Any
    item: str
    quantity: float
    remaining: float
    dest_region: str
    placed_week: int
    route: str
    unit_cost_musd: float = 0.0
    link: Any = None
    licensed: bool = False
    case: Any = None
    first_arrival_week: int = -1
