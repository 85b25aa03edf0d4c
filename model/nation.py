"""Nation: a government that holds stocks, consumes them and buys (DESIGN.md step 3).

Each week, in order: crisis draws (done by the model for donors), peacetime consumption,
budget accrual, then for each system whose stock plus pipeline has fallen below the reorder
point, an order up to the requirement — as much as the budget allows — placed with the
source chosen in ``model/sourcing.py``. A nation learns the regulatory time of each route
from its own finished cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from . import sourcing
from .cases import Case, CaseKind, CaseStatus
from .orders import Order

if TYPE_CHECKING:
    from .model import CooperationModel
    from .producer import Producer


class Nation(mesa.Agent):
    """A nation (attributes mirror ``schema_world.Nation``)."""

    def __init__(self, model: "CooperationModel", iso: str, spec):
        super().__init__(model)
        self.iso = iso
        self.region = spec.region
        self.goals = spec.goals
        self.budget_per_year = spec.budget_musd_per_year
        self.reorder_point = spec.reorder_point
        items = model.scenario.items
        self.stock = {k: float(spec.stocks.get(k, 0.0)) for k in items}
        self.base_requirement = {k: float(v) for k, v in spec.requirements.items()}
        self.use = {k: float(v) for k, v in spec.peacetime_use_per_week.items() if v > 0}
        self.on_order = {k: 0.0 for k in items}
        self.stock_share = dict(spec.stock_regions) or {spec.region: 1.0}
        self.budget = self.budget_per_year * model.scenario.sourcing.initial_budget_share
        self.requirement_mult = 1.0
        self.budget_mult = 1.0
        self.in_crisis = False
        self.expect: dict[tuple[str, str], float] = {}
        self.licences: set[str] = set()
        self.released: set[str] = set()  # US items whose technology has been released to it
        self.licence_pending = False
        self.option_cache: dict[str, tuple[int, list]] = {}
        self.weighted_items: list[tuple[str, float]] = []

    # -- stocks -------------------------------------------------------------------------------
    def draw(self, item: str, qty: float) -> float:
        """Take up to ``qty`` from stock (crisis donation); returns what was taken."""
        taken = min(qty, self.stock[item])
        self.stock[item] -= taken
        return taken

    def consume(self) -> None:
        """Peacetime training and test use."""
        for item, qty in self.use.items():
            self.stock[item] = max(0.0, self.stock[item] - qty)

    def receive(self, item: str, qty: float) -> None:
        """A delivery arrives."""
        self.stock[item] += qty
        self.on_order[item] -= qty

    def deliver(self, order: "Order", qty: float) -> None:
        """A shipment of an order arrives."""
        self.receive(order.item, qty)

    def requirement(self, item: str) -> float:
        """Stock objective now (raised while the nation supports a crisis)."""
        return self.base_requirement.get(item, 0.0) * self.requirement_mult

    # -- buying -------------------------------------------------------------------------------
    def accrue_budget(self) -> None:
        """A week of budget; unspent money carries over up to one year's worth."""
        year = self.budget_per_year * self.budget_mult
        self.budget = min(year, self.budget + year / 52.0)

    def procure(self, week: int) -> None:
        """Order every system whose stock plus pipeline is below the reorder point."""
        model = self.model
        for item, base in self.base_requirement.items():
            req = base * self.requirement_mult
            position = self.stock[item] + self.on_order[item]
            if req <= 0 or position >= self.reorder_point * req:
                continue
            cost = model.scenario.items[item].unit_cost_musd
            qty = req - position
            if cost > 0:
                qty = min(qty, self.budget / cost)
            if qty < model.scenario.sourcing.min_order_share * req or qty <= 0:
                continue
            self._place(item, qty, cost, week)

    def _place(self, item: str, qty: float, cost: float, week: int) -> None:
        model = self.model
        opts = sourcing.options(self, item, qty, week, model)
        if not opts:
            return
        urgency = model.scenario.sourcing.crisis_urgency if self.in_crisis else 1.0
        opt = sourcing.choose(self, opts, urgency, model, model.streams["sourcing"])
        order = Order(self, item, qty, qty, self.region, week, opt.route, cost)
        self.budget -= qty * cost
        self.on_order[item] += qty
        case = sourcing.sale_case(self, opt, item, qty, week, cost)
        if case is None:
            opt.producer.accept(order)
            return
        case.on_finish = self._sale_done
        case.payload = (order, opt.producer)
        model.pipeline.submit(case, week)

    def _sale_done(self, case: Case, week: int) -> None:
        order, producer = case.payload
        if case.kind is CaseKind.QUALIFICATION:
            producer.qualified = case.status is CaseStatus.APPROVED
        else:
            self.learn(order.route, order.item, case.delay_weeks)
        if case.status is CaseStatus.APPROVED:
            producer.accept(order)
        else:
            self.on_order[order.item] -= order.quantity
            self.budget += order.quantity * order.unit_cost_musd

    # -- expectations -------------------------------------------------------------------------
    def expected_regulatory_weeks(self, route: str, producer: "Producer", item: str,
                                  qty: float, week: int) -> float:
        """Regulatory time this buyer expects on a route: learned, else the nominal prior."""
        key = (route, item)
        if key not in self.expect:
            probe = sourcing.sale_case(self, sourcing.Option(route, producer, 0), item, qty,
                                       week, self.model.scenario.items[item].unit_cost_musd)
            self.expect[key] = 0.0 if probe is None else self.model.pipeline.expected_weeks(probe, week)
        return self.expect[key]

    def learn(self, route: str, item: str, observed_weeks: float) -> None:
        """Move the expectation of a route toward what a finished case took."""
        lr = self.model.scenario.sourcing.learning_rate
        key = (route, item)
        prior = self.expect.get(key, observed_weeks)
        self.expect[key] = (1.0 - lr) * prior + lr * observed_weeks
