"""Crises: a theater that consumes allied stocks for a while (DESIGN.md 'crisis').

A crisis is scripted (a region, a start week, a duration) or started by an adversary. While
it runs, its consumption is drawn from its donors' stocks in proportion to what each holds;
donors' stock objectives and budgets are raised (a supplemental), which turns drained stocks
into surge orders for producers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Crisis:
    """A running or scheduled crisis.

    Attributes:
        region: theater.
        start_week: onset.
        end_week: first week after it ends.
        consumption: units per week by item.
        donors: nations whose stocks feed it (agent objects).
        requirement_multiplier: donors' stock objectives while it runs (×).
        budget_multiplier: donors' budgets while it runs (×).
        origin: 'scripted' or 'adversary'.
    """

    region: str
    start_week: int
    end_week: int
    consumption: dict[str, float]
    donors: list
    requirement_multiplier: float
    budget_multiplier: float
    origin: str
    onset_stock: float = float("nan")

    def active(self, week: int) -> bool:
        """Whether the crisis runs in ``week``."""
        return self.start_week <= week < self.end_week

    def draw(self) -> None:
        """Take one week's consumption from the donors, pro rata to their stocks."""
        for item, need in self.consumption.items():
            total = sum(d.stock[item] for d in self.donors)
            if total <= 1e-9:
                continue  # donors are dry: the theater goes short of this item
            take = min(need, total)
            for d in self.donors:
                d.draw(item, take * d.stock[item] / total)
