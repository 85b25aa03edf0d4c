"""Deliverable capacity: what a line can actually make per week given its inputs' supply.

Nameplate capacity × learning says what a line could make with unlimited inputs. Every reader
that judges what a line *will* make — the adversary's production term, allied capacity growth,
buyers' expected waits, the weekly series — reads instead, for a line ``p`` in week ``w`` and a
look-ahead window of ``H`` weeks (``industry.deliverable_lookahead_weeks``)::

    deliverable(p, w) = 0 before the line opens, else rate(p, w)
    rate(p, w)        = min(capacity × efficiency, min over supplied inputs c of
                            (on hand_c + inflow_c) / (bom_c × H))
    inflow_c          = min(share_c × rate(supplier_c, w) × H, authorised_c)
    share_c           = need_c / (need_c + Σ need of the supplier's other open customers)
    need              = capacity × efficiency × bom (a customer's input use at its own pace)
    authorised_c      = on order_c + what the supply licence still authorises (cross-border
                        inputs only; a licence still in its case authorises nothing)

So a line starved of an input (nothing on hand) delivers its share of its supplier's own
deliverable rate divided by the bill of materials — its input-limited rate. Inputs without a
supplier are not limiting (as in production). The value is computed once per *supply epoch*
(the model bumps the epoch when the week's state changes: after regulators, after producers
act, when a line is added), so the several readers of a week pay for it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .producer import Producer


def need_rate(p: "Producer", comp: str) -> float:
    """A customer's use of component ``comp`` at its own pace (units/week)."""
    return p.capacity * p.efficiency * p.bom[comp]


def open_need(supplier: "Producer", week: int) -> float:
    """Σ input need of the supplier's customers that are open this week (cached per epoch)."""
    epoch = supplier.model.supply_epoch
    cached = supplier._need_cache
    if cached is not None and cached[0] == epoch:
        return cached[1]
    total = sum(need_rate(c, comp) for c, comp in supplier.customers if week >= c.active_from)
    supplier._need_cache = (epoch, total)
    return total


def supply_share(p: "Producer", comp: str, week: int) -> float:
    """The share of its supplier's deliverable output that line ``p`` can count on (0–1)."""
    mine = need_rate(p, comp)
    others = open_need(p.suppliers[comp], week) - (mine if week >= p.active_from else 0.0)
    total = mine + max(0.0, others)
    return mine / total if total > 1e-12 else 1.0


def inflow(p: "Producer", comp: str, week: int, horizon: float) -> float:
    """Units of ``comp`` line ``p`` can expect over the next ``horizon`` weeks."""
    supplier = p.suppliers[comp]
    expected = supply_share(p, comp, week) * supplier.deliverable_rate(week) * horizon
    arr = p.arrangements.get(comp)
    if arr is not None:
        expected = min(expected, p.inputs_on_order[comp] + max(0.0, arr.licensed))
    return expected


def deliverable_rate(p: "Producer", week: int) -> float:
    """What the line can make per week over the look-ahead window once open (units/week)."""
    epoch = p.model.supply_epoch
    cached = p._deliverable_cache
    if cached is not None and cached[0] == epoch:
        return cached[1]
    rate = p.capacity * p.efficiency
    p._deliverable_cache = (epoch, rate)  # a supply cycle reads the nameplate, never recurses
    if p.suppliers and rate > 0.0:
        horizon = p.model.scenario.industry.deliverable_lookahead_weeks
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
    """Units of ``p``'s item its customers lacked in their last production (units/week)."""
    return sum(c.unmet.get(comp, 0.0) for c, comp in p.customers)

