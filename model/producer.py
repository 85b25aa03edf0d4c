"""Producer: a firm's line in one nation making one item (DESIGN.md step 4).

Each week, in order: order inputs (cross-border flows need a supply licence that covers the
quantity), produce ``min(capacity × efficiency, inputs, backlog)``, ship by priority class
(``model/allocation.py``), then first come first served, with transit time, learn, and decide
on expansion — a sustained backlog plus a funding signal starts an expansion that arrives
after a lag, up to the physical ceiling.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa

from .cases import Case, CaseKind, CaseStatus
from .orders import Order

if TYPE_CHECKING:
    from .model import CooperationModel
    from .schema_world import Expansion

class ExistingContracts:
    """The buyer of a line's order book at week 0: contracts placed before the run, for
    customers in or outside the modelled world. Its deliveries leave the model."""

    def receive(self, item: str, qty: float) -> None:
        """Goods for pre-existing contracts are delivered and leave the model."""

    def deliver(self, order: Order, qty: float) -> None:
        """A shipment for a pre-existing contract arrives: it leaves the model."""


EXISTING_CONTRACTS = ExistingContracts()


class SupplyArrangement:
    """A cross-border supplier relationship and the quantity its licence still authorises."""

    __slots__ = ("supplier", "licensed", "pending")

    def __init__(self, supplier: "Producer", licensed: float):
        self.supplier = supplier
        self.licensed = licensed
        self.pending = False


class Producer(mesa.Agent):
    """A production line (attributes mirror ``schema_world.Producer``)."""

    def __init__(self, model: "CooperationModel", pid: str, spec, nation, learning_weeks: float):
        super().__init__(model)
        self.pid = pid
        self.nation = nation
        self.item = spec.item
        self.region = nation.region
        self.capacity = spec.capacity_per_week
        self.ceiling = spec.ceiling_per_week
        self.efficiency = spec.efficiency
        self.learning_step = 1.0 - math.exp(-1.0 / learning_weeks)
        self.active_from = spec.active_from_week
        self.expansion: "Expansion" = spec.expansion
        self.planned = sorted(spec.planned_expansions, key=lambda p: p.week)
        self.input_cover = spec.input_cover_weeks
        self.licensor = spec.licensor
        self.owner = spec.owner
        self.us_content_share = spec.us_content_share
        self.bom = dict(model.scenario.items[spec.item].bill_of_materials)
        self.unit_cost = model.scenario.items[spec.item].unit_cost_musd
        self.priority = model.priority
        self._buyer_class: dict = {}  # nation → queue index here (fixed for a run)
        self.queues: list[deque[Order]] = [deque() for _ in range(model.priority.queues)]
        self.class_qty = [0.0] * model.priority.queues
        self.backlog_qty = 0.0
        self.licence_cover = model.scenario.industry.licence_cover_weeks
        self.licence_renewal = model.scenario.industry.licence_renewal_weeks
        self.inputs: dict[str, float] = {}
        self.inputs_on_order: dict[str, float] = {}
        self.suppliers: dict[str, Producer] = {}
        self.arrangements: dict[str, SupplyArrangement] = {}
        self.pending: list[tuple[int, float]] = []
        self.streak = 0
        self.last_decision = -10**6
        self.awaiting_review = False
        self.qualified = False
        self.quick_used = False
        self.output = 0.0
        self.initial_input_weeks = spec.initial_input_weeks
        # Only lines running at week 0 hold pre-run contracts; component lines' books belong to
        # the system lines they feed, which order for themselves.
        book = spec.capacity_per_week * spec.efficiency * spec.initial_backlog_weeks
        self.book = 0.0  # units of the week-0 order book not yet made
        if book > 0 and spec.active_from_week == 0 and model.scenario.items[spec.item].kind == "system":
            self.book = book
            self.accept(Order(EXISTING_CONTRACTS, self.item, book, book, self.region, 0, "existing"))

    # -- wiring -------------------------------------------------------------------------------
    def connect(self, component: str, supplier: "Producer") -> None:
        """Attach a supplier for a component; a foreign one gets a pre-existing licence."""
        self.suppliers[component] = supplier
        per_week = self.capacity * self.bom[component]
        self.inputs[component] = per_week * self.initial_input_weeks
        self.inputs_on_order[component] = 0.0
        if supplier.nation.iso != self.nation.iso:
            self.arrangements[component] = SupplyArrangement(supplier, per_week * self.licence_cover)

    # -- the week -----------------------------------------------------------------------------
    def effective_capacity(self, week: int) -> float:
        """Output possible this week before inputs and backlog: capacity × learning."""
        return self.capacity * self.efficiency if week >= self.active_from else 0.0

    def order_inputs(self, week: int) -> None:
        """Top up each supplied component to ``input_cover`` weeks of production."""
        if not self.suppliers:
            return
        rate = self.capacity * self.efficiency  # stock up before a new line opens, too
        for comp, supplier in self.suppliers.items():
            target = rate * self.bom[comp] * self.input_cover
            need = target - self.inputs[comp] - self.inputs_on_order[comp]
            if need > 1e-9:
                self._order_component(comp, supplier, need, week)

    def _order_component(self, comp: str, supplier: "Producer", qty: float, week: int) -> None:
        arr = self.arrangements.get(comp)
        if arr is not None:
            use = self.capacity * self.efficiency * self.bom[comp]
            if not arr.pending and arr.licensed - qty < max(use * self.licence_renewal, 0.0):
                self._request_supply_licence(comp, arr, qty, week)
            qty = min(qty, arr.licensed)
            if qty <= 1e-9:
                return
            arr.licensed -= qty
        unit_cost = self.model.scenario.items[comp].unit_cost_musd
        order = Order(self, comp, qty, qty, self.region, week, "component", unit_cost)
        self.inputs_on_order[comp] += qty
        supplier.accept(order)

    def _request_supply_licence(self, comp: str, arr: SupplyArrangement, qty: float, week: int) -> None:
        per_week = self.capacity * self.bom[comp]
        amount = max(qty, per_week * self.licence_cover)
        cost = self.model.scenario.items[comp].unit_cost_musd
        case = Case(CaseKind.COMPONENT_SUPPLY, comp, arr.supplier.nation.iso, self.nation.iso,
                    amount * cost, week, arr.supplier.us_content_share,
                    on_finish=self._supply_licence_done, payload=(arr, amount))
        arr.pending = True
        self.model.pipeline.submit(case, week)

    @staticmethod
    def _supply_licence_done(case: Case, week: int) -> None:
        arr, amount = case.payload
        arr.pending = False
        if case.status is CaseStatus.APPROVED:
            arr.licensed += amount

    def accept(self, order: Order) -> None:
        """Take an approved order into the backlog, in the queue of its priority class."""
        i = self.priority_class(order)
        self.queues[i].append(order)
        self.class_qty[i] += order.remaining
        self.backlog_qty += order.remaining

    def priority_class(self, order: Order) -> int:
        """The queue an order joins here: its buyer's class, a component order's flowed-down
        rating, or for the week-0 book the class of the line's own government."""
        buyer = order.buyer
        i = self._buyer_class.get(buyer)
        if i is not None:
            return i
        if buyer is EXISTING_CONTRACTS:
            return self.priority.class_of(self.nation.iso, self.nation.iso)
        if isinstance(buyer, Producer):
            return self.priority.flow_down(buyer.rating(), self.nation.iso)
        return self.class_of_buyer(buyer)

    def class_of_buyer(self, nation) -> int:
        """The queue index here of orders placed by ``nation``."""
        i = self._buyer_class.get(nation)
        if i is None:
            i = self._buyer_class[nation] = self.priority.class_of(nation.iso, self.nation.iso)
        return i

    def rating(self) -> int | None:
        """The most urgent priority class this line holds orders in (None: only unrated ones);
        its component orders carry it to suppliers (DPAS flow-down, P88)."""
        for i in range(self.priority.unrated):
            if self.class_qty[i] > 1e-9:
                return i
        return None

    def queued_ahead(self, buyer) -> float:
        """Units a new order by ``buyer`` (a nation) would wait behind: its class and above."""
        i = self._buyer_class.get(buyer)
        if i is None:
            i = self.class_of_buyer(buyer)
        if i == self.priority.unrated:
            return self.backlog_qty
        return self.class_qty[0] if i == 0 else sum(self.class_qty[: i + 1])

    @property
    def backlog(self) -> list[Order]:
        """Orders not yet made, in the order they will be served."""
        return [o for q in self.queues for o in q]

    def deliver(self, order: Order, qty: float) -> None:
        """A shipment of components ordered by this line arrives."""
        self.receive(order.item, qty)

    def receive(self, item: str, qty: float) -> None:
        """Components arrive into the input inventory."""
        self.inputs[item] += qty
        self.inputs_on_order[item] -= qty

    def produce(self, week: int) -> float:
        """Make what capacity, inputs and backlog allow, and ship it by priority class."""
        amount = min(self.effective_capacity(week), self.backlog_qty)
        for comp in self.suppliers:
            amount = min(amount, self.inputs[comp] / self.bom[comp])
        if amount <= 1e-9:
            self.output = 0.0
            return 0.0
        for comp in self.suppliers:
            self.inputs[comp] -= amount * self.bom[comp]
        self._ship(amount, week)
        self.output = amount
        return amount

    def _ship(self, amount: float, week: int) -> None:
        """Serve the queues in priority order, each first come first served (P88: rated orders
        go first even when unrated ones were placed earlier)."""
        self.backlog_qty -= amount
        for i, queue in enumerate(self.queues):
            while amount > 1e-9 and queue:
                order = queue[0]
                part = min(amount, order.remaining)
                order.remaining -= part
                amount -= part
                self.class_qty[i] -= part
                if order.buyer is EXISTING_CONTRACTS:
                    self.book = max(0.0, self.book - part)
                self.model.ship(order, part, self.region, week)
                if order.remaining <= 1e-9:
                    queue.popleft()
                    if order.buyer is EXISTING_CONTRACTS:
                        self.book = 0.0
            if not queue:
                self.class_qty[i] = 0.0
            if amount <= 1e-9:
                break
        if not any(self.queues):
            self.backlog_qty = 0.0

    def learn(self) -> None:
        """Efficiency closes a fixed share of its gap to 1 each week (learning curve)."""
        if self.efficiency < 1.0:
            self.efficiency = min(1.0, self.efficiency + (1.0 - self.efficiency) * self.learning_step)

    def apply_scheduled(self, week: int) -> None:
        """Expansions and planned changes whose week has come raise capacity or ceiling."""
        while self.planned and self.planned[0].week <= week:
            p = self.planned.pop(0)
            self.ceiling += p.add_ceiling_per_week
            self.capacity = min(self.ceiling, self.capacity + p.add_capacity_per_week)
        if self.pending and self.pending[0][0] <= week:
            arrived = [a for w, a in self.pending if w <= week]
            self.pending = [(w, a) for w, a in self.pending if w > week]
            self.capacity = min(self.ceiling, self.capacity + sum(arrived))

    def consider_expansion(self, week: int, funded: bool) -> None:
        """Start an expansion after a sustained new-order backlog when funding is signalled.

        The first step is quick (extra shifts, ``quick_lag_weeks``); later ones are plant
        expansions (``lag_weeks``, plus ``restart_weeks`` for a cold line), up to the ceiling.
        """
        e = self.expansion
        signal = (self.backlog_qty - self.book) / max(self.capacity, 1e-9)
        self.streak = self.streak + 1 if signal > e.backlog_trigger_weeks else 0
        if not funded or self.streak < e.sustain_weeks or self.awaiting_review:
            return
        if len(self.pending) >= e.max_concurrent or week - self.last_decision < e.sustain_weeks:
            return
        quick = not self.quick_used and e.quick_share > 0
        share, lag = (e.quick_share, e.quick_lag_weeks) if quick else (e.step_share, e.lag_weeks)
        room = self.ceiling - self.capacity - sum(a for _, a in self.pending)
        add = min(share * max(self.capacity, 0.1 * self.ceiling), room)
        if add <= 1e-9:
            return
        self.last_decision = week
        self.quick_used = self.quick_used or quick
        if self.capacity <= 1e-9:
            lag += e.restart_weeks
        if self.owner is not None and self.owner != self.nation.iso and self.nation.iso == "USA":
            self._request_investment_review(week, add, lag)
        else:
            self.pending.append((week + lag, add))
            self.pending.sort()

    def _request_investment_review(self, week: int, add: float, lag: int) -> None:
        case = Case(CaseKind.EXPANSION_REVIEW, self.item, self.owner, "USA", add * self.unit_cost,
                    week, on_finish=self._review_done, payload=(add, lag))
        self.awaiting_review = True
        self.model.pipeline.submit(case, week)

    def _review_done(self, case: Case, week: int) -> None:
        self.awaiting_review = False
        if case.status is CaseStatus.APPROVED:
            add, lag = case.payload
            self.pending.append((week + lag, add))
            self.pending.sort()
