"""One expansion rule for every plant, system lines and component plants alike (docs/ODD.md §3, step 4).

Each week a plant checks for a **demand signal**: either

* its backlog of *new* orders (beyond the week-0 order book) exceeds ``backlog_trigger_weeks``
  of its capacity, or
* its customers went short of its item — their unmet input need exceeds
  ``shortage_trigger_share`` of its capacity — while it holds more than a week of its own
  deliverable capacity in backlog (so the shortage is its own, not a licence's or a
  supplier's further up).

A component plant's backlog is its customers' input orders, topped up to a few weeks of cover,
so it rarely reaches weeks of its own output; the shortage signal is what tells it to grow.

When the signal has lasted ``sustain_weeks`` and the plant is **funded** — a standing
multi-year-contracts policy, a crisis appropriation (any active crisis), or an initiative's
investment covering it (``industry.investments``) — it starts a step: first a quick step of
``quick_share`` by extra shifts after ``quick_lag_weeks`` (once), then plant steps of
``step_share`` after ``lag_weeks`` (+ ``restart_weeks`` for a cold line), at most
``max_concurrent`` under way at once (an investment may allow more), never above the ceiling,
and at most one decision per ``sustain_weeks``. The parameters come from the plant's profile
(``industry.expansion_profiles``), by name from the producer, else from its item, else by kind.

**How the signal becomes a decision** (``industry.expansion_response``):

* ``hazard`` (default): the signal is measured as a *strength* — the new-order backlog in units of
  its trigger, or the customers' shortage in units of its trigger times a smooth gate on the
  plant's own backlog — averaged over the last ``sustain_weeks``; each week the plant decides a
  step with probability ``decision_hazard × ramp(average)``, where the ramp rises smoothly
  (smoothstep) from 0 at ``1 − response_width`` to 1 at ``1 + response_width``. The draw comes
  from the plant's own stream ``expansion.<producer id>``, drawn every week whether or not it is
  used, so common random numbers hold. A backlog a little larger makes a step a little likelier
  and a little sooner, never a step or none at one threshold.
* ``step_threshold``: the second version's rule — a step as soon as the signal (backlog above
  its trigger, or shortage above its trigger while the plant holds more than a week of backlog)
  has lasted ``sustain_weeks`` in a row.

Both keep at most one decision per ``sustain_weeks``, the funding condition, the concurrency
limit and the ceiling.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import supply
from .schema_industry import KIND_PROFILE, Expansion
from .summation import plain_sum

if TYPE_CHECKING:
    from .model import CooperationModel
    from .producer import Producer
    from .schema import Scenario
    from .schema_industry import Investment


def profile_for(spec, scenario: "Scenario") -> tuple[str, Expansion]:
    """(profile name, parameters) of a producer spec: its own profile, else its item's, else
    the default for the item's kind; then its own ``expansion`` overrides.
    """
    item = scenario.items[spec.item]
    name = spec.expansion_profile or item.expansion_profile or KIND_PROFILE[item.kind]
    profile = scenario.industry.expansion_profiles[name]
    if spec.expansion is not None:
        profile = spec.expansion.apply(profile)
    return name, profile


def investments_for(p: "Producer", model: "CooperationModel") -> list["Investment"]:
    """The scenario's investments whose selectors all match plant ``p``."""
    out = []
    for inv in model.scenario_spec.industry.investments:
        if inv.producers and p.pid not in inv.producers:
            continue
        if inv.items and p.item not in inv.items:
            continue
        if inv.members and not model.world.member(p.nation.iso, inv.members):
            continue
        out.append(inv)
    return out


def funding(p: "Producer", week: int, standing: bool) -> tuple[bool, int]:
    """(funded, expansions allowed at once) for plant ``p`` this week.

    ``standing`` is the scenario-wide signal (multi-year contracts or an active crisis).
    """
    allowed = p.expansion.max_concurrent
    funded = standing
    for inv in p.investments:
        if inv.start_week <= week < inv.end_week:
            funded = True
            if inv.max_concurrent is not None:
                allowed = max(allowed, inv.max_concurrent)
    return funded, allowed


def demand_signal(p: "Producer", week: int) -> bool:
    """Whether plant ``p`` sees a need this week (backlog or its customers' shortage):
    the signal of the ``step_threshold`` response.
    """
    e = p.expansion
    capacity = max(p.capacity, 1e-9)
    if (p.backlog_qty - p.book) / capacity > e.backlog_trigger_weeks:
        return True
    if not p.customers:
        return False
    short = supply.unmet_customer_need(p)
    return short > e.shortage_trigger_share * capacity and p.backlog_qty > supply.deliverable_rate(p, week)


def ramp(x: float, width: float) -> float:
    """Smoothstep from 0 at ``1 − width`` to 1 at ``1 + width`` (continuous, with a continuous
    slope): the share of the full decision hazard at signal strength ``x``.
    """
    t = (x - (1.0 - width)) / (2.0 * width)
    if t <= 0.0:
        return 0.0
    if t >= 1.0:
        return 1.0
    return t * t * (3.0 - 2.0 * t)


def _ratio(amount: float, trigger: float) -> float:
    if trigger > 0.0:
        return amount / trigger
    return math.inf if amount > 1e-9 else 0.0


def signal_strength(p: "Producer", week: int) -> float:
    """This week's demand signal of plant ``p`` in units of its trigger (1 = at the trigger):
    the larger of the new-order backlog ÷ its trigger and the customers' shortage ÷ its trigger
    × a smooth gate on the plant's own backlog (0 below half a week of its deliverable rate, 1
    above one and a half), capped at ``1 + 2 × response_width``.
    """
    e = p.expansion
    capacity = max(p.capacity, 1e-9)
    cap = 1.0 + 2.0 * e.response_width
    x = _ratio((p.backlog_qty - p.book) / capacity, e.backlog_trigger_weeks)
    if x < cap and p.customers:
        short = supply.unmet_customer_need(p)
        if short > 1e-9:
            own = _ratio(p.backlog_qty, supply.deliverable_rate(p, week))
            x = max(x, _ratio(short / capacity, e.shortage_trigger_share) * ramp(own, 0.5))
    return min(max(x, 0.0), cap)


def decision_hazard(p: "Producer", week: int) -> float:
    """Update plant ``p``'s averaged signal with this week's and return the weekly chance of
    deciding a step (``hazard`` response).
    """
    e = p.expansion
    window = p.signal_window
    window.append(signal_strength(p, week))
    if len(window) > e.sustain_weeks:
        window.popleft()
    return e.decision_hazard * ramp(plain_sum(window) / e.sustain_weeks, e.response_width)


def consider(p: "Producer", week: int, standing: bool) -> None:
    """Update the plant's signal and start a step when the rule allows."""
    e = p.expansion
    if p.model.scenario_spec.industry.expansion_response == "hazard":
        u = p.expansion_draw(week)  # drawn every week: common random numbers
        decide = u < decision_hazard(p, week)
    else:
        p.streak = p.streak + 1 if demand_signal(p, week) else 0
        decide = p.streak >= e.sustain_weeks
    if not decide:  # the usual week: no need to look at the funding
        return
    funded, allowed = funding(p, week, standing)
    if not funded or p.awaiting_review:
        return
    if len(p.pending) >= allowed or week - p.last_decision < e.sustain_weeks:
        return
    quick = not p.quick_used and e.quick_share > 0
    share, lag = (e.quick_share, e.quick_lag_weeks) if quick else (e.step_share, e.lag_weeks)
    room = p.ceiling - p.capacity - plain_sum(a for _, a in p.pending)
    add = min(share * max(p.capacity, 0.1 * p.ceiling), room)
    if add <= 1e-9:
        return
    p.last_decision = week
    p.quick_used = p.quick_used or quick
    if p.capacity <= 1e-9:
        lag += e.restart_weeks
    p.start_step(week, add, lag)
