"""Crises: a theater that consumes allied stocks for a while (docs/ODD.md §2, 'crisis').

A crisis is scripted (a region, a start week, a duration) or started by an adversary. While
it runs, its consumption is drawn from the stock its donors hold *in the theatre*, in
proportion to what each holds there; what the theatre lacks goes unmet, and is kept (by item,
in units) for the theatre's shortfall metric and weekly series. Donors then move
reinforcements from their other regions, nearest first, limited by their lift: each keeps
its theatre position (held there plus on the way) at its share of the consumption over the
lead time from its nearest other stock, and its lift sends at most ``lift_share_per_week`` of
what a region holds each week; reinforcements land after the transit time. Donors' stock
objectives and budgets are raised (a supplemental), which turns drained stocks into surge
orders for producers.

A crisis with a ``recipient`` (a nation outside the modelled world, e.g. Ukraine) is a
donation: allied donors give stock with US-controlled content only as far as their re-transfer
consents cover it (``model/retransfer.py``), and ask for consent for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .summation import plain_sum

if TYPE_CHECKING:
    from .retransfer import Consents


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
        consents: donors' re-transfer consents, for a crisis whose draws go to a third country.
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
    consents: "Consents | None" = None
    #: units of each item its consumption asked for, and the part the theatre could not supply.
    demanded: dict[str, float] = field(default_factory=dict)
    unmet: dict[str, float] = field(default_factory=dict)
    #: units unmet this week by item (the weekly shortfall series).
    unmet_now: dict[str, float] = field(default_factory=dict)

    def active(self, week: int) -> bool:
        """Whether the crisis runs in ``week``."""
        return self.start_week <= week < self.end_week

    def draw(self, week: int, transit: Mapping[tuple[str, str], int]) -> None:
        """Take one week's consumption from stock held in the theatre (pro rata to what each
        donor holds there), then send reinforcements toward it.
        """
        region = self.region
        consents = self.consents
        for item, need in self.consumption.items():
            if consents is None:
                held = [at[item] if (at := d.held.get(region)) is not None else 0.0 for d in self.donors]
            else:  # a donation: tainted stock only as far as consent covers it
                for d in self.donors:
                    consents.ask(d, item, week)
                held = [consents.usable(d, region, item) for d in self.donors]
            total = plain_sum(held)
            take = 0.0
            if total > 1e-9:  # else the theatre goes short of this item this week
                take = min(need, total)
                for d, h in zip(self.donors, held):
                    if h > 0.0:
                        if consents is None:
                            d.draw(region, item, take * h / total)
                        else:
                            consents.give(d, region, item, take * h / total)
            self._tally(item, need, take)
            self._reinforce(item, need, week, transit)

    def _tally(self, item: str, need: float, take: float) -> None:
        """Keep what the theatre asked for and what it went without (unmet = need − take)."""
        short = max(0.0, need - take)
        self.demanded[item] = self.demanded.get(item, 0.0) + need
        self.unmet[item] = self.unmet.get(item, 0.0) + short
        self.unmet_now[item] = short

    def _reinforce(self, item: str, need: float, week: int, transit: Mapping[tuple[str, str], int]) -> None:
        """Each donor tops its theatre position up to its share (by total holdings) of the
        consumption over the lead time from its nearest other stock, plus this week's.
        """
        totals = [d.stock[item] + d.moving[item] for d in self.donors]
        grand = plain_sum(totals)
        if grand <= 1e-9:
            return
        region = self.region
        for d, own in zip(self.donors, totals):
            lift = d.lift_share_per_week
            if own <= 1e-9 or lift <= 0.0 or (len(d.held) == 1 and region in d.held):
                continue  # nothing held outside the theatre, or no lift
            sources = sorted((transit[(r, region)], r) for r, at in d.held.items()
                             if r != region and at[item] > 1e-9)
            if not sources:
                continue
            level = need * own / grand * (sources[0][0] + 1)
            gap = level - d.held_in(region, item) - d.moving_to(region, item)
            for t, r in sources:
                if gap <= 1e-9:
                    break
                qty = min(gap, lift * d.held[r][item])
                d.move(item, r, region, qty, t, week)
                gap -= qty
