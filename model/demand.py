"""The demand rule: how a nation divides its week's budget among the systems it is short of
(docs/ODD.md §3, step 3; ``sourcing.demand_rule``).

Every system whose stock plus pipeline is below its reorder point has a *shortfall value*: the
units up to its requirement × unit cost. When the money free this week covers every shortfall,
each is bought in full. Otherwise the money is split:

* ``shortfall_value``: pro rata to the shortfall values, so every short system gets the same
  share of what it lacks (a planner funding every gap in proportion; assumption);
* ``priority_weights``: pro rata to ``sourcing.priority_weights`` (1 for items not named), no
  system above its shortfall value, what a capped system does not need shared again among the
  rest (water-filling).

A system's share is *earmarked*: it waits in the budget until it buys at least
``sourcing.min_order_share`` of the requirement (or the whole shortfall), so a system whose
minimum order exceeds a week's money is bought later, never dropped. The split uses sums that
do not depend on the order of the items (``math.fsum`` over items sorted by key).
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def split(money: float, gaps: Mapping[str, float], rule: str,
          weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Divide ``money`` ($M) among items with shortfall values ``gaps`` ($M) by ``rule``.

    Returns item → money allocated (never above its gap; the total never above ``money``).
    """
    keys = sorted(gaps)
    if money <= 0.0 or not keys:
        return dict.fromkeys(keys, 0.0)
    total = math.fsum(gaps[k] for k in keys)
    if total <= money:
        return {k: gaps[k] for k in keys}
    if rule == "shortfall_value":
        share = money / total
        return {k: gaps[k] * share for k in keys}
    if rule == "priority_weights":
        return _water_fill(money, gaps, keys, weights or {})
    raise ValueError(f"unknown demand rule '{rule}'")


def _water_fill(money: float, gaps: Mapping[str, float], keys: list[str],
                weights: Mapping[str, float]) -> dict[str, float]:
    """Money pro rata to weights, each item capped at its gap, the excess shared again."""
    out = dict.fromkeys(keys, 0.0)
    open_keys = [k for k in keys if weights.get(k, 1.0) > 0.0 and gaps[k] > 0.0]
    left = money
    while open_keys and left > 1e-12:
        w_total = math.fsum(weights.get(k, 1.0) for k in open_keys)
        offer = {k: left * weights.get(k, 1.0) / w_total for k in open_keys}
        capped = [k for k in open_keys if offer[k] >= gaps[k] - out[k]]
        if not capped:
            for k in open_keys:
                out[k] += offer[k]
            break
        left -= math.fsum(gaps[k] - out[k] for k in capped)
        for k in capped:
            out[k] = gaps[k]
        open_keys = [k for k in open_keys if k not in capped]
    return out
