"""Allied capability an adversary weighs over its campaign (docs/ODD.md §2, 'Deterrence').

    capability(region) = stock held in the region
                       + reinforcements the lift brings within the warning time
                       + production deliverable to the region over the campaign

The production term, item by item: each line's deliverable weekly rate (model/supply.py) times
the campaign weeks left after its transit to the region, less what comes first — the backlog
ahead of the theatre's own wartime order at that line, by priority class, counting the orders
placed at the line and still under regulatory review as standing there (the order is placed by
the line's own government when that nation is a donor to the region, else by the US; so under
DPAS unrated allied orders at a US firm do not stand ahead of it, P88) and what other theatres'
running crises consume of the item over the campaign — and never below zero. Each
item counts at its deterrence weight, toward its requirement family (``items.*.deterrence_family``:
strike or defence; every function here takes ``family``, None meaning every weighted item). Stocks drained for one theatre weaken the other, and a war
elsewhere claims the same lines, so deterrence is shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .orders import Order
from .producer import Producer
from .summation import plain_sum

if TYPE_CHECKING:
    from .model import CooperationModel


def campaign_lines(model: "CooperationModel", region: str, campaign_weeks: int) -> dict[str, list[tuple]]:
    """Item → (line, weeks of the campaign its output can reach ``region``, the nation whose
    wartime order for the theatre it would serve) for weighted items; cached until lines are
    added.
    """
    key = ("campaign", region, campaign_weeks)
    cached = model._factor_cache.get(key)
    if cached is None or cached[0] != model.lines_version:
        out: dict[str, list[tuple]] = {}
        donors = set(model.default_donors(region))
        us = model.nations["USA"]
        for p in model.producer_list:
            weeks = campaign_weeks - model.world.transit[(p.region, region)]
            if model.weights.get(p.item) and weeks > 0:
                buyer = p.nation if p.nation in donors else us
                out.setdefault(p.item, []).append((p, weeks, buyer))
        cached = model._factor_cache[key] = (model.lines_version, out)
    return cached[1]


def claims_elsewhere(model: "CooperationModel", region: str, item: str) -> float:
    """Units per week of ``item`` that crises running in other theatres consume now."""
    week = model.week
    return plain_sum(c.consumption.get(item, 0.0) for c in model.crises if c.region != region and c.active(week))


def under_review(model: "CooperationModel") -> dict["Producer", dict[int, float]]:
    """Units of the sale orders still in the regulatory pipeline, by the line they were placed
    at and then by the queue index there of their buyer, cached for the week. A buyer's order
    under review is signed and bound for its line; it stands in the line's queue the week it
    clears (model/nation.py ``_sale_done``).

    The cases are scanned every week in pipeline order (so the sums add in the same order), but
    what each case claims is worked out once per case (:func:`_claim`) and kept on the case
    (``Case.claim``) while it is open.
    """
    cached = model._factor_cache.get(("under_review",))
    if cached is not None and cached[0] == model.week:
        return cached[1]
    out: dict[Producer, dict[int, float]] = {}
    for b in model.pipeline.barriers:
        for section in (b.queue, b.waiting, b.in_process):
            for case in section:
                claim = case.claim
                if claim is False:  # not yet worked out
                    claim = case.claim = _claim(case)
                if claim is not None:
                    line, i, qty = claim
                    by_class = out.get(line)
                    if by_class is None:
                        out[line] = {i: qty}
                    else:
                        by_class[i] = by_class.get(i, 0.0) + qty
    model._factor_cache[("under_review",)] = (model.week, out)
    return out


def _claim(case) -> tuple["Producer", int, float] | None:
    """What a sale case under review claims at its line: (the line, its buyer's queue index
    there, units), or None for a case that is no sale order. Fixed while the case is open: the
    order's units are served only once it has cleared and joined the line's backlog.
    """
    payload = case.payload
    if isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[0], Order) \
            and isinstance(payload[1], Producer):
        order, line = payload
        return line, line.class_of_buyer(order.buyer), order.remaining
    return None


def reviewed_ahead(model: "CooperationModel", line: "Producer", buyer) -> float:
    """Units under review bound for ``line`` that will stand ahead of a new order by ``buyer``:
    those of its priority class and above, or all of them when ``buyer`` is unrated (the rule of
    ``Producer.queued_ahead``).
    """
    by_class = under_review(model).get(line)
    if not by_class:
        return 0.0
    i = line.class_of_buyer(buyer)
    unrated = i == line.priority.unrated
    return plain_sum(q for j, q in by_class.items() if unrated or j <= i)


def production_points(model: "CooperationModel", region: str, campaign_weeks: int,
                      family: str | None = None) -> float:
    """Deterrence-weighted units the lines can deliver to ``region`` over the campaign, net of
    the backlog ahead of the theatre's order and of other theatres' consumption (points), of the
    items of requirement ``family`` (None = every weighted item).
    """
    week = model.week
    total = 0.0
    for item, lines in campaign_lines(model, region, campaign_weeks).items():
        if family is not None and model.families[item] != family:
            continue
        made = backlog = 0.0
        for p, weeks, buyer in lines:
            made += p.deliverable_capacity(week) * weeks
            backlog += p.queued_ahead(buyer) + reviewed_ahead(model, p, buyer)
        free = made - backlog - claims_elsewhere(model, region, item) * campaign_weeks
        if free > 0.0:
            total += free * model.weights[item]
    return total


def capability_parts(model: "CooperationModel", region: str, warning_weeks: int, campaign_weeks: int,
                     family: str | None = None) -> dict[str, float]:
    """The three terms of capability in ``region`` this week (points): ``stock``,
    ``reinforcement`` and ``production``, of the items of requirement ``family`` (None = all).
    """
    return {
        "stock": model.stock_points(region, family),
        "reinforcement": model.reinforcement_points(region, warning_weeks, family),
        "production": production_points(model, region, campaign_weeks, family),
    }
