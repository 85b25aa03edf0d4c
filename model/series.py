"""Weekly series: what the model records each week for plots (names are a results contract).

The model fills ``model.now`` (series name → this week's value) in its collect phase, under
names formatted once per model (``SeriesKeys``); the model's Mesa ``DataCollector``
(``WeeklySeries``) has one module-level reporter per series (module-level functions, not
lambdas, so models pickle into worker processes) and appends each week's values to
``model_vars`` straight from ``model.now``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import mesa

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


class WeeklySeries(mesa.DataCollector):
    """The model's Mesa ``DataCollector`` (``model_reporters``, ``model_vars``, the data frame
    are Mesa's own): one ``collect`` a week appends every series' value from ``model.now``.

    Mesa's own ``collect`` calls each reporter and deep-copies what it returns; the values here
    are floats, so this reads ``model.now`` directly and appends the same numbers.
    """

    def __init__(self, model: "CooperationModel"):
        super().__init__(model_reporters=reporters(model))
        self._columns = [(name, self.model_vars[name]) for name in self.model_reporters]

    def collect(self, model: "CooperationModel") -> None:
        """Append this week's value of every series."""
        now = model.now
        for name, column in self._columns:
            column.append(now[name])
        steps = getattr(self, "_collection_steps", None)  # Mesa 3.5+: when each row was collected
        if steps is not None:  # (mesa.batch_run reads it to find the rows)
            steps.append(model.time)


class SeriesKeys:
    """The series names :func:`observe` writes, formatted once per model (``model.series_keys``)."""

    def __init__(self, model: "CooperationModel"):
        s = model.scenario_spec
        self.systems = s.systems()
        self.per_system = [(k, f"output.{k}", f"capacity.{k}", f"deliverable.{k}", f"stock.{k}")
                           for k in self.systems]
        self.crisis_systems = frozenset(model.crisis_systems)
        self.per_nation = [(iso, f"capacity_nation.{iso}", f"deliverable_nation.{iso}", f"output_nation.{iso}")
                           for iso in s.nations]
        self.producers = [f"output_producer.{pid}" for pid in s.producers]
        self.producers += [f"output_producer.{licensed_line(iso, it)}" for iso, it in licensable(model)]
        self.producer_key: dict[str, str] = {}  # pid → its series (a licensed line's: summed)
        self.arrivals = [((r, k), f"arrivals.{r}.{k}") for r in s.regions for k in self.systems]
        self.stock_region = {r: f"stock_region.{r}" for r in s.regions}
        self.crisis_active = [(r, f"crisis_active.{r}") for r in s.regions]
        self.shortfall = [f"shortfall.{r}.{k}" for r in model.theatres for k in model.crisis_systems]
        self.open_cases = [(b, f"open_cases.{b.key}") for b in model.pipeline.barriers]
        self.deterrence = [(a, f"deterrence.{a.region}") for a in model.adversary_list]
        self._lines: list[tuple] = []
        self._lines_version = -1

    def lines(self, model: "CooperationModel") -> list[tuple]:
        """Per line, in acting order: (the line, its output series, its unit cost if it makes a
        system else None, whether its item is a crisis system); listed again when a line is added.
        """
        if self._lines_version != model.lines_version:
            items = model.scenario_spec.items
            self._lines = [(p, self.producer(p),
                            items[p.item].unit_cost_musd if items[p.item].kind == "system" else None,
                            p.item in self.crisis_systems)
                           for p in model.producer_list]
            self._lines_version = model.lines_version
        return self._lines

    def producer(self, p) -> str:
        """The series of line ``p``'s output."""
        key = self.producer_key.get(p.pid)
        if key is None:
            declared = p.model.scenario_spec.producers
            line = p.pid if p.pid in declared else licensed_line(p.nation.iso, p.item)
            key = self.producer_key[p.pid] = f"output_producer.{line}"
        return key


def observe(model: "CooperationModel", week: int) -> None:
    """Fill ``model.now`` with this week's values."""
    now = model.now
    keys = model.series_keys
    systems = keys.systems
    out = dict.fromkeys(systems, 0.0)
    cap = dict.fromkeys(systems, 0.0)
    deliverable = dict.fromkeys(systems, 0.0)
    us = allied = us_value = allied_value = 0.0
    # per nation: value of system lines' capacity × learning, deliverable capacity and output
    cap_n = dict.fromkeys(model.nations, 0.0)
    deliverable_n = dict(cap_n)
    out_n = dict(cap_n)
    for key in keys.producers:
        now[key] = 0.0
    for p, key, cost, crisis in keys.lines(model):
        now[key] = now.get(key, 0.0) + float(p.output)
        if cost is None:  # not a system line
            continue
        effective, possible = p.effective_capacity(week), p.deliverable_capacity(week)
        iso = p.nation.iso
        cap_n[iso] += effective * cost
        deliverable_n[iso] += possible * cost
        out_n[iso] += p.output * cost
        out[p.item] += p.output
        cap[p.item] += effective
        deliverable[p.item] += possible
        if crisis:
            if iso == "USA":
                us += p.output
                us_value += p.output * cost
            else:
                allied += p.output
                allied_value += p.output * cost
    for iso, cap_key, deliverable_key, out_key in keys.per_nation:
        now[cap_key] = cap_n[iso]
        now[deliverable_key] = deliverable_n[iso]
        now[out_key] = out_n[iso]
    stock = dict.fromkeys(systems, 0.0)
    for n in model.nation_list:
        held = n.stock
        for k in systems:
            stock[k] += held[k]
    for k, out_key, cap_key, deliverable_key, stock_key in keys.per_system:
        now[out_key] = out[k]
        now[cap_key] = cap[k]
        now[deliverable_key] = deliverable[k]
        now[stock_key] = stock[k]
    now["output_us"], now["output_allied"] = us, allied
    now["output_value_us"], now["output_value_allied"] = us_value, allied_value
    _observe_arrivals(model, keys)
    for r, pts in model.regional_points().items():
        now[keys.stock_region[r]] = pts
    for b, key in keys.open_cases:
        now[key] = float(b.open_cases())
    for a, key in keys.deterrence:
        now[key] = a.deterrence
    for r, key in keys.crisis_active:
        now[key] = 1.0 if model.crisis_active(r) else 0.0
    _observe_shortfall(model, week, keys)


def _observe_shortfall(model: "CooperationModel", week: int, keys: SeriesKeys) -> None:
    """Units each theatre went without this week, by crisis system (crises running there)."""
    now = model.now
    for key in keys.shortfall:
        now[key] = 0.0
    for c in model.crises:
        if c.active(week):
            for item, short in c.unmet_now.items():
                key = f"shortfall.{c.region}.{item}"
                if key in now:
                    now[key] += short


def _observe_arrivals(model: "CooperationModel", keys: SeriesKeys) -> None:
    """This week's arrivals by region and system, then reset the tally for next week."""
    now, arrived = model.now, model.arrived
    for pair, key in keys.arrivals:
        now[key] = arrived.get(pair, 0.0)
        arrived[pair] = 0.0
