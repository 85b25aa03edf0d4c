"""Deliverable capacity: what a line can actually make per week given its inputs' supply.

Nameplate capacity × learning says what a line could make with unlimited inputs. Every reader
that judges what a line *will* make — the adversary's production term, allied capacity growth,
buyers' expected waits, suppliers' room for new orders, the weekly series — reads instead, for
a line ``p`` in week ``w`` and a look-ahead window of ``H`` weeks
(``industry.deliverable_lookahead_weeks``)::

    deliverable(p, w) = 0 before the line opens, else rate(p, w)
    rate(p, w)        = min(capacity × efficiency, min over supplied inputs c of
                            (on hand_c + inflow_c) / (bom_c × H))
    inflow_c          = Σ over the links l of input c the line uses of
                            min(share_l × rate(supplier_l, w) × H, authorised_l)
    share_l           = need_l / (Σ need_l' of every customer's link l' to the same supplier)
    need_l            = capacity × efficiency × bom_c × weight_l  (a customer's input use at its
                        own pace, counted at the supplier in proportion to the links it uses)
    weight_l          = 1 / (number of links of input c the line uses) for a used link, else 0
    authorised_l      = on order through l + what its supply licence still authorises
                        (cross-border links only; a licence still in its case authorises
                        nothing; a domestic link is not capped)

A line lists its suppliers of an input in order of preference (``Producer.suppliers[c]``, one
``SupplyArrangement`` per link in ``Producer.arrangements[c]``) and registers with every one of
them as a customer. The links it *uses* are the open ones — a domestic link (to a
foreign-owned US plant only once qualified for a US line), or a cross-border link with licensed
quantity left or goods on order through it — and, if none is open, the first (the link a line
turns to first, whose licence or qualification is in its case: it authorises nothing yet). The
ordering rule (``input_orders._order_component``) fills the first supplier with room before the
next, so the even split of need over used links is an approximation of where the line's
orders go; it counts each used supplier's spare output as reachable, which is what the line
can draw on. With one supplier per input it is the single-link formula: the line's share of
its supplier's deliverable rate, capped by its licence.

So a line starved of an input (nothing on hand) delivers its share of its suppliers' own
deliverable rates divided by the bill of materials — its input-limited rate. Inputs without a
supplier are not limiting (as in production). The value is computed once per *supply epoch*
(the model bumps the epoch when the week's state changes: after regulators, after producers
act, when a line is added), so the several readers of a week pay for it once.

The expansion rule's shortage signal (``unmet_customer_need``) counts a customer's unmet input
need at each of its suppliers with the same link weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .summation import plain_sum

if TYPE_CHECKING:
    from .producer import Producer


class SupplyArrangement:
    """One supplier of one input and what the link still needs before goods may flow.

    A cross-border link carries the quantity its supply licence still authorises (``licensed``)
    and whether a licence case is open (``pending``); a domestic link is open (``licensed`` is
    infinite), though a US line may use a foreign-owned US plant only once the plant is
    qualified (``Producer.qualified``).
    """

    __slots__ = ("cross_border", "licensed", "on_order", "pending", "rated_left", "supplier",
                 "waiting_unrated")

    def __init__(self, supplier: "Producer", licensed: float, cross_border: bool = True):
        self.supplier = supplier
        self.licensed = licensed
        self.pending = False
        self.cross_border = cross_border
        self.on_order = 0.0  # units ordered through this link and not yet delivered
        self.rated_left = 0.0  # a licensed line's rated share not yet ordered (model/licence_share.py)
        self.waiting_unrated = 0.0  # its orders beyond the share, still waiting (ditto)


def need_rate(p: "Producer", comp: str) -> float:
    """A customer's use of component ``comp`` at its own pace (units/week)."""
    return p.capacity * p.efficiency * p.bom[comp]


def link_open(p: "Producer", link: "SupplyArrangement") -> bool:
    """Whether goods can flow to line ``p`` through ``link`` (or are flowing)."""
    if link.cross_border:
        return link.licensed > 1e-9 or link.on_order > 1e-9
    supplier = link.supplier
    return supplier.qualified or not p._needs_qualification(supplier)


_ONE = (1.0,)


def link_weights(p: "Producer", comp: str) -> "tuple[float, ...] | list[float]":
    """For each link of line ``p``'s input ``comp``, the share of its need that counts at that
    link's supplier: 1 / (links used) for a used link, else 0 (cached per supply epoch).
    """
    links = p.arrangements[comp]
    if len(links) == 1:
        return _ONE
    epoch = p.model.supply_epoch
    cache = p._weight_cache
    if cache[0] != epoch:
        cache = p._weight_cache = (epoch, {})
    weights = cache[1].get(comp)
    if weights is None:
        used = [link_open(p, lk) for lk in links]
        n = plain_sum(used)
        if n == 0:  # none open: the first, whose licence or qualification is in its case
            used[0], n = True, 1
        weights = cache[1][comp] = [1.0 / n if u else 0.0 for u in used]
    return weights


def link_weight(p: "Producer", comp: str, link: "SupplyArrangement") -> float:
    """The share of line ``p``'s need of ``comp`` that counts at ``link``'s supplier (0–1)."""
    return link_weights(p, comp)[p.arrangements[comp].index(link)]


def open_need(supplier: "Producer", week: int) -> float:
    """Σ weighted input need of the supplier's customers open this week (cached per epoch)."""
    epoch = supplier.model.supply_epoch
    cached = supplier._need_cache
    if cached is not None and cached[0] == epoch:
        return cached[1]
    # need_rate × link weight, written out: it is summed for every supplier twice a week
    total = plain_sum([c.capacity * c.efficiency * c.bom[comp]
                       * (1.0 if len(c.arrangements[comp]) == 1 else link_weights(c, comp)[i])
                       for c, comp, i in supplier.customers if week >= c.active_from])
    supplier._need_cache = (epoch, total)
    return total


def supply_share(p: "Producer", comp: str, i: int, week: int) -> float:
    """The share of the deliverable output of the supplier on line ``p``'s link ``i`` of input
    ``comp`` that the line can count on (0–1).
    """
    mine = need_rate(p, comp) * link_weights(p, comp)[i]
    if mine <= 0.0:
        return 0.0
    others = open_need(p.arrangements[comp][i].supplier, week) - (mine if week >= p.active_from else 0.0)
    total = mine + max(0.0, others)
    return mine / total if total > 1e-12 else 1.0


def inflow(p: "Producer", comp: str, week: int, horizon: float) -> float:
    """Units of ``comp`` line ``p`` can expect over the next ``horizon`` weeks (all links)."""
    total = 0.0
    need = need_rate(p, comp)
    is_open = week >= p.active_from
    epoch = p.model.supply_epoch
    links = p.arrangements[comp]
    for link, weight in zip(links, _ONE if len(links) == 1 else link_weights(p, comp)):
        mine = need * weight  # the share as supply_share(p, comp, i, week) has it
        if mine <= 0.0:
            continue
        supplier = link.supplier
        cached = supplier._need_cache  # open_need(supplier, week), its cache read here
        others = (cached[1] if cached is not None and cached[0] == epoch
                  else open_need(supplier, week)) - (mine if is_open else 0.0)
        counted = mine + others if others > 0.0 else mine  # mine + max(0.0, others)
        share = mine / counted if counted > 1e-12 else 1.0
        if share <= 0.0:
            continue
        rate = supplier._deliverable_cache  # supplier.deliverable_rate(week), its cache read here
        expected = share * (rate[1] if rate is not None and rate[0] == epoch
                            else supplier.deliverable_rate(week)) * horizon
        if link.cross_border:
            expected = min(expected, link.on_order + max(0.0, link.licensed))
        total += expected
    return total


def deliverable_rate(p: "Producer", week: int) -> float:
    """What the line can make per week over the look-ahead window once open (units/week)."""
    epoch = p.model.supply_epoch
    cached = p._deliverable_cache
    if cached is not None and cached[0] == epoch:
        return cached[1]
    rate = p.capacity * p.efficiency
    p._deliverable_cache = (epoch, rate)  # a supply cycle reads the nameplate, never recurses
    if p.suppliers and rate > 0.0:
        horizon = p.model.scenario_spec.industry.deliverable_lookahead_weeks
        bom, inputs = p.bom, p.inputs
        for comp in p.suppliers:
            per_unit = bom[comp]
            if per_unit > 0.0:
                limited = (inputs[comp] + inflow(p, comp, week, horizon)) / (per_unit * horizon)
                if limited < rate:
                    rate = max(0.0, limited)
        p._deliverable_cache = (epoch, rate)
    return rate


def deliverable_capacity(p: "Producer", week: int) -> float:
    """Deliverable capacity this week: 0 before the line opens, else :func:`deliverable_rate`."""
    if week < p.active_from:
        return 0.0
    return deliverable_rate(p, week)


def unmet_customer_need(p: "Producer") -> float:
    """Units of ``p``'s item its customers lacked in their last production, each customer's
    shortage counted in proportion to the links it uses (units/week).
    """
    total = 0.0
    for c, comp, i in p.customers:
        short = c.unmet.get(comp, 0.0)
        if short > 0.0:
            total += short * link_weights(c, comp)[i]
    return total
