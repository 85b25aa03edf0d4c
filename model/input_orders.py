"""A line's input orders (docs/ODD.md §3, step 4, the first of a producer's weekly passes).

Each week a line tops each supplied input up to ``input_cover`` weeks of production plus
transit (``model/licence_share.py``), spread over the input's suppliers in order of preference:
a supplier with no room passes the order down the list, and what no supplier has room for
queues at the open link with the shortest wait. A cross-border link carries only what its
supply licence still covers, and asks for more before it runs low; a foreign-owned plant in the
US must be qualified before a US line uses it. The licence and qualification cases those rules
open, and what their decisions change, are here too. ``Producer.order_inputs`` calls
:func:`order_inputs`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import licence_share, supply
from .cases import Case, CaseKind, CaseStatus
from .orders import Order
from .sourcing import production_wait
from .supply import SupplyArrangement

if TYPE_CHECKING:
    from .producer import Producer


def order_inputs(p: "Producer", week: int) -> None:
    """Top up each supplied component to ``input_cover`` weeks of production (plus transit)."""
    if not p.suppliers or p.awaiting_licence:
        return
    rate = p.capacity * p.efficiency  # stock up before a new line opens, too
    cover = p._pipeline_weeks
    licensed = p.licensor is not None  # only a licensed line has a rated share
    bom, inputs, on_order_of = p.bom, p.inputs, p.inputs_on_order
    for comp, links in p.arrangements.items():
        if licensed:
            licence_share.accrue(p, comp)
        weeks = cover.get(comp)
        if weeks is None:  # fixed once the input's suppliers are connected
            weeks = cover[comp] = licence_share.pipeline_weeks(p, comp)
        use = rate * bom[comp]  # supply.need_rate, written out: this runs for every input weekly
        target = use * weeks
        on_order = on_order_of[comp]
        if licensed:  # orders beyond the share (none elsewhere) do not count
            on_order -= licence_share.waiting_beyond_share(p, comp)
        need = target - inputs[comp] - on_order
        if need > 1e-9:
            _order_component(p, comp, links, need, use, week)


def _order_component(p: "Producer", comp: str, links: list[SupplyArrangement], qty: float, use: float,
                     week: int) -> None:
    """Spread an order over the input's suppliers in order of preference (``use``: the line's
    weekly use of the input, ``supply.need_rate``).

    Down the list, each open link takes what its supplier has room for within this line's
    input cover (``supply_room``) and what its licence still allows; a link not yet open
    is applied for when its turn comes and its supplier has room (the first link always).
    What no supplier has room for queues at the open link with the shortest wait.
    """
    if len(links) == 1:  # one supplier takes it all, as far as its link allows
        plan = [min(qty, _link_allowance(p, comp, links[0], qty, use, True, week))]
    else:
        plan = _spread(p, comp, links, qty, use, week)
    unit_cost = p.model.scenario_spec.items[comp].unit_cost_musd
    for link, wanted in zip(links, plan):
        if wanted <= 1e-9:
            continue
        rated, rest = licence_share.split(p, link, wanted, week)
        amount = rated + rest
        if link.cross_border:
            link.licensed -= amount
        p.inputs_on_order[comp] += amount
        link.on_order += amount
        for part, licensed in ((rated, True), (rest, False)):
            if part > 1e-12:
                link.supplier.accept(Order(p, comp, part, part, p.region, week, "component",
                                           unit_cost, link, licensed=licensed))


def _spread(p: "Producer", comp: str, links: list[SupplyArrangement], qty: float, use: float,
            week: int) -> list[float]:
    """Quantities for each link: down the list by room and allowance, the rest to the open
    link with the shortest wait. A supplier's room is shared among its customers pro rata
    to their input need (:func:`_room_share`), so no customer takes it by acting first.
    """
    plan = [0.0] * len(links)
    allowed = [0.0] * len(links)
    left = qty
    for i, link in enumerate(links):
        if left <= 1e-9:
            break
        room = link.supplier.supply_room(week, p.input_cover) * _room_share(p, comp, i, use, week)
        allowed[i] = _link_allowance(p, comp, link, left, use, i == 0 or room > 1e-9, week)
        plan[i] = min(left, allowed[i], room)
        left -= plan[i]
    if left > 1e-9:
        open_links = [i for i in range(len(links)) if allowed[i] - plan[i] > 1e-9]
        if open_links:
            best = min(open_links, key=lambda i: production_wait(links[i].supplier, 0.0, week))
            plan[best] += min(left, allowed[best] - plan[best])
    return plan


def _room_share(p: "Producer", comp: str, i: int, mine: float, week: int) -> float:
    """This line's share of the room of the supplier on its link ``i`` of ``comp``: its full
    need of the input (``mine``, ``supply.need_rate``) against the need the supplier's other
    customers count there (a link not in use yet is counted as if this line turned to it).
    """
    if mine <= 0.0:
        return 0.0
    counted = mine * supply.link_weights(p, comp)[i] if week >= p.active_from else 0.0
    others = max(0.0, supply.open_need(p.arrangements[comp][i].supplier, week) - counted)
    return mine / (mine + others)


def _link_allowance(p: "Producer", comp: str, link: SupplyArrangement, wanted: float, use: float,
                    sought: bool, week: int) -> float:
    """What a link may carry now; opens the licence or qualification case it still needs.

    A cross-border link asks for more licensed quantity once what is left after ``wanted``
    covers fewer than ``industry.licence_renewal_weeks`` of current use; a link never licensed asks
    only when ``sought`` (its supplier has room, or it is the line's first choice).
    """
    if link.cross_border:
        low = link.licensed - wanted < max(use * p.licence_renewal, 0.0)
        if not link.pending and low and (sought or link.licensed > 1e-9):
            _request_supply_licence(p, comp, link, wanted, week)
        return link.licensed
    supplier = link.supplier
    if not p._needs_qualification(supplier) or supplier.qualified:
        return math.inf
    if sought and not supplier.qualifying:
        _request_qualification(p, comp, supplier, wanted, week)
    return 0.0


def _request_qualification(p: "Producer", comp: str, supplier: "Producer", qty: float, week: int) -> None:
    per_week = p.capacity * p.bom[comp]
    value = max(qty, per_week * p.licence_cover) * p.model.scenario_spec.items[comp].unit_cost_musd
    case = Case(CaseKind.QUALIFICATION, comp, supplier.owner, "USA", value, week,
                supplier.us_content_share, on_finish=_qualification_done, payload=supplier,
                key=f"{p.pid}:{comp}:{supplier.pid}")
    supplier.qualifying = True
    p.model.pipeline.submit(case, week)


def _qualification_done(case: Case, week: int) -> None:
    supplier = case.payload
    supplier.qualifying = False
    supplier.qualified = supplier.qualified or case.status is CaseStatus.APPROVED


def _request_supply_licence(p: "Producer", comp: str, arr: SupplyArrangement, qty: float, week: int) -> None:
    per_week = p.capacity * p.bom[comp]
    amount = max(qty, per_week * p.licence_cover)
    cost = p.model.scenario_spec.items[comp].unit_cost_musd
    seller = arr.supplier.nation.iso
    case = Case(CaseKind.COMPONENT_SUPPLY, comp, seller, p.nation.iso,
                amount * cost, week, arr.supplier.us_content_share,
                on_finish=_supply_licence_done, payload=(arr, amount, p.nation),
                new_technology=seller == "USA" and comp not in p.nation.released,
                key=f"{p.pid}:{comp}:{arr.supplier.pid}",
                share_of_end_item=_value_share(p, comp))
    arr.pending = True
    p.model.pipeline.submit(case, week)


def _value_share(p: "Producer", comp: str) -> float:
    """The share of a unit's value that its ``comp`` inputs make up (1 for a free item)."""
    if p.unit_cost <= 0.0:
        return 1.0
    return min(1.0, p.bom[comp] * p.model.scenario_spec.items[comp].unit_cost_musd / p.unit_cost)


def _supply_licence_done(case: Case, week: int) -> None:
    arr, amount, nation = case.payload
    arr.pending = False
    if case.status is CaseStatus.APPROVED:
        arr.licensed += amount
        if case.seller == "USA":
            nation.released.add(case.item)
