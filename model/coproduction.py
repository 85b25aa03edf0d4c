"""The coproduction life cycle (docs/ODD.md §3, step 5).

An allied nation that puts domestic capacity first (A1) and can fund a line seeks a licence
for a US system it needs. The licence is a case through the technical-assistance agreement,
technology release and releasability stages; once granted, the line is built
(``build_weeks``), starts at a low efficiency and learns. It brings its own supply chain
(``own_chain``): the licensee's plants first, then other allies', the licensor's suppliers last,
so that it turns to them only when no allied plant has room (and depends on them where no ally
makes the input); each cross-border link needs its own supply licence. Its output
carries US content, so exports to a third country need re-transfer consent
(``third_party_transfer``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .cases import Case, CaseKind, CaseStatus
from .expansion import ramp
from .schema_world import Producer as ProducerSpec
from .summation import plain_sum

if TYPE_CHECKING:
    from .model import CooperationModel
    from .nation import Nation


def eligible(nation: "Nation", model: "CooperationModel") -> bool:
    """Whether a nation is the kind that seeks licences (domestic-capacity goal, budget)."""
    cfg = model.scenario_spec.sourcing
    return (
        nation.iso != "USA"
        and nation.goals.domestic_capacity >= cfg.coproduction_min_domestic_weight
        and nation.budget_per_year >= cfg.coproduction_min_budget_musd
    )


def need_strength(nation: "Nation", item: str, model: "CooperationModel") -> float:
    """A year's need of ``item`` (use plus shortfall) in units of the least need worth a line:
    ``coproduction_min_need_share`` × a new line's yearly output (1 = at that share).
    """
    spec = model.scenario_spec.items[item]
    assert spec.coproduction is not None
    need = nation.use.get(item, 0.0) * 52 + max(0.0, nation.requirement(item) - nation.stock[item])
    least = model.scenario_spec.sourcing.coproduction_min_need_share * spec.coproduction.line_capacity_per_week * 52
    if least <= 0.0:
        return math.inf if need > 0.0 else 0.0
    return need / least


def candidate_system(nation: "Nation", model: "CooperationModel") -> tuple[str | None, float]:
    """(system, weight): of the systems the nation may license, does not yet make or seek, the
    one with the largest yearly need by value, and how strongly that need calls for a line —
    a smooth ramp of its need strength from 0 at half the least need to 1 at one and a half
    (``expansion.ramp``), so that a need a little larger makes an application a little likelier.
    The choice does not depend on the order the nation lists its requirements.
    """
    best: tuple[float, str] | None = None
    weight = 0.0
    for item in nation.requirement_keys:
        spec = model.scenario_spec.items[item]
        if spec.coproduction is None or item in nation.licences:
            continue
        if any(p.nation is nation for p in model.producers_by_item.get(item, ())):
            continue
        strength = need_strength(nation, item, model)
        w = ramp(min(strength, 2.0), 0.5)
        if w <= 0.0 or licensor_for(item, model) is None:
            continue
        key = (strength * spec.coproduction.line_capacity_per_week * spec.unit_cost_musd, item)
        if best is None or key > best:
            best, weight = key, w
    return (best[1], weight) if best is not None else (None, 0.0)


def licensor_for(item: str, model: "CooperationModel"):
    """The largest US line of the item (the prime that would license it), if any."""
    lines = [p for p in model.producers_by_item.get(item, ()) if p.nation.iso == "USA" and p.capacity > 0]
    return max(lines, key=lambda p: (p.capacity, p.pid), default=None)


def seek_licences(model: "CooperationModel", week: int) -> None:
    """Each eligible nation may apply for one licence this week (one draw a week from the
    nation's own stream, ``coproduction.<ISO3>``), with chance ``coproduction_seek_probability``
    (× ``crisis_seek_multiplier`` in a crisis) × the weight of its candidate system's need.
    """
    cfg = model.scenario_spec.sourcing
    for nation in model.licence_seekers:
        u = nation.coproduction_draw()
        if nation.licence_pending:
            continue
        rate = cfg.coproduction_seek_probability * (cfg.crisis_seek_multiplier if nation.in_crisis else 1.0)
        if u >= rate:
            continue
        item, weight = candidate_system(nation, model)
        if item is None or u >= rate * weight:
            continue
        licensor = licensor_for(item, model)
        nation.licences.add(item)
        nation.licence_pending = True
        offer = model.scenario_spec.items[item].coproduction
        assert offer is not None  # candidate_system returns only items offered for licence
        case = Case(CaseKind.COPRODUCTION_LICENCE, item, "USA", nation.iso, 0.0, week,
                    offer.us_content_share,
                    on_finish=_licence_done, payload=(model, nation, licensor), key=f"{nation.iso}:{item}")
        model.pipeline.submit(case, week)


#: A licensed line counts as producing when it made something within this many weeks of the end
#: (a year: ``coproduction_lines`` counts lines by what they make, not lines that exist).
DELIVERY_WINDOW_WEEKS = 52


def lines_delivering(model: "CooperationModel", week: int) -> int:
    """Licensed lines (a licensor in the scenario, or licensed during the run) that made
    something in the last :data:`DELIVERY_WINDOW_WEEKS` weeks up to ``week``.
    """
    return sum(1 for p in model.producer_list
               if p.licensor is not None and p.last_output_week is not None
               and week - p.last_output_week < DELIVERY_WINDOW_WEEKS)


def output_value(model: "CooperationModel") -> float:
    """Value of everything licensed lines made over the run ($M)."""
    return plain_sum(p.made_value for p in model.producer_list if p.licensor is not None)


def own_chain(nation: "Nation", item: str, licensor, model: "CooperationModel") -> dict[str, tuple[str, ...]]:
    """A licensed line's suppliers of each input, in order of preference.

    The licensee's own plants of the input first, then other allies' (those in the licensee's
    region before the rest; larger ceilings first within each; a plant with a ceiling of zero
    makes nothing and is left out), and the licensor's suppliers last. A line turns down its list
    only when the suppliers before have no room (``Producer.supply_room``), so it draws on the
    licensor's suppliers only where no allied plant makes the input or none has room.
    """
    chain: dict[str, tuple[str, ...]] = {}
    for comp in model.scenario_spec.items[item].bill_of_materials:
        allied = [p for p in model.producers_by_item.get(comp, ())
                  if p.nation.iso != "USA" and p.ceiling > 0]
        allied.sort(key=lambda p: (p.nation is not nation, p.region != nation.region, -p.ceiling, p.pid))
        ids = [p.pid for p in allied]
        ids += [s.pid for s in licensor.suppliers.get(comp, ()) if s.pid not in ids]
        if ids:
            chain[comp] = tuple(ids)
    return chain


#: ``active_from`` of a line whose licence is not yet granted: it opens only once it is.
UNLICENSED = 10**9


def seek_scenario_licences(model: "CooperationModel") -> None:
    """Week 0: every line of the scenario with a licensor but no ``licence_held`` applies for
    its licence through the same stages as a licence sought in the run; until it is granted the
    line is closed, holds no inputs and orders none, and none of its cross-border links is
    licensed (a line written into a reform variant does not skip the barriers). A denied
    application is made again at once: the line is a stated programme, not a chance seeking.
    """
    for pid, spec in model.scenario_spec.producers.items():
        if spec.licensor is None or spec.licence_held is not None:
            continue
        line, licensor = model.producers[pid], model.producers[spec.licensor]
        line.active_from = UNLICENSED
        line.awaiting_licence = True
        for comp, links in line.arrangements.items():
            line.inputs[comp] = 0.0
            for link in links:
                if link.cross_border:
                    link.licensed = 0.0
        line.nation.licences.add(spec.item)
        _apply_for(model, line, spec, licensor.nation.iso, 0)


def _apply_for(model: "CooperationModel", line, spec, licensor_iso: str, week: int) -> None:
    case = Case(CaseKind.COPRODUCTION_LICENCE, spec.item, licensor_iso, line.nation.iso, 0.0, week,
                spec.us_content_share, on_finish=_scenario_licence_done, payload=(model, line, spec))
    model.pipeline.submit(case, week)


def _scenario_licence_done(case: Case, week: int) -> None:
    model, line, spec = case.payload
    if case.status is not CaseStatus.APPROVED:  # the partner applies again (a stated programme)
        _apply_for(model, line, spec, case.seller, week)
        return
    line.nation.released.update((case.item, *model.scenario_spec.items[case.item].bill_of_materials))
    offer = model.scenario_spec.items[case.item].coproduction
    build = offer.build_weeks if offer is not None else 0
    line.active_from = max(spec.active_from_week, week + build)
    line.awaiting_licence = False
    model.supply_epoch += 1


def _licence_done(case: Case, week: int) -> None:
    model, nation, licensor = case.payload
    nation.licence_pending = False
    if case.status is not CaseStatus.APPROVED:
        nation.licences.discard(case.item)
        return
    # The licence's technology release covers the system and the components it is made of.
    nation.released.update((case.item, *model.scenario_spec.items[case.item].bill_of_materials))
    cp = model.scenario_spec.items[case.item].coproduction
    spec = ProducerSpec(
        nation=nation.iso, item=case.item,
        capacity_per_week=cp.line_capacity_per_week,
        ceiling_per_week=cp.line_capacity_per_week * cp.ceiling_multiple,
        efficiency=cp.learning_initial, active_from_week=week + cp.build_weeks,
        suppliers=own_chain(nation, case.item, licensor, model),
        licensor=licensor.pid, us_content_share=cp.us_content_share,
        initial_backlog_weeks=0.0,  # a new line has no contracts from before the run
        initial_input_weeks=0.0,  # nor inputs: it orders them from its own chain
        source="licensed line stood up in the run",
    )
    model.add_producer(f"{nation.iso.lower()}_{case.item}_licensed_w{week}", spec)
