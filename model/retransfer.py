"""ITAR taint: US-controlled content in allied stock, and re-transfer consent for donations.

Goods made in the US, or by an allied line whose output carries US-controlled content
(``Producer.us_content_share`` above ``barriers.third_party_transfer.min_us_content_share``),
stay under US re-transfer control wherever they are held: an ally that passes them on to a
third country needs US consent first (22 CFR 123.9; the SCALP-EG case, P130, P131; Baltic
and Estonian requests to pass US-origin missiles to Ukraine, P132, P133). The model keeps it
cheap: each nation holds, per item, the *share* of its holdings (stock plus reinforcements on
the way) that carries US content (``Nation.us_share``). A delivery mixes its goods into that
share; peacetime use and moves between regions draw pro rata and leave it unchanged.

A crisis whose draws go to a nation outside the modelled world (``crises[].recipient``, e.g.
Ukraine) is a donation: each allied donor gives its untainted stock freely and its tainted
stock only up to the quantity its consents cover. When its tainted holdings exceed that cover
it asks for consent for the difference, one ``RETRANSFER`` case at a time per item, through the
``third_party_transfer`` barrier; a denied request is made again the next week the crisis draws.
The US gives its own stock without a consent (its drawdowns are not this barrier). A crisis the
allies fight themselves (no recipient) draws stock as it is.

An allied line may design out its US content (``policies.itar_free``, sources P128–P131): from
the stated week its output is untainted, and buyers pay the stated premium on its price.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cases import Case, CaseKind, CaseStatus

if TYPE_CHECKING:
    from .model import CooperationModel
    from .nation import Nation
    from .orders import Order
    from .producer import Producer
    from .schema import Scenario

_EPS = 1e-9


def min_share(scenario: "Scenario") -> float:
    """US content share above which goods are under re-transfer control (share)."""
    return scenario.barriers.third_party_transfer.min_us_content_share  # type: ignore[attr-defined]


def initial_shares(scenario: "Scenario", iso: str) -> dict[str, float]:
    """Share of a nation's week-0 holdings of each item that carries US-controlled content.

    The US's own stock is not under re-transfer control (0). For an ally, the item's
    ``us_controlled_stock_share`` where the scenario gives one; else 1 for a system some US line
    makes (allies' stocks of US designs were bought from the US or made under US licence) and 0
    for everything else.
    """
    if iso == "USA":
        return dict.fromkeys(scenario.items, 0.0)
    us_made = {p.item for p in scenario.producers.values() if p.nation == "USA"}
    out = {}
    for key, it in scenario.items.items():
        share = it.us_controlled_stock_share
        if share is None:
            share = 1.0 if it.kind == "system" and key in us_made else 0.0
        out[key] = share
    return out


def carries_us_content(producer: "Producer", week: int) -> bool:
    """Whether the line's output is under US re-transfer control this week."""
    if producer.nation.iso == "USA":
        return True
    return content_share(producer, week) > min_share(producer.model.scenario_spec)


def content_share(producer: "Producer", week: int) -> float:
    """US-controlled share of the value of the line's output this week (0 once designed out)."""
    design = producer.model.itar_free.get(producer.pid)
    if design is not None and week >= design.from_week + design.design_out_weeks:
        return 0.0
    return producer.us_content_share


def price_factor(producer: "Producer", week: int) -> float:
    """Multiplier on the price buyers pay a line (the ITAR-free premium once designed out)."""
    design = producer.model.itar_free.get(producer.pid)
    if design is not None and week >= design.from_week + design.design_out_weeks:
        return 1.0 + design.unit_cost_premium
    return 1.0


def on_delivery(nation: "Nation", order: "Order", qty: float) -> None:
    """Mix a delivery into the nation's share of holdings with US content (before it lands)."""
    item = order.item
    have = nation.stock[item] + nation.moving[item]
    if nation.iso == "USA" or have + qty <= _EPS:
        return
    share = nation.us_share.get(item, 0.0)
    nation.us_share[item] = (share * have + (qty if order.us_content else 0.0)) / (have + qty)


class Consents:
    """The re-transfer consents donors hold for one crisis whose draws go to a third country.

    Args:
        model: the running model (pipeline, scenario).
        recipient: the third country the donations go to (ISO3, outside the modelled world).
        donors: the crisis's donors.
        items: the items the crisis consumes.
        held_at_start: consents already cover each donor's tainted holdings when the crisis is
            built (a war running before the run starts).
    """

    def __init__(self, model: "CooperationModel", recipient: str, donors: list["Nation"],
                 items: list[str], held_at_start: bool):
        self.model = model
        self.recipient = recipient
        self.left: dict[tuple[str, str], float] = {}  # (donor, item) → tainted units consented
        self.pending: set[tuple[str, str]] = set()
        self.requests = 0
        if held_at_start:
            for d in donors:
                for item in items:
                    self.left[(d.iso, item)] = tainted_units(d, item)

    def usable(self, donor: "Nation", region: str, item: str) -> float:
        """Units of ``item`` the donor may give from what it holds in ``region``."""
        held = donor.held_in(region, item)
        share = donor.us_share.get(item, 0.0)
        if donor.iso == "USA" or share <= 0.0:
            return held
        tainted = held * share
        return held - tainted + min(tainted, self.left.get((donor.iso, item), 0.0))

    def give(self, donor: "Nation", region: str, item: str, qty: float) -> None:
        """Take ``qty`` from the donor's stock in ``region``: from its untainted and its
        consented tainted stock pro rata, spending consent and updating its tainted share.
        """
        share = donor.us_share.get(item, 0.0)
        if donor.iso == "USA" or share <= 0.0:
            donor.draw(region, item, qty)
            return
        held = donor.held_in(region, item)
        key = (donor.iso, item)
        consented = min(held * share, self.left.get(key, 0.0))
        usable = held * (1.0 - share) + consented
        tainted_part = qty * consented / usable if usable > _EPS else 0.0
        have = donor.stock[item] + donor.moving[item]
        taken = donor.draw(region, item, qty)
        self.left[key] = max(0.0, self.left.get(key, 0.0) - tainted_part)
        after = have - taken
        donor.us_share[item] = min(1.0, max(0.0, (share * have - tainted_part) / after)) if after > _EPS else share

    def ask(self, donor: "Nation", item: str, week: int) -> None:
        """Ask for consent for the donor's tainted holdings not yet covered (one case at a time)."""
        key = (donor.iso, item)
        if donor.iso == "USA" or key in self.pending:
            return
        uncovered = tainted_units(donor, item) - self.left.get(key, 0.0)
        if uncovered <= 1e-6:
            return
        cost = self.model.scenario_spec.items[item].unit_cost_musd
        case = Case(CaseKind.RETRANSFER, item, donor.iso, self.recipient, uncovered * cost, week, 1.0,
                    on_finish=self._done, payload=(key, uncovered))
        self.pending.add(key)
        self.requests += 1
        self.model.pipeline.submit(case, week)

    def _done(self, case: Case, week: int) -> None:
        key, qty = case.payload
        self.pending.discard(key)
        if case.status is CaseStatus.APPROVED:
            self.left[key] = self.left.get(key, 0.0) + qty


def tainted_units(nation: "Nation", item: str) -> float:
    """Units of the nation's holdings (stock plus on the way) with US-controlled content."""
    return nation.us_share.get(item, 0.0) * (nation.stock[item] + nation.moving[item])
