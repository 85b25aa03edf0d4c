"""Orders and shipments: goods owed by a producer to a buyer (a nation or another producer)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
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
        queued_week: week it joined the producer's backlog (orders of one class that joined
            in the same week are served together, pro rata to what each still lacks).
        book: part of the line's order book at week 0 (contracts placed before the run).
        licensed: a licensed line's component order within its licensed share (rated with its
            licensor government's class, ``model/licence_share.py``).
        at_licensed_line: placed with a licensed coproduction line (lead times count it
            ``licensed``).
        case: the cross-border case it passed, if any (its FMS milestones).
        first_arrival_week: week its first units arrived (-1 before; ``model/lead_times.py``).
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
    _: KW_ONLY  # the fields below by name only: a positional flag must not land in another field
    queued_week: int = 0
    book: bool = False
    licensed: bool = False
    at_licensed_line: bool = False
    case: Any = None
    first_arrival_week: int = -1
    us_content: bool = False


def buyer_key(order: Order) -> str:
    """A stable name of the order's buyer: a nation's ISO3 code or a line's producer id."""
    buyer = order.buyer
    iso = getattr(buyer, "iso", None)
    if type(iso) is str:  # a nation (the usual case; str() of it is itself)
        return iso
    return str(iso) if iso is not None else str(getattr(buyer, "pid", ""))
