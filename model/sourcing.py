"""How a nation chooses where to buy (docs/ODD.md §3, step 3).

Each candidate source — a domestic line, a US line by FMS or direct commercial sale, an
allied line, or (for the US government) an allied line under Buy American rules — is scored
on the buyer's four survey goals (A1): domestic capacity, deterrence (through the delivery
time the buyer *expects*, learned from its own past cases), interoperability (a US or
US-licensed design) and regional capacity. The choice is a logit over the scores, so slow
pipelines push buyers toward domestic or non-US sources without making the choice certain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import release, retransfer
from .cases import Case, CaseKind
from .summation import plain_sum

if TYPE_CHECKING:
    import numpy as np

    from .model import CooperationModel
    from .nation import Nation
    from .producer import Producer

#: Route → the kind of case it opens (``None``: no cross-border case).
ROUTE_CASE = {
    "domestic": None,
    "fms": CaseKind.FMS_SALE,
    "dcs": CaseKind.DCS_SALE,
    "allied": CaseKind.ALLIED_SALE,
    "us_gov": CaseKind.US_GOV_PURCHASE,
}


@dataclass(slots=True)
class Option:
    """One way to buy: a route through a particular line, with its expected delivery.

    ``static_utility`` holds the goal terms that do not change week to week (domestic,
    interoperability, regional); the delivery term is added when the buyer chooses.
    """

    route: str
    producer: "Producer"
    transit: int
    static_utility: float = 0.0
    expected_weeks: float = 0.0
    utility: float = 0.0


def routes_to(buyer: "Nation", seller_iso: str, model: "CooperationModel") -> tuple[str, ...]:
    """The routes open from a buyer to a seller nation."""
    if seller_iso == buyer.iso:
        return ("domestic",)
    if seller_iso == "USA":
        return ("fms", "dcs")
    if buyer.iso == "USA":
        return ("us_gov",) if model.scenario_spec.sourcing.us_buys_allied else ()
    return ("allied",)


def production_wait(producer: "Producer", qty: float, week: int, buyer: "Nation | None" = None) -> float:
    """Weeks until a new order of ``qty`` would be finished at the line's deliverable pace (what
    it can make given its inputs' supply, ``model/supply.py``; not its nameplate), behind the
    orders of ``buyer``'s priority class and above (the whole backlog without a buyer).
    """
    rate = producer.deliverable_rate(week)
    if rate <= 1e-9:
        return math.inf
    start = max(0, producer.active_from - week)
    ahead = producer.backlog_qty if buyer is None else producer.queued_ahead(buyer)
    return start + (ahead + qty) / rate


def static_utility(buyer: "Nation", route: str, prod: "Producer") -> float:
    """The goal terms of an option that do not depend on delivery time (A1 goal weights)."""
    g = buyer.goals
    domestic = 1.0 if route == "domestic" else 0.0
    us_design = prod.nation.iso == "USA" or prod.licensor is not None
    regional = 1.0 if prod.region == buyer.region else 0.0
    fms = buyer.model.scenario_spec.sourcing.fms_assurance_bonus if route == "fms" else 0.0
    return (g.domestic_capacity * domestic + g.interoperability * us_design
            + g.regional_capacity * regional + fms)


def channels(buyer_iso: str, item: str, model: "CooperationModel") -> tuple[str, ...]:
    """The routes by which a buyer may buy the item from the US: its own, else the item's."""
    own = model.scenario_spec.nations[buyer_iso].sales_channels.get(item)
    return own if own is not None else model.scenario_spec.items[item].sales_channels


def candidate_options(buyer: "Nation", item: str, model: "CooperationModel") -> list[Option]:
    """Every route through every line of ``item`` open to ``buyer`` (cached until a line is added)."""
    cached = buyer.option_cache.get(item)
    if cached is not None and cached[0] == model.lines_version:
        return cached[1]
    allowed = channels(buyer.iso, item, model)
    out = []
    for prod in model.producers_by_item.get(item, ()):
        transit = model.world.transit[(prod.region, buyer.region)]
        for route in routes_to(buyer, prod.nation.iso, model):
            if route in ("fms", "dcs") and route not in allowed:
                continue
            out.append(Option(route, prod, transit, static_utility(buyer, route, prod)))
    out.sort(key=lambda o: (o.producer.pid, o.route))  # the order of producers: in the file changes nothing
    buyer.option_cache[item] = (model.lines_version, out)
    return out


def options(buyer: "Nation", item: str, qty: float, week: int, model: "CooperationModel") -> list[Option]:
    """The open options for an order of ``qty`` this week, with expected delivery time."""
    out = []
    expect = buyer.expect
    last, wait = None, math.inf
    for opt in candidate_options(buyer, item, model):
        if opt.producer is not last:  # sorted by line: a line's routes (FMS, DCS) share one wait
            last = opt.producer
            wait = production_wait(last, qty, week, buyer)
        if wait == math.inf:
            continue
        reg = expect.get((opt.route, item))  # the buyer's learned time, else its prior
        if reg is None:
            reg = buyer.expected_regulatory_weeks(opt.route, opt.producer, item, qty, week)
        opt.expected_weeks = reg + wait + opt.transit
        out.append(opt)
    return out


def choose(buyer: "Nation", opts: list[Option], urgency: float, model: "CooperationModel",
           rng: "np.random.Generator") -> Option:
    """Pick one option by a logit over utilities (one uniform draw per choice).

    Utility = static goal terms − deterrence weight × urgency × expected weeks / norm.
    """
    cfg = model.scenario_spec.sourcing
    slope = buyer.goals.deterrence * urgency / cfg.delivery_norm_weeks
    aversion = cfg.us_content_aversion
    for o in opts:
        o.utility = o.static_utility - slope * o.expected_weeks
        if aversion > 0.0 and buyer.iso != "USA":  # the survey's ITAR-free preference
            o.utility -= aversion * (1.0 if o.producer.nation.iso == "USA"
                                     else retransfer.content_share(o.producer, model.week))
    best = max([o.utility for o in opts])
    weights = [math.exp((o.utility - best) / cfg.choice_temperature) for o in opts]
    u = rng.random() * plain_sum(weights)
    for o, w in zip(opts, weights):
        u -= w
        if u <= 0.0:
            return o
    return opts[-1]


def sale_case(buyer: "Nation", opt: Option, item: str, qty: float, week: int, unit_cost: float) -> Case | None:
    """The cross-border case a chosen option opens, or ``None`` for a domestic buy."""
    kind = ROUTE_CASE[opt.route]
    prod = opt.producer
    if kind is None:
        if buyer.iso == "USA" and prod.owner not in (None, "USA") and not prod.qualified:
            kind = CaseKind.QUALIFICATION
            return Case(kind, item, prod.owner, "USA", qty * unit_cost, week, prod.us_content_share)
        return None
    case = Case(kind, item, prod.nation.iso, buyer.iso, qty * unit_cost, week,
                retransfer.content_share(prod, week))
    case.precedent = release.precedent(case, buyer.model.nations)
    return case
