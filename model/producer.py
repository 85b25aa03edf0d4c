"""Producer: a firm's line in one nation making one item (DESIGN.md step 4).

Each week, in order: order inputs (cross-border flows need a supply licence that covers the
quantity), produce ``min(capacity × efficiency, inputs, backlog)``, ship first-in first-out
with transit time, learn, and decide on expansion by the one rule every plant follows
(``model/expansion.py``). What the line can actually make given its inputs' supply — its
deliverable capacity — is defined in ``model/supply.py``.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa

from . import expansion, supply
from .cases import Case, CaseKind, CaseStatus
from .orders import Order

if TYPE_CHECKING:
    from .model import CooperationModel

#: Weeks of base-rate input use an existing cross-border supply licence covers (assumption:
#: DSP-5 licences run four years; two years of volume are authorised at a time).
LICENCE_COVER_WEEKS = 104.0
#: A line applies for more licensed quantity when what is left covers fewer weeks of its
#: current use than this (assumption: amendments are filed about six months ahead).
LICENCE_RENEWAL_WEEKS = 26.0


class ExistingContracts:
    """The buyer of a line's order book at week 0: contracts placed before the run, for
    customers in or outside the modelled world. Its deliveries leave the model."""

    def receive(self, item: str, qty: float) -> None:
        """Goods for pre-existing contracts are delivered and leave the model."""


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
        self.profile_name, self.expansion = expansion.profile_for(spec, model.scenario)
        self.planned = sorted(spec.planned_expansions, key=lambda p: p.week)
        self.input_cover = spec.input_cover_weeks
        self.licensor = spec.licensor
        self.owner = spec.owner
        self.us_content_share = spec.us_content_share
        self.bom = dict(model.scenario.items[spec.item].bill_of_materials)
        self.unit_cost = model.scenario.items[spec.item].unit_cost_musd
        self.backlog: deque[Order] = deque()
        self.backlog_qty = 0.0
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
        self.customers: list[tuple[Producer, str]] = []  # (line it supplies, component)
        self.unmet: dict[str, float] = {}  # input need its last production could not meet
        self._deliverable_cache: tuple[int, float] | None = None
        self._need_cache: tuple[int, float] | None = None
        self.investments = expansion.investments_for(self, model)
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
        supplier.customers.append((self, component))
        per_week = self.capacity * self.bom[component]
        self.inputs[component] = per_week * self.initial_input_weeks
        self.inputs_on_order[component] = 0.0
        if supplier.nation.iso != self.nation.iso:
            self.arrangements[component] = SupplyArrangement(supplier, per_week * LICENCE_COVER_WEEKS)

    # -- the week -----------------------------------------------------------------------------
    def effective_capacity(self, week: int) -> float:
        """Output possible this week before inputs and backlog: capacity × learning."""
        return self.capacity * self.efficiency if week >= self.active_from else 0.0

    def deliverable_capacity(self, week: int) -> float:
        """What the line can make per week given its inputs on hand and their supply over the
        look-ahead window: ``min(capacity × efficiency, input-limited rate)``, 0 before it
        opens (units/week; definition in ``model/supply.py``)."""
        return 0.0 if week < self.active_from else self.deliverable_rate(week)

    def deliverable_rate(self, week: int) -> float:
        """:meth:`deliverable_capacity` as if the line were open (the pace a buyer waits on)."""
        cached = self._deliverable_cache  # read several times a week: cached per supply epoch
        if cached is not None and cached[0] == self.model.supply_epoch:
            return cached[1]
        return supply.deliverable_rate(self, week)

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
            if not arr.pending and arr.licensed - qty < max(use * LICENCE_RENEWAL_WEEKS, 0.0):
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
        amount = max(qty, per_week * LICENCE_COVER_WEEKS)
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
        """Take an approved order into the backlog."""
        self.backlog.append(order)
        self.backlog_qty += order.remaining

    def receive(self, item: str, qty: float) -> None:
        """Components arrive into the input inventory."""
        self.inputs[item] += qty
        self.inputs_on_order[item] -= qty

    def produce(self, week: int) -> float:
        """Make what capacity, inputs and backlog allow, and ship it first-in first-out."""
        amount = min(self.effective_capacity(week), self.backlog_qty)
        self._note_unmet(amount)
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

    def _note_unmet(self, wanted: float) -> None:
        """Record, per supplied input, what making ``wanted`` units needs beyond the inputs on
        hand (its supplier's shortage signal, ``model/expansion.py``)."""
        for comp in self.suppliers:
            self.unmet[comp] = max(0.0, wanted * self.bom[comp] - self.inputs[comp])

    def _ship(self, amount: float, week: int) -> None:
        self.backlog_qty -= amount
        self.book = max(0.0, self.book - amount)  # the book is at the head of the queue
        while amount > 1e-9 and self.backlog:
            order = self.backlog[0]
            part = min(amount, order.remaining)
            order.remaining -= part
            amount -= part
            self.model.ship(order, part, self.region, week)
            if order.remaining <= 1e-9:
                self.backlog.popleft()
        if not self.backlog:
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
        """Apply the expansion rule (``model/expansion.py``); ``funded`` is the scenario-wide
        funding signal (multi-year contracts or an active crisis)."""
        expansion.consider(self, week, funded)

    def start_step(self, week: int, add: float, lag: int) -> None:
        """Commit to adding ``add`` units/week after ``lag`` weeks; a foreign-owned US plant
        first passes an investment review."""
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
