"""Weekly series: what the model records each week for plots (names are a results contract).

The model fills ``model.now`` (series name → this week's value) in its collect phase; the
Mesa ``DataCollector`` reads it through one module-level reporter per series (module-level
functions, not lambdas, so models pickle into worker processes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CooperationModel

#: Series name pattern → (meaning, unit).
SERIES_DOC: dict[str, tuple[str, str]] = {
    "output.<system>": ("units of the system completed that week, all producers", "units/week"),
    "output_us": ("crisis-system output made in the US", "units/week"),
    "output_allied": ("crisis-system output made outside the US", "units/week"),
    "output_value_us": ("value of crisis-system output made in the US", "$M/week"),
    "output_value_allied": ("value of crisis-system output made outside the US", "$M/week"),
    "arrivals.<region>.<system>": ("units of the system that arrived in the region that week: "
                                   "producers' deliveries to buyers there and reinforcements landing", "units/week"),
    "capacity.<system>": ("installed capacity × learning efficiency of active lines", "units/week"),
    "deliverable.<system>": ("deliverable capacity of active lines: capacity × learning limited by "
                             "inputs on hand and their supply (model/supply.py)", "units/week"),
    "capacity_nation.<ISO3>": ("value of the nation's system lines' capacity × learning "
                               "(Σ units/week × unit cost; components are inside the systems' "
                               "value)", "$M/week"),
    "deliverable_nation.<ISO3>": ("value of the nation's system lines' deliverable capacity", "$M/week"),
    "output_nation.<ISO3>": ("value of the systems the nation's lines completed that week", "$M/week"),
    "output_producer.<producer_id>": ("units the producer's line completed that week (its item's "
                                      "unit cost values it; analysis decomposes effects by it); "
                                      "lines licensed during the run are summed per nation and "
                                      "item as <iso3>_<item>_licensed",
                                      "units/week"),
    "stock.<system>": ("stock held by all nations", "units"),
    "stock_region.<region>": ("deterrence-weighted stock held in the region", "points"),
    "open_cases.<barrier>": ("cases queued, waiting or in process at the barrier", "cases"),
    "deterrence.<region>": ("1 − the adversary's assessed chance of success", "0–1"),
    "crisis_active.<region>": ("1 while a crisis runs in the region", "0/1"),
    "shortfall.<theatre>.<system>": ("units of the system that crises in the theatre (a region where "
                                     "one can run) asked for that week and the theatre could not "
                                     "supply from the stock held there", "units/week"),
}


def licensed_line(iso: str, item: str) -> str:
    """The series key of the lines of an item a nation licensed during the run (summed: their
    ids carry the week they were stood up, so they cannot be declared before the run).
    """
    return f"{iso.lower()}_{item}_licensed"


def licensable(model: "CooperationModel") -> list[tuple[str, str]]:
    """(nation, item) pairs that may stand up a licensed line: items with coproduction terms."""
    items = [k for k, it in model.scenario_spec.items.items() if it.coproduction is not None]
    return [(iso, item) for iso in model.scenario_spec.nations for item in items]


def current(name: str, model: "CooperationModel") -> float:
    """The value of series ``name`` this week (a DataCollector reporter)."""
    return model.now[name]


def series_names(model: "CooperationModel") -> list[str]:
    """All series of a model, in a stable order."""
    systems = model.scenario_spec.systems()
    names = [f"output.{s}" for s in systems] + ["output_us", "output_allied", "output_value_us", "output_value_allied"]
    names += [f"arrivals.{r}.{s}" for r in model.scenario_spec.regions for s in systems]
    names += [f"capacity.{s}" for s in systems] + [f"stock.{s}" for s in systems]
    names += [f"deliverable.{s}" for s in systems]
    for key in ("capacity_nation", "deliverable_nation", "output_nation"):
        names += [f"{key}.{iso}" for iso in model.scenario_spec.nations]
    names += [f"output_producer.{pid}" for pid in model.scenario_spec.producers]
    names += [f"output_producer.{licensed_line(iso, it)}" for iso, it in licensable(model)]
    names += [f"stock_region.{r}" for r in model.scenario_spec.regions]
    names += [f"open_cases.{b.key}" for b in model.pipeline.barriers]
    names += [f"deterrence.{r}" for r in model.scenario_spec.adversaries]
    names += [f"crisis_active.{r}" for r in model.scenario_spec.regions]
    names += [f"shortfall.{r}.{s}" for r in model.theatres for s in model.crisis_systems]
    return names


def reporters(model: "CooperationModel") -> dict[str, Callable]:
    """DataCollector model reporters, one per series."""
    return {name: partial(current, name) for name in series_names(model)}


def observe(model: "CooperationModel", week: int) -> None:
    """Fill ``model.now`` with this week's values."""
    now = model.now
    systems = model.scenario_spec.systems()
    out = dict.fromkeys(systems, 0.0)
    cap = dict.fromkeys(systems, 0.0)
    deliverable = dict.fromkeys(systems, 0.0)
    us = allied = us_value = allied_value = 0.0
    items = model.scenario_spec.items
    _observe_nations(model, week)
    _observe_producers(model)
    for p in model.producer_list:
        if p.item in out:
            out[p.item] += p.output
            cap[p.item] += p.effective_capacity(week)
            deliverable[p.item] += p.deliverable_capacity(week)
            if p.item in model.crisis_systems:
                if p.nation.iso == "USA":
                    us += p.output
                    us_value += p.output * items[p.item].unit_cost_musd
                else:
                    allied += p.output
                    allied_value += p.output * items[p.item].unit_cost_musd
    stock = dict.fromkeys(systems, 0.0)
    for n in model.nation_list:
        held = n.stock
        for s in systems:
            stock[s] += held[s]
    for s in systems:
        now[f"output.{s}"] = out[s]
        now[f"capacity.{s}"] = cap[s]
        now[f"deliverable.{s}"] = deliverable[s]
        now[f"stock.{s}"] = stock[s]
    now["output_us"], now["output_allied"] = us, allied
    now["output_value_us"], now["output_value_allied"] = us_value, allied_value
    _observe_arrivals(model, systems)
    for r, pts in model.regional_points().items():
        now[f"stock_region.{r}"] = pts
    for b in model.pipeline.barriers:
        now[f"open_cases.{b.key}"] = float(b.open_cases())
    for a in model.adversary_list:
        now[f"deterrence.{a.region}"] = a.deterrence
    for r in model.scenario_spec.regions:
        now[f"crisis_active.{r}"] = 1.0 if model.crisis_active(r) else 0.0
    _observe_shortfall(model, week)


def _observe_shortfall(model: "CooperationModel", week: int) -> None:
    """Units each theatre went without this week, by crisis system (crises running there)."""
    now = model.now
    for r in model.theatres:
        for s in model.crisis_systems:
            now[f"shortfall.{r}.{s}"] = 0.0
    for c in model.crises:
        if c.active(week):
            for item, short in c.unmet_now.items():
                key = f"shortfall.{c.region}.{item}"
                if key in now:
                    now[key] += short


def _observe_producers(model: "CooperationModel") -> None:
    """Each scenario producer's output this week (units), licensed lines summed per nation."""
    now, declared = model.now, model.scenario_spec.producers
    for pid in declared:
        now[f"output_producer.{pid}"] = 0.0
    for iso, item in licensable(model):
        now[f"output_producer.{licensed_line(iso, item)}"] = 0.0
    for p in model.producer_list:
        key = p.pid if p.pid in declared else licensed_line(p.nation.iso, p.item)
        now[f"output_producer.{key}"] = now.get(f"output_producer.{key}", 0.0) + float(p.output)


def _observe_nations(model: "CooperationModel", week: int) -> None:
    """Per-nation value of system lines' capacity, deliverable capacity and output ($M/week)."""
    now = model.now
    items = model.scenario_spec.items
    cap = dict.fromkeys(model.nations, 0.0)
    deliverable = dict(cap)
    out = dict(cap)
    for p in model.producer_list:
        item = items[p.item]
        if item.kind != "system":
            continue
        iso, cost = p.nation.iso, item.unit_cost_musd
        cap[iso] += p.effective_capacity(week) * cost
        deliverable[iso] += p.deliverable_capacity(week) * cost
        out[iso] += p.output * cost
    for iso in cap:
        now[f"capacity_nation.{iso}"] = cap[iso]
        now[f"deliverable_nation.{iso}"] = deliverable[iso]
        now[f"output_nation.{iso}"] = out[iso]


def _observe_arrivals(model: "CooperationModel", systems: list[str]) -> None:
    """This week's arrivals by region and system, then reset the tally for next week."""
    now, arrived = model.now, model.arrived
    for r in model.scenario_spec.regions:
        for s in systems:
            now[f"arrivals.{r}.{s}"] = arrived.get((r, s), 0.0)
            arrived[(r, s)] = 0.0
