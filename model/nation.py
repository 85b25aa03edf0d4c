"""Nation: a government that holds stocks, consumes them and buys (docs/ODD.md §3, step 3).

Each week, in order: crisis draws (done by the model for donors), peacetime consumption,
budget accrual, then for each system whose stock plus pipeline has fallen below the reorder
point, an order up to the requirement — within the share of the budget the demand rule gives
it (``model/demand.py``) — placed with the source chosen in ``model/sourcing.py``. A nation learns the regulatory time of each route
from its own finished cases.

Stock is held by region (the nation's posture): ``held[region][item]``, with ``stock[item]``
the total held. An order is delivered into the region furthest below its posture share;
crises draw on what is held in the theatre and move reinforcements from other regions
(``move`` then ``land`` after the transit time); peacetime use draws pro rata everywhere.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from . import demand, release, retransfer, sourcing
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
        items = model.scenario_spec.items
        self.stock = {k: float(spec.stocks.get(k, 0.0)) for k in items}
        self.base_requirement = {k: float(v) for k, v in spec.requirements.items()}
        self.use = {k: float(v) for k, v in spec.peacetime_use_per_week.items() if v > 0}
        self.on_order = dict.fromkeys(items, 0.0)
        self.posture = dict(spec.posture) or {spec.region: 1.0}
        self.lift_share_per_week = spec.lift_share_per_week
        self.held = {r: {k: q * share for k, q in self.stock.items()} for r, share in self.posture.items()}
        self.moving = dict.fromkeys(items, 0.0)  # reinforcements between regions, all destinations
        self.us_share = retransfer.initial_shares(model.scenario_spec, iso)  # holdings with US content
        self.inbound = {r: dict.fromkeys(items, 0.0) for r in self.posture}  # on order, by destination
        self.en_route: dict[str, dict[str, float]] = {}  # reinforcements, by destination
        self._sourcing_streams: dict[str, np.random.Generator] = {}
        self.requirement_keys = sorted(self.base_requirement)  # the order of a list changes nothing
        self.earmark: dict[str, float] = {}  # item → money saved toward its next order ($M)
        self._coproduction_stream: np.random.Generator | None = None
        self._coproduction_draws: list[float] = []  # a block of its draws, read in order
        self._coproduction_next = 0  # index of the next unread draw in the block
        self.budget = self.budget_per_year * model.scenario_spec.sourcing.initial_budget_share
        self.requirement_mult = 1.0
        self.budget_mult = 1.0
        self.in_crisis = False
        self.expect: dict[tuple[str, str], float] = {}
        self.licences: set[str] = set()
        self.released: set[str] = set(spec.released)  # US items whose technology is released to it
        self.cleared: set[str] = set()  # items whose marked data were found releasable (model/release.py)
        self.licence_pending = False
        self.option_cache: dict[str, tuple[int, list]] = {}
        self.weighted_items: list[tuple[str, float]] = []

    @property
    def coproduction_stream(self) -> np.random.Generator:
        """The nation's own stream for licence seeking (``coproduction.<ISO3>``)."""
        if self._coproduction_stream is None:
            self._coproduction_stream = self.model.streams[f"coproduction.{self.iso}"]
        return self._coproduction_stream

    def coproduction_draw(self) -> float:
        """The next uniform draw of :attr:`coproduction_stream` (its only reader), taken from
        blocks of a horizon's draws: the same sequence as one draw at a time, for an array read.
        """
        i = self._coproduction_next
        if i >= len(self._coproduction_draws):
            self._coproduction_draws = self.coproduction_stream.random(self.model.horizon + 1).tolist()
            i = 0
        self._coproduction_next = i + 1
        return self._coproduction_draws[i]

    # -- stocks -------------------------------------------------------------------------------
    def held_in(self, region: str, item: str) -> float:
        """Units of ``item`` held in ``region``."""
        at = self.held.get(region)
        return at[item] if at is not None else 0.0

    def draw(self, region: str, item: str, qty: float) -> float:
        """Take up to ``qty`` from stock held in ``region`` (crisis use); returns what was taken."""
        at = self.held.get(region)
        if at is None:
            return 0.0
        taken = min(qty, at[item])
        at[item] -= taken
        self.stock[item] -= taken
        return taken

    def consume(self) -> None:
        """Peacetime training and test use, drawn pro rata from every region's stock."""
        stock = self.stock
        if len(self.held) == 1:
            (at,) = self.held.values()
            for item, qty in self.use.items():
                left = stock[item] - qty
                stock[item] = at[item] = left if left > 0.0 else 0.0  # max(0.0, left)
            return
        for item, qty in self.use.items():
            have = stock[item]
            if have <= 0.0:
                continue
            keep = max(0.0, have - qty) / have
            for at in self.held.values():
                at[item] *= keep
            stock[item] = have * keep

    def deliver(self, order: Order, qty: float) -> None:
        """A shipment arrives in the order's destination region."""
        retransfer.on_delivery(self, order, qty)
        item, region = order.item, order.dest_region
        at = self.held.get(region)
        if at is None:
            self._add(region, item, qty)
        else:  # as _add
            at[item] += qty
            self.stock[item] += qty
        self.on_order[item] -= qty
        (self.inbound.get(region) or self._inbound(region))[item] -= qty

    def destination(self, item: str, qty: float) -> str:
        """Where a new order of ``qty`` is delivered: the region furthest below its posture share
        of the nation's position (held + moving + on order + this order).
        """
        if len(self.posture) == 1:
            return next(iter(self.posture))
        total = self.stock[item] + self.moving[item] + self.on_order[item] + qty
        best, gap = "", -float("inf")
        for region, share in self.posture.items():
            g = share * total - self.held_in(region, item) - self.inbound[region][item] - self.moving_to(region, item)
            if g > gap:
                best, gap = region, g
        return best

    def move(self, item: str, src: str, dst: str, qty: float, transit: int, week: int) -> None:
        """Send ``qty`` of held stock from ``src`` toward ``dst``; it lands after ``transit`` weeks."""
        self.held[src][item] -= qty
        self.stock[item] -= qty
        if transit <= 0:
            self._add(dst, item, qty)
            return
        self.moving[item] += qty
        (self.en_route.get(dst) or self._en_route(dst))[item] += qty
        self.model.schedule_move(self, item, dst, qty, week + transit)

    def land(self, item: str, dst: str, qty: float) -> None:
        """Reinforcements moved earlier arrive in ``dst``."""
        self.moving[item] -= qty
        self.en_route[dst][item] -= qty  # set up by ``move``
        at = self.held.get(dst)
        if at is None:
            self._add(dst, item, qty)
            return
        at[item] += qty  # as _add
        self.stock[item] += qty

    def moving_to(self, region: str, item: str) -> float:
        """Reinforcements on their way to ``region``."""
        at = self.en_route.get(region)
        return at[item] if at is not None else 0.0

    def _add(self, region: str, item: str, qty: float) -> None:
        at = self.held.get(region)
        if at is None:
            at = self.held[region] = dict.fromkeys(self.stock, 0.0)
        at[item] += qty
        self.stock[item] += qty

    def _inbound(self, region: str) -> dict[str, float]:
        at = self.inbound.get(region)
        if at is None:
            at = self.inbound[region] = dict.fromkeys(self.stock, 0.0)
        return at

    def _en_route(self, region: str) -> dict[str, float]:
        at = self.en_route.get(region)
        if at is None:
            at = self.en_route[region] = dict.fromkeys(self.stock, 0.0)
        return at

    def requirement(self, item: str) -> float:
        """Stock objective now (raised while the nation supports a crisis)."""
        return self.base_requirement.get(item, 0.0) * self.requirement_mult

    # -- buying -------------------------------------------------------------------------------
    def accrue_budget(self) -> None:
        """A week of budget; unspent money carries over up to one year's worth."""
        year = self.budget_per_year * self.budget_mult
        self.budget = min(year, self.budget + year / 52.0)

    def procure(self, week: int) -> None:
        """Order the systems whose stock plus pipeline is below the reorder point, with the
        week's free money divided among them by the demand rule (``model/demand.py``).
        """
        model = self.model
        cfg = model.scenario_spec.sourcing
        items = model.scenario_spec.items
        wants: dict[str, float] = {}
        base, mult, point = self.base_requirement, self.requirement_mult, self.reorder_point
        stock, moving, on_order, earmark = self.stock, self.moving, self.on_order, self.earmark
        for item in self.requirement_keys:
            req = base[item] * mult
            position = stock[item] + moving[item] + on_order[item]
            if req <= 0 or position >= point * req:
                if earmark:
                    earmark.pop(item, None)  # no longer short: its money is free again
                continue
            wants[item] = req - position
        if not wants:
            return
        reserved = math.fsum(self.earmark[k] for k in sorted(self.earmark))
        if reserved > self.budget + 1e-9:  # the budget cap fell below what was earmarked
            scale = max(0.0, self.budget) / reserved
            self.earmark = {k: v * scale for k, v in self.earmark.items()}
            reserved = max(0.0, self.budget)
        gaps = {k: q * items[k].unit_cost_musd for k, q in wants.items()}
        held = {k: self.earmark.get(k, 0.0) for k in wants}
        needs = {k: max(0.0, gaps[k] - held[k]) for k in wants}
        shares = demand.split(self.budget - reserved, needs, cfg.demand_rule, cfg.priority_weights)
        for item in sorted(wants):
            cost = items[item].unit_cost_musd
            money = held[item] + shares[item]
            qty = wants[item] if cost <= 0 else min(wants[item], money / cost)
            minimum = cfg.min_order_share * self.base_requirement[item] * self.requirement_mult
            if qty <= 0 or (qty < minimum and qty < wants[item] - 1e-9):
                self.earmark[item] = money  # saved toward a minimum order
                continue
            if self._place(item, qty, cost, week):
                left = money - qty * cost
                if left > 1e-12:
                    self.earmark[item] = left
                else:
                    self.earmark.pop(item, None)
            else:
                self.earmark.pop(item, None)  # no source open this week: the money stays free

    def sourcing_stream(self, item: str) -> np.random.Generator:
        """The stream of this nation's source choices for ``item`` (``sourcing.<ISO3>.<item>``)."""
        gen = self._sourcing_streams.get(item)
        if gen is None:
            gen = self._sourcing_streams[item] = self.model.streams[f"sourcing.{self.iso}.{item}"]
        return gen

    def _place(self, item: str, qty: float, cost: float, week: int) -> bool:
        model = self.model
        opts = sourcing.options(self, item, qty, week, model)
        if not opts:
            return False
        urgency = model.scenario_spec.sourcing.crisis_urgency if self.in_crisis else 1.0
        opt = sourcing.choose(self, opts, urgency, model, self.sourcing_stream(item))
        dest = self.destination(item, qty)
        cost *= retransfer.price_factor(opt.producer, week)
        order = Order(self, item, qty, qty, dest, week, opt.route, cost,
                      at_licensed_line=opt.producer.licensor is not None,
                      us_content=self.iso != "USA" and retransfer.carries_us_content(opt.producer, week))
        self.budget -= qty * cost
        self.on_order[item] += qty
        self.inbound[dest][item] += qty
        case = sourcing.sale_case(self, opt, item, qty, week, cost)
        if case is None:
            opt.producer.accept(order)
            return True
        case.on_finish = self._sale_done
        order.case = case
        case.payload = (order, opt.producer)
        case.key = f"{self.iso}:{item}:{opt.producer.pid}"
        model.pipeline.submit(case, week)
        return True

    def _sale_done(self, case: Case, week: int) -> None:
        order, producer = case.payload
        release.remember(case, self.model.nations)
        if case.kind is CaseKind.QUALIFICATION:
            producer.qualified = case.status is CaseStatus.APPROVED
        else:
            self.learn(order.route, order.item, case.delay_weeks)
        if case.status is CaseStatus.APPROVED:
            producer.accept(order)
        else:
            self.on_order[order.item] -= order.quantity
            self._inbound(order.dest_region)[order.item] -= order.quantity
            self.budget += order.quantity * order.unit_cost_musd

    # -- expectations -------------------------------------------------------------------------
    def expected_regulatory_weeks(self, route: str, producer: "Producer", item: str,
                                  qty: float, week: int) -> float:
        """Regulatory time this buyer expects on a route: learned, else the nominal prior."""
        key = (route, item)
        if key not in self.expect:
            probe = sourcing.sale_case(self, sourcing.Option(route, producer, 0), item, qty,
                                       week, self.model.scenario_spec.items[item].unit_cost_musd)
            self.expect[key] = 0.0 if probe is None else self.model.pipeline.expected_weeks(probe, week)
        return self.expect[key]

    def learn(self, route: str, item: str, observed_weeks: float) -> None:
        """Move the expectation of a route toward what a finished case took."""
        lr = self.model.scenario_spec.sourcing.learning_rate
        key = (route, item)
        prior = self.expect.get(key, observed_weeks)
        self.expect[key] = (1.0 - lr) * prior + lr * observed_weeks
