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
        us_content: the goods carry US-controlled content (US-made, or an allied line's output
            with US content): passing them on to a third country needs re-transfer consent.
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
    us_content: bool = False
