"""Producer: a firm's line in one nation making one item (docs/ODD.md §3, step 4).

Each week, in order: order inputs from each input's suppliers in order of preference (a
supplier with no room passes the order down the list; cross-border flows need a supply licence
that covers the quantity, a foreign-owned US plant must be qualified before a US line uses it;
``model/input_orders.py``),
produce ``min(capacity × efficiency, inputs, backlog)``, ship by priority class
(``model/allocation.py``), then earlier weeks first and the orders of one week pro rata, with
transit time, learn, and decide
on expansion by the one rule every plant follows (``model/expansion.py``). What the line can
actually make given its inputs' supply — its deliverable capacity — is defined in
``model/supply.py``.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa

from . import expansion, input_orders, licence_share, supply
from .cases import Case, CaseKind, CaseStatus
from .orders import Order, buyer_key
from .summation import plain_sum
from .supply import SupplyArrangement

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import CooperationModel


def _order_key(order: Order) -> tuple[str, str, str, str]:
    """A stable order for orders placed in one phase (buyer, item, destination, route): a buyer
    places at most one order of an item with a line in a phase.
    """
    return (buyer_key(order), order.item, order.dest_region, order.route)


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
        self.profile_name, self.expansion = expansion.profile_for(spec, model.scenario_spec)
        self.planned = sorted(spec.planned_expansions, key=lambda p: p.week)
        self.input_cover = spec.input_cover_weeks
        self.licensor = spec.licensor
        #: Output per week its licence covers (the capacity it was licensed at; 0 = not licensed).
        self.licensed_rate = spec.capacity_per_week if spec.licensor is not None else 0.0
        self.owner = spec.owner
        self.us_content_share = spec.us_content_share
        self.bom = dict(model.scenario_spec.items[spec.item].bill_of_materials)
        self.unit_cost = model.scenario_spec.items[spec.item].unit_cost_musd
        self.priority = model.priority
        self._buyer_class: dict = {}  # nation → queue index here (fixed for a run)
        self.queues: list[deque[Order]] = [deque() for _ in range(model.priority.queues)]
        self.class_qty = [0.0] * model.priority.queues
        self.backlog_qty = 0.0
        self.licence_cover = model.scenario_spec.industry.licence_cover_weeks
        self.licence_renewal = model.scenario_spec.industry.licence_renewal_weeks
        self.inputs: dict[str, float] = {}
        self.inputs_on_order: dict[str, float] = {}
        self.suppliers: dict[str, list[Producer]] = {}  # per input, in order of preference
        self.arrangements: dict[str, list[SupplyArrangement]] = {}  # one link per supplier
        self._pipeline_weeks: dict[str, float] = {}  # per input: licence_share.pipeline_weeks
        self.pending: list[tuple[int, float]] = []
        self.streak = 0
        self.signal_window: deque[float] = deque()  # the hazard response's averaged signal
        self._expansion_u: list[float] | None = None  # a block of draws from the stream expansion.<pid> (lazy)
        self.last_decision = -10**6
        self.awaiting_review = False
        self.awaiting_licence = False  # a scenario line whose licence case is open (coproduction.py)
        self.qualified = False
        self.qualifying = False  # a qualification case for this plant is open
        self.quick_used = False
        self.output = 0.0
        self.made_value = 0.0  # value of everything the line made in the run ($M)
        self.last_output_week: int | None = None  # last week it made anything
        self.customers: list[tuple[Producer, str, int]] = []  # (line, input, index of its link)
        self.unmet: dict[str, float] = {}  # input need its last production could not meet
        self._deliverable_cache: tuple[int, float] | None = None
        self._need_cache: tuple[int, float] | None = None
        self._weight_cache: tuple[int, dict[str, list[float]]] = (-1, {})
        self.investments = expansion.investments_for(self, model)
        self.initial_input_weeks = spec.initial_input_weeks
        self.book = 0.0  # units of the week-0 order book not yet made (model/warm_start.py)
        weeks = spec.initial_backlog_weeks
        self.book_weeks = model.scenario_spec.warm_start.order_book_weeks if weeks is None else weeks
        self.incoming: list[Order] = []  # orders placed in the current simultaneous phase

    # -- wiring -------------------------------------------------------------------------------
    def connect(self, component: str, suppliers: "Sequence[Producer]", established: bool = True) -> None:
        """Attach a component's suppliers, in order of preference.

        The first supplier of a line present when the run starts (``established``) is the link
        in use: a foreign one holds a pre-existing supply licence with what is left of
        ``industry.licence_cover_weeks`` of inputs (drawn, ``_licence_left``) (US technology in it counts as released to the line's nation), and a
        foreign-owned US plant already counts as qualified for a US line. The links further
        down the list, and every link of a line stood up during the run, are licensed (or
        qualified) when the line first turns to them. Every supplier on the list counts the
        line among its customers (``customers``: deliverable capacity and the expansion rule
        read them, ``model/supply.py``).
        """
        per_week = self.capacity * self.bom[component]
        self.suppliers[component] = list(suppliers)
        self.inputs[component] = per_week * self.initial_input_weeks
        self.inputs_on_order[component] = 0.0
        links = []
        for i, supplier in enumerate(suppliers):
            in_use = established and i == 0
            if supplier.nation.iso != self.nation.iso:
                link = SupplyArrangement(supplier, self._licence_left(component, per_week) if in_use else 0.0)
                if in_use and supplier.nation.iso == "USA":
                    self.nation.released.add(component)
            else:
                link = SupplyArrangement(supplier, math.inf, cross_border=False)
                if in_use and self._needs_qualification(supplier):
                    supplier.qualified = True
            links.append(link)
            supplier.customers.append((self, component, i))
        self.arrangements[component] = links

    def _licence_left(self, component: str, per_week: float) -> float:
        """What a week-0 supply licence still authorises (units): the full cover, or its drawn
        remaining life (``industry.licence_life_drawn``, stream ``licence.<producer>.<input>``).
        """
        full = per_week * self.licence_cover
        if not self.model.scenario_spec.industry.licence_life_drawn:
            return full
        return full * (1.0 - self.model.streams[f"licence.{self.pid}.{component}"].random())

    def _needs_qualification(self, supplier: "Producer") -> bool:
        """A US line using a foreign-owned plant in the US (investment review, FOCI)."""
        return (self.nation.iso == "USA" and supplier.nation.iso == "USA"
                and supplier.owner is not None and supplier.owner != "USA")

    # -- the week -----------------------------------------------------------------------------
    def effective_capacity(self, week: int) -> float:
        """Output possible this week before inputs and backlog: capacity × learning."""
        return self.capacity * self.efficiency if week >= self.active_from else 0.0

    def deliverable_capacity(self, week: int) -> float:
        """What the line can make per week given its inputs on hand and their supply over the
        look-ahead window: ``min(capacity × efficiency, input-limited rate)``, 0 before it
        opens (units/week; definition in ``model/supply.py``).
        """
        return 0.0 if week < self.active_from else self.deliverable_rate(week)

    def deliverable_rate(self, week: int) -> float:
        """:meth:`deliverable_capacity` as if the line were open (the pace a buyer waits on)."""
        cached = self._deliverable_cache  # read several times a week: cached per supply epoch
        if cached is not None and cached[0] == self.model.supply_epoch:
            return cached[1]
        return supply.deliverable_rate(self, week)

    def supply_room(self, week: int, lookahead: float) -> float:
        """Units a new order could add and still be made within ``lookahead`` weeks.

        Room = deliverable rate × the weeks of the look-ahead the line is open − its backlog:
        a supplier short of its own inputs has less room than its nameplate suggests.
        """
        open_weeks = lookahead - max(0, self.active_from - week)
        if open_weeks <= 0:
            return 0.0
        return max(0.0, self.deliverable_rate(week) * open_weeks - self.backlog_qty)

    #: ``order_inputs(week)``: top up each supplied input to ``input_cover`` weeks of production
    #: (plus transit); the rule and the cases it opens are in ``model/input_orders.py`` (the
    #: function itself as the method, so the weekly pass pays no extra call).
    order_inputs = input_orders.order_inputs

    def accept(self, order: Order) -> None:
        """Take an approved order into the backlog, in the queue of its priority class; in a
        simultaneous phase (``model.collecting``) it joins at the end of the phase.
        """
        if self.model.collecting:
            self.incoming.append(order)
            return
        self._queue(order, self.model.week)

    def take_incoming(self) -> None:
        """The orders of the phase just ended join the backlog together, in a stable order
        (``CooperationModel._settle`` calls it only on a line that took orders).
        """
        incoming = self.incoming
        week = self.model.week
        for order in sorted(incoming, key=_order_key) if len(incoming) > 1 else incoming:
            self._queue(order, week)
        self.incoming = []

    def _queue(self, order: Order, week: int) -> None:
        order.queued_week = week
        i = self.priority_class(order)
        self.queues[i].append(order)
        self.class_qty[i] += order.remaining
        self.backlog_qty += order.remaining
        if order.book:
            self.book += order.remaining

    def priority_class(self, order: Order) -> int:
        """The queue an order joins here: its buyer's class, a component order's flowed-down
        rating.
        """
        buyer = order.buyer
        i = self._buyer_class.get(buyer)
        if i is not None:
            return i
        if isinstance(buyer, Producer):
            return self.priority.component_class(buyer, self.nation.iso, order.licensed)
        return self.class_of_buyer(buyer)

    def class_of_buyer(self, nation) -> int:
        """The queue index here of orders placed by ``nation``."""
        i = self._buyer_class.get(nation)
        if i is None:
            i = self._buyer_class[nation] = self.priority.class_of(nation.iso, self.nation.iso)
        return i

    def rating(self) -> int | None:
        """The most urgent priority class this line holds orders in (None: only unrated ones);
        its component orders carry it to suppliers (DPAS flow-down, P88).
        """
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
        return self.class_qty[0] if i == 0 else plain_sum(self.class_qty[: i + 1])

    @property
    def backlog(self) -> list[Order]:
        """Orders not yet made, in the order they will be served."""
        return [o for q in self.queues for o in q]

    def deliver(self, order: Order, qty: float) -> None:
        """A shipment of components ordered by this line arrives."""
        item, link = order.item, order.link
        self.inputs[item] += qty  # as receive
        self.inputs_on_order[item] -= qty
        if link is not None:
            link.on_order -= qty
            if link.waiting_unrated > 0.0:  # only a licensed line orders beyond its share
                licence_share.delivered(order, qty)

    def receive(self, item: str, qty: float) -> None:
        """Components arrive into the input inventory."""
        self.inputs[item] += qty
        self.inputs_on_order[item] -= qty

    def produce(self, week: int) -> float:
        """Make what capacity, inputs and backlog allow, and ship it by priority class."""
        amount = min(self.effective_capacity(week), self.backlog_qty)
        if self.suppliers:
            amount = self._input_limited(amount)
        if amount <= 1e-9:
            self.output = 0.0
            return 0.0
        inputs, bom = self.inputs, self.bom
        for comp in self.suppliers:
            inputs[comp] -= amount * bom[comp]
        self._ship(amount, week)
        self.output = amount
        self.made_value += amount * self.unit_cost
        self.last_output_week = week
        return amount

    def _input_limited(self, wanted: float) -> float:
        """Record, per supplied input, what making ``wanted`` units needs beyond the inputs on
        hand (its supplier's shortage signal, ``model/expansion.py``); returns how many of them
        the inputs on hand allow.
        """
        inputs, bom, unmet = self.inputs, self.bom, self.unmet
        amount = wanted
        for comp in self.suppliers:
            have, per_unit = inputs[comp], bom[comp]
            short = wanted * per_unit - have
            unmet[comp] = short if short > 0.0 else 0.0  # max(0.0, short)
            allowed = have / per_unit
            if allowed < amount:  # min(amount, allowed)
                amount = allowed
        return amount

    def _ship(self, amount: float, week: int) -> None:
        """Serve the queues in priority order (P88: rated orders go first even when unrated
        ones were placed earlier); within a class, earlier weeks first, and the orders that
        joined in the same week together, pro rata to what each still lacks.
        """
        self.backlog_qty -= amount
        for i, queue in enumerate(self.queues):
            while amount > 1e-9 and queue:
                amount = self._serve_cohort(i, queue, amount, week)
            if not queue:
                self.class_qty[i] = 0.0
            if amount <= 1e-9:
                break
        if not any(self.queues):
            self.backlog_qty = 0.0

    def _serve_cohort(self, i: int, queue: "deque[Order]", amount: float, week: int) -> float:
        """Ship to the orders at the head of ``queue`` that joined in the same week; returns
        what is left of ``amount``.
        """
        head = queue[0]
        if len(queue) == 1 or queue[1].queued_week != head.queued_week:
            # the usual case: one order joined that week (its fsum is itself)
            total = head.remaining
            if amount >= total - 1e-9:
                self._ship_part(head, total, i, week)
                queue.popleft()
                left = amount - total
                return left if left > 0.0 else 0.0  # max(0.0, left)
            self._ship_part(head, total * (amount / total), i, week)
            return 0.0
        joined = head.queued_week
        cohort = []
        for o in queue:  # the orders at the head that joined in the same week
            if o.queued_week != joined:
                break
            cohort.append(o)
        total = math.fsum([o.remaining for o in cohort])
        share = 1.0 if amount >= total - 1e-9 else amount / total
        for order in cohort:
            self._ship_part(order, order.remaining if share == 1.0 else order.remaining * share, i, week)
        if share < 1.0:
            return 0.0
        for _ in cohort:
            queue.popleft()
        return max(0.0, amount - total)

    def _ship_part(self, order: Order, part: float, i: int, week: int) -> None:
        """Ship ``part`` of an order in queue ``i``."""
        order.remaining -= part
        self.class_qty[i] -= part
        if order.book:
            self.book = max(0.0, self.book - part)
        self.model.ship(order, part, self.region, week)

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
            self.capacity = min(self.ceiling, self.capacity + plain_sum(arrived))

    def consider_expansion(self, week: int, funded: bool) -> None:
        """Apply the expansion rule (``model/expansion.py``); ``funded`` is the scenario-wide
        funding signal (multi-year contracts or an active crisis).
        """
        expansion.consider(self, week, funded)

    def expansion_draw(self, week: int) -> float:
        """This week's uniform draw of the plant's expansion stream (``expansion.<pid>``),
        drawn in blocks of a horizon so that one draw per week costs an array read.
        """
        u = self._expansion_u
        if u is None or week >= len(u):
            block = self.model.streams[f"expansion.{self.pid}"].random(self.model.horizon + 1).tolist()
            u = self._expansion_u = block if u is None else u + block
        return u[week]

    def start_step(self, week: int, add: float, lag: int) -> None:
        """Commit to adding ``add`` units/week after ``lag`` weeks; a foreign-owned US plant
        first passes an investment review.
        """
        if self.owner is not None and self.owner != self.nation.iso and self.nation.iso == "USA":
            self._request_investment_review(week, add, lag)
        else:
            self.pending.append((week + lag, add))
            self.pending.sort()

    def _request_investment_review(self, week: int, add: float, lag: int) -> None:
        case = Case(CaseKind.EXPANSION_REVIEW, self.item, self.owner, "USA", add * self.unit_cost,
                    week, on_finish=self._review_done, payload=(add, lag), key=self.pid)
        self.awaiting_review = True
        self.model.pipeline.submit(case, week)

    def _review_done(self, case: Case, week: int) -> None:
        self.awaiting_review = False
        if case.status is CaseStatus.APPROVED:
            add, lag = case.payload
            self.pending.append((week + lag, add))
            self.pending.sort()
