"""Outcome metrics an analyst asks for beside surge and deterrence (docs/metrics.md): what a
theatre went without, how long stocks take to come back, what the US sold, and where capacity
grew. Pure functions of a finished run's :class:`~model.run_record.RunRecord`, declared with
their specs in :data:`model.metrics.METRICS`.

Survey goals these stand for (A1): "increased arms sales" (``arms_sales_value``) and
regional capacity (``regional_capacity.<region>``); the theatre's unmet consumption is what a
crisis costs the forces fighting it (``shortfall_share.<region>``), and the weeks to restore
stocks after a war what it costs the next one (``restore_weeks.<system>``).
"""

from __future__ import annotations

from .run_record import NAN, RunRecord


def shortfall_share_theatre(r: RunRecord, region: str) -> float:
    """Share by value of the consumption crises in ``region`` demanded that went unmet (the
    theatre held too little of the item that week), over every week a crisis ran there.
    Unit: share (0–1, lower is better). NaN when no crisis ran there.
    """
    demanded = r.theatre_demand_value.get(region, 0.0)
    if not demanded > 0.0:
        return NAN
    return r.theatre_unmet_value.get(region, 0.0) / demanded


def restore_weeks_system(r: RunRecord, system: str) -> float:
    """Weeks from the end of the onset crisis until all nations' stock of the system is back at
    its level of the week before that crisis began (0 when it never fell below, or came back
    while the crisis ran). Unit: weeks (≥ 0, lower is better). NaN without a crisis, when the
    crisis outlasts the run, or when the stock is not back by the horizon.
    """
    if r.onset_week is None or r.onset_end_week is None:
        return NAN
    stock = r.series[f"stock.{system}"]
    end = r.onset_end_week
    if end >= len(stock):
        return NAN
    level = stock[max(0, r.onset_week - 1)]
    for w in range(end, len(stock)):
        if stock[w] >= level * (1.0 - 1e-9):
            return float(w - end)
    return NAN


def arms_sales_value(r: RunRecord) -> float:
    """Value of US-made systems delivered to allied buyers over the run, by foreign military or
    direct commercial sale (units × unit cost). Unit: $M (≥ 0, higher is better).
    """
    return r.arms_sales_value


def regional_capacity_region(r: RunRecord, region: str) -> float:
    """Deliverable capacity of the system lines located in ``region`` at the horizon ÷ at week 0,
    each line at its item's unit cost. Unit: ratio (≥ 0; 1 = no growth). NaN without capacity
    there at week 0.
    """
    start = r.region_capacity_start.get(region, 0.0)
    if not start > 0.0:
        return NAN
    return r.region_capacity_end.get(region, 0.0) / start
