"""The warm start: what is in flight when a run begins (docs/ODD.md §5, Initialisation).

A run does not start from an empty pipeline. At week 0, built once every agent exists:

* **Order books owned by modelled buyers.** Each system line running at week 0 holds
  ``book_weeks`` of its output (``warm_start.order_book_weeks``, or the line's
  ``initial_backlog_weeks``) in orders placed before the run. The book is owned by the nations
  that use the item (``peacetime_use_per_week``): each buyer's steady use is claimed on its
  domestic lines of the item if it has any running, else on every running line open to it
  (routes and sales channels as in ``model/sourcing.py``), split over them by capacity; a
  line's book is divided among its claimants pro rata to their claims. Book orders count in
  the buyers' pipeline (on order) and are served before any order placed during the run; none
  leaves the modelled world. The book of a line whose item no modelled nation uses belongs to
  the line's own government.
* **Cases in flight.** A buyer's orders from a foreign line are, in steady state, partly still
  in the regulatory pipeline: the quantity in flight is its claim rate × the route's nominal
  regulatory time (Little's law). It is opened as cases one ``case_spacing_weeks`` apart in
  age, through the pipeline's own stages (``Pipeline.submit_in_flight``), so the oldest finish
  early in year 1 and the youngest take the route's full time. The nominal time is the one of
  the rules in force before the run (``warm_start.history``, kept by the loader when run-time
  overrides change barriers or policies): a barrier removed or made stricter at week 0 changes
  how the cases in flight proceed, not how many there were (else a stricter FMS case would put
  more orders in flight at week 0, which hold the buyers' positions and stop them ordering
  elsewhere: docs/ODD.md §8, "Open findings of the combined model").
* **Inputs in transit.** Each line's inputs from the first supplier of each input (the link in
  use at week 0) are on their way: one week of use lands in each week of the transit time
  (not for a line the scenario starts without inputs, ``initial_input_weeks: 0``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import sourcing
from .orders import Order
from .pipeline import Pipeline
from .world import World

if TYPE_CHECKING:
    from .model import CooperationModel
    from .nation import Nation
    from .producer import Producer

#: The week book orders count as queued: before any order placed during the run.
BOOK_WEEK = -1


def start(model: "CooperationModel") -> None:
    """Put the pre-run order books, open cases and inputs in transit into the model."""
    ws = model.scenario_spec.warm_start
    before = history_pipeline(model) if ws.open_cases else model.pipeline
    for item in sorted(model.producers_by_item):
        if model.scenario_spec.items[item].kind != "system":
            continue
        claims = _claims(model, item)
        _books(model, item, claims)
        if ws.open_cases:
            _open_cases(model, item, claims, ws.case_spacing_weeks, before)
    if ws.inputs_in_transit:
        for p in model.producer_list:
            _inputs_in_transit(model, p)


def _running(p: "Producer") -> bool:
    return p.active_from == 0 and p.capacity * p.efficiency > 0


def _claims(model: "CooperationModel", item: str) -> dict[tuple[str, str], tuple["Nation", "Producer", str, float]]:
    """(buyer ISO3, producer id) → (buyer, line, route, claim in units/week) for the item."""
    out = {}
    for nation in model.nation_list:
        use = nation.use.get(item, 0.0)
        if use <= 0.0:
            continue
        best: dict[str, sourcing.Option] = {}
        for opt in sourcing.candidate_options(nation, item, model):
            if not _running(opt.producer):
                continue
            kept = best.get(opt.producer.pid)
            if kept is None or opt.static_utility > kept.static_utility:
                best[opt.producer.pid] = opt
        pool = [o for o in best.values() if o.route == "domestic"] or list(best.values())
        total = math.fsum(o.producer.capacity for o in pool)
        for o in sorted(pool, key=lambda o: o.producer.pid):
            out[(nation.iso, o.producer.pid)] = (nation, o.producer, o.route, use * o.producer.capacity / total)
    return out


def _books(model: "CooperationModel", item: str, claims) -> None:
    """Divide each running line's book among its claimants pro rata to their claims."""
    for p in model.producers_by_item[item]:
        if not _running(p) or p.book_weeks <= 0:
            continue
        mine = [v for k, v in sorted(claims.items()) if k[1] == p.pid]
        total = math.fsum(v[3] for v in mine)
        if total <= 0.0:  # no modelled buyer uses the item: the line's own government owns it
            mine, total = [(p.nation, p, "domestic", 1.0)], 1.0
        book = p.capacity * p.efficiency * p.book_weeks
        for nation, line, route, claim in mine:
            qty = book * claim / total
            order = _buyer_order(nation, line, item, qty, route, BOOK_WEEK)
            order.book = True
            line._queue(order, BOOK_WEEK)


def _buyer_order(nation: "Nation", line: "Producer", item: str, qty: float, route: str, placed: int) -> Order:
    """An order the buyer placed before the run, counted in its pipeline."""
    dest = nation.destination(item, qty)
    order = Order(nation, item, qty, qty, dest, placed, route, line.unit_cost,
                  at_licensed_line=line.licensor is not None)
    nation.on_order[item] += qty
    nation.inbound[dest][item] += qty
    return order


def history_pipeline(model: "CooperationModel") -> "Pipeline":
    """The pipeline of the rules in force before week 0 (``warm_start.history``), or the run's
    own when none is kept. It only measures nominal times: it draws nothing and holds no case.
    """
    hist = model.scenario_spec.warm_start.history
    if hist is None:
        return model.pipeline
    scn = model.scenario_spec
    before = scn.model_copy(update={
        "barriers": type(scn.barriers).model_validate(hist.get("barriers") or {}),  # type: ignore[attr-defined]  # the registry-built block
        "policies": type(scn.policies).model_validate(hist.get("policies") or {}),
    })
    return Pipeline(before, World(before), model.streams.__getitem__)


def _open_cases(model: "CooperationModel", item: str, claims, spacing: int, before: "Pipeline") -> None:
    """Open the cases a foreign buyer's steady orders keep in the pipeline at week 0: as many,
    and as old, as the rules before the run (``before``) kept in flight; from week 0 they pass
    the run's own stages.
    """
    pipeline = model.pipeline
    for (_, _), (nation, line, route, claim) in sorted(claims.items()):
        probe = sourcing.sale_case(nation, sourcing.Option(route, line, 0), item, claim, 0, line.unit_cost)
        if probe is None:
            continue
        weeks = before.expected_weeks(probe, 0)
        n = max(1, round(weeks / spacing))
        qty = claim * weeks / n
        for k in range(n):
            age = max(1, round((k + 0.5) * weeks / n))
            placed = -age
            order = _buyer_order(nation, line, item, qty, route, placed)
            case = sourcing.sale_case(nation, sourcing.Option(route, line, 0), item, qty, placed, line.unit_cost)
            if case is None:  # a qualification the first of these cases already obtained
                line.accept(order)
                continue
            case.on_finish = nation._sale_done
            case.payload = (order, line)
            case.key = f"{nation.iso}:{item}:{line.pid}:{k}"
            pipeline.submit_in_flight(case, age, 0)


def _inputs_in_transit(model: "CooperationModel", p: "Producer") -> None:
    """One week of the line's use of each input lands in each week of its transit time."""
    if not _running(p) or p.initial_input_weeks <= 0:  # a line that starts without inputs
        return
    for comp, links in p.arrangements.items():
        link = links[0]
        transit = model.world.transit[(link.supplier.region, p.region)]
        use = p.capacity * p.efficiency * p.bom[comp]
        if transit <= 0 or use <= 0.0:
            continue
        cost = model.scenario_spec.items[comp].unit_cost_musd
        for week in range(1, transit + 1):
            order = Order(p, comp, use, 0.0, p.region, BOOK_WEEK, "component", cost, link)
            p.inputs_on_order[comp] += use
            link.on_order += use
            model.arrivals.setdefault(week, []).append((order, use))
