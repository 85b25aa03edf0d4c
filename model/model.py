"""CooperationModel: the Mesa model that wires the world and runs the week in order.

The class wires; it does not do. ``__init__`` builds nations, producers,
the supply network, adversaries, crises and the barrier pipeline from a validated scenario,
then collects once. ``step()`` runs the phases of docs/ODD.md §3 in a stated order and collects
once more.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import mesa

from . import coproduction, retransfer, series, sustainment, warm_start
from .adversary import Adversary
from .allocation import PriorityRules
from .capability import capability_parts
from .crisis import Crisis
from .lead_times import LeadTimes
from .loader import load_scenario
from .metrics import RunRecord, compute_all
from .nation import Nation
from .orders import Order, buyer_key
from .pipeline import Pipeline
from .producer import Producer
from .schema import Scenario
from .streams import Seed, Streams
from .summation import plain_sum
from .twin import copy_run
from .world import World


def _arrival_key(arrival: tuple[Order, float]) -> tuple[str, str, str, float]:
    """A stable order for the week's arrivals (buyer, item, destination), whatever the order
    the lines shipped them in, so every sum over them is the same.
    """
    order, qty = arrival
    return (buyer_key(order), order.item, order.dest_region, qty)


def crisis_systems(scenario: Scenario) -> tuple[str, ...]:
    """The systems any crisis of the scenario consumes (scripted or adversary), in file order;
    every system when none names any. Surge metrics are about these.
    """
    consumed = {k for c in scenario.crises for k in c.consumption_per_week}
    consumed |= {k for a in scenario.adversaries.values() for k in a.crisis.consumption_per_week}
    systems = scenario.systems()
    return tuple(s for s in systems if s in consumed) or tuple(systems)


def family_members(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Members of the metric families that are neither per system nor per adversary region, in
    the scenario's region order: ``theatre`` — regions where a crisis can run (a scripted
    crisis's region or an adversary's); ``site`` — regions with a system line.
    """
    theatres = {c.region for c in scenario.crises} | set(scenario.adversaries)
    sites = {scenario.nations[p.nation].region for p in scenario.producers.values()
             if scenario.items[p.item].kind == "system"}
    return {"theatre": tuple(r for r in scenario.regions if r in theatres),
            "site": tuple(r for r in scenario.regions if r in sites)}


def metric_names(scenario: Scenario) -> list[str]:
    """The metric columns a run of the scenario reports (families expanded), plus ``onset_week``."""
    from .metrics import metric_columns

    members = family_members(scenario)
    return [*metric_columns(crisis_systems(scenario), scenario.adversaries, members), "onset_week"]


#: Order routes that are US sales to a foreign buyer (the seed's "increased arms sales").
US_SALE_ROUTES = frozenset({"fms", "dcs"})


class CooperationModel(mesa.Model):
    """US–allied defense-industrial cooperation under regulatory friction.

    Args:
        scenario: a scenario name from ``scenarios/``, a YAML path, or a loaded ``Scenario``;
            a loaded one without overrides is used as it is (validated and frozen, so runs may
            share it), which is how the experiment engine passes each design point's scenario.
        rng: the run seed (int); ``None`` draws OS entropy, recorded in ``self.seed``.
        **overrides: dotted scenario paths and values, applied and validated here
            (e.g. ``**{"barriers.export_licence.median_days": 10}``, as ``mesa.batch_run`` passes).
    """

    def __init__(self, scenario: str | Path | Scenario = "baseline", rng: Seed = None, **overrides: Any):
        self.streams = Streams(rng)
        self.seed = self.streams.entropy
        super().__init__(rng=self.seed)
        if isinstance(scenario, Scenario) and not overrides:
            self.scenario_spec = scenario
        else:
            self.scenario_spec = load_scenario(scenario, overrides)
        self.world = World(self.scenario_spec)
        self.pipeline = Pipeline(self.scenario_spec, self.world, self.streams.__getitem__)
        self.pipeline.deferred = True  # cases enter the queues at the end of each phase
        self.lead_times = LeadTimes()
        self.horizon = self.scenario_spec.horizon_weeks
        self.arrivals: dict[int, list[tuple[Order, float]]] = {}
        self.moves: dict[int, list[tuple[Nation, str, str, float]]] = {}
        self.now: dict[str, float] = {}
        self.arrived: dict[tuple[str, str], float] = {}  # (region, system) → units landed this week
        self._points_cache: dict[str | None, tuple[int, dict[Nation, dict[str, float]]]] = {}
        self._reinforcer_cache: dict[str, list[Nation]] = {}
        self._factor_cache: dict[tuple[Any, ...], tuple[int, Any]] = {}  # per-region line lists
        self.supply_epoch = 0  # bumped whenever deliverable capacities must be recomputed
        self.collecting = False  # in a simultaneous phase: producers hold new orders until its end
        self.itar_free = {d.producer: d for d in self.scenario_spec.policies.itar_free}
        #: region → the run without that region's adversary's attack, forked when it acted.
        self.counterfactuals: dict[str, CooperationModel] = {}
        self.is_counterfactual = False
        self.week = 0  # weeks stepped: the model's own counter (Mesa 4 removes ``steps``)
        self._build_agents()
        self._build_crises()
        self.theatres = family_members(self.scenario_spec)["theatre"]
        self.sustainment = sustainment.Sustainment(self)
        warm_start.start(self)
        coproduction.seek_scenario_licences(self)
        self.pipeline.admit(0)  # cases opened while the world is built enter their queues in week 0
        self.allied_capacity_start = self.allied_capacity(0)
        self.region_capacity_start = self.region_capacity(0)
        self.arms_sales = 0.0  # $M of US-made systems delivered to allied buyers (FMS, DCS)
        for adversary in self.adversary_list:
            adversary.update_chance()
        self.series_keys = series.SeriesKeys(self)
        series.observe(self, 0)
        self.datacollector = series.WeeklySeries(self)
        self.datacollector.collect(self)

    # -- construction -------------------------------------------------------------------------
    def _build_agents(self) -> None:
        s = self.scenario_spec
        self.nations = {iso: Nation(self, iso, spec) for iso, spec in s.nations.items()}
        self.nation_list = [self.nations[iso] for iso in sorted(self.nations)]  # acting order is irrelevant
        self.priority = PriorityRules(s.policies.allocation, self.world)
        self.producers: dict[str, Producer] = {}
        self.producer_list: list[Producer] = []
        self.producers_by_item: dict[str, list[Producer]] = {}
        self.lines_version = 0
        for pid in sorted(s.producers):  # lines are built and act in order of id, not of the file
            self._create_producer(pid, s.producers[pid])
        for pid in sorted(s.producers):
            for comp, sups in s.producers[pid].suppliers.items():
                self.producers[pid].connect(comp, [self.producers[sup] for sup in sups])
        self.adversary_list = [Adversary(self, r, spec) for r, spec in s.adversaries.items()]
        self.licence_seekers = [n for n in self.nation_list if coproduction.eligible(n, self)]
        self.weights = {k: s.items[k].deterrence_weight for k in sorted(s.items) if s.items[k].deterrence_weight > 0}
        #: item → the requirement family its points count toward (``items.*.deterrence_family``).
        self.families = {k: s.items[k].deterrence_family for k in self.weights}
        for n in self.nation_list:  # only what a nation can ever hold counts toward its points
            n.weighted_items = [(k, w) for k, w in self.weights.items()
                                if n.stock[k] > 0 or n.base_requirement.get(k, 0) > 0]
        #: (nation, family) → the nation's weighted items of that requirement family, listed once.
        self.family_items: dict[tuple[str, str], list[tuple[str, float]]] = {
            (n.iso, f): [(k, w) for k, w in n.weighted_items if self.families[k] == f]
            for n in self.nation_list for f in set(self.families.values())}

    def _create_producer(self, pid: str, spec) -> Producer:
        cp = self.scenario_spec.items[spec.item].coproduction
        learning = cp.learning_weeks if cp is not None else self.scenario_spec.industry.learning_weeks
        prod = Producer(self, pid, spec, self.nations[spec.nation], learning)
        self.producers[pid] = prod
        self.producer_list.append(prod)
        self.producers_by_item.setdefault(spec.item, []).append(prod)
        self.lines_version += 1
        return prod

    def add_producer(self, pid: str, spec) -> Producer:
        """Stand up a new line during the run (a licensed coproduction line): none of its
        cross-border supply links is licensed yet.
        """
        prod = self._create_producer(pid, spec)
        for comp, sups in spec.suppliers.items():
            prod.connect(comp, [self.producers[sup] for sup in sups], established=False)
        self.supply_epoch += 1
        return prod

    def _build_crises(self) -> None:
        self.crises: list[Crisis] = []
        for c in self.scenario_spec.crises:
            crisis = self._crisis(c.region, c.start_week, c.duration_weeks, c.consumption_per_week, c.donors,
                                  c.requirement_multiplier, c.budget_multiplier, "scripted")
            if c.recipient is not None:
                crisis.consents = retransfer.Consents(self, c.recipient, crisis.donors,
                                                      list(c.consumption_per_week), c.consents_held_at_start)
            self.crises.append(crisis)
        self.crisis_systems = crisis_systems(self.scenario_spec)

    def _crisis(self, region, start, duration, consumption, donors, req_mult, budget_mult, origin) -> Crisis:
        if donors:
            chosen = [n for n in self.nation_list if self.world.member(n.iso, donors)]
        else:
            chosen = self.default_donors(region)
        return Crisis(region, start, start + duration, dict(consumption), chosen, req_mult, budget_mult, origin)

    def default_donors(self, region: str) -> list[Nation]:
        """Who feeds a crisis in ``region`` unless the scenario names donors: the region's
        nations and the US. They are also the nations whose lift reinforces the region in an
        adversary's assessment.
        """
        return [n for n in self.nation_list if n.region == region or n.iso == "USA"]

    def start_adversary_crisis(self, adversary: Adversary, week: int) -> None:
        """An adversary acts: its crisis starts next week in its region."""
        adversary.started_week = week
        c = adversary.spec.crisis
        self.crises.append(self._crisis(adversary.region, week + 1, c.duration_weeks, c.consumption_per_week,
                                        (), c.requirement_multiplier, c.budget_multiplier, "adversary"))

    # -- the week ---------------------------------------------------------------------------------
    def step(self) -> None:
        """One week: arrivals, regulators, adversaries, nations, producers, coproduction, collect."""
        self.week += 1
        week = self.week
        self._receive(week)
        self.sustainment.recertify(week)
        self.pipeline.advance(week)
        self.supply_epoch += 1  # arrivals and licences changed what lines can deliver
        acting = [a for a in self.adversary_list if a.assess(week)]
        for twin in self.counterfactuals.values():  # forked in earlier weeks: keep in step
            # The class's own step, not the instance's: Mesa (3.5+) wraps ``step`` in an event
            # schedule whose next event is re-queued only after the current one returns, so a copy
            # forked inside a step has an empty schedule and its wrapped ``step`` does nothing.
            CooperationModel.step(twin)
        if not self.is_counterfactual:
            for a in acting:
                self._fork_counterfactual(a, week, acting)
        self._end_week(week, acting)

    def _end_week(self, week: int, acting: list[Adversary]) -> None:
        """The week after the adversaries' assessments: crises they start, nations, producers,
        coproduction, collect (a counterfactual copy collects nothing).
        """
        for adversary in acting:
            self.start_adversary_crisis(adversary, week)
        self._nations_act(week)
        self._producers_act(week)
        self.supply_epoch += 1  # production moved inputs, capacities and efficiencies
        coproduction.seek_licences(self, week)
        self.pipeline.admit(week)
        if not self.is_counterfactual:
            series.observe(self, week)
            self.datacollector.collect(self)
        if week >= self.horizon:
            self.running = False

    def _fork_counterfactual(self, adversary: Adversary, week: int, acting: list[Adversary]) -> None:
        """Copy the run as it stands when ``adversary`` acts, and let the copy go on without its
        attack (it holds back; every other draw is the same, since each process has its own
        stream): the copy carries the adversary's weekly probability of acting on to the
        horizon, so ``failure_probability`` is defined in runs where the attack happened.
        """
        twin = copy_run(self)  # shares the scenario and world; no collector (model/twin.py)
        twin.is_counterfactual = True
        index = self.adversary_list.index(adversary)
        held = twin.adversary_list[index]
        held.started_week, held.restrained = None, True
        others = [twin.adversary_list[self.adversary_list.index(a)] for a in acting if a is not adversary]
        twin._end_week(week, others)
        self.counterfactuals[adversary.region] = twin

    def hazard_paths(self) -> dict[str, list[float]]:
        """Region → its adversary's weekly probability of acting, weeks 0 … now, along the run
        without its own attack (the counterfactual copy's path after it acted).
        """
        out = {}
        for a in self.adversary_list:
            twin = self.counterfactuals.get(a.region)
            source = a if twin is None else twin.adversary_list[self.adversary_list.index(a)]
            out[a.region] = list(source.hazard_path)
        return out

    def run(self, steps: int | None = None) -> "CooperationModel":
        """Run ``steps`` weeks (default: to the horizon); returns the model."""
        for _ in range(self.horizon if steps is None else steps):
            if not self.running:
                break
            self.step()
        return self

    def _receive(self, week: int) -> None:
        arrived, note = self.arrived, self.lead_times.note
        for order, qty in sorted(self.arrivals.pop(week, ()), key=_arrival_key):
            order.buyer.deliver(order, qty)
            note(order, week)
            if order.route in US_SALE_ROUTES:
                self._note_sale(order, qty)
            key = (order.dest_region, order.item)
            if key in arrived:  # as _note_arrival
                arrived[key] += qty
        for nation, item, region, qty in self.moves.pop(week, ()):
            nation.land(item, region, qty)
            key = (region, item)
            if key in arrived:
                arrived[key] += qty

    def _note_arrival(self, region: str, item: str, qty: float) -> None:
        key = (region, item)
        if key in self.arrived:  # systems only (components are not in the map)
            self.arrived[key] += qty

    def _note_sale(self, order: Order, qty: float) -> None:
        """Count a delivery of a US sale (FMS or direct commercial) to an allied nation."""
        if order.route in US_SALE_ROUTES and isinstance(order.buyer, Nation) and order.buyer.iso != "USA":
            self.arms_sales += qty * self.scenario_spec.items[order.item].unit_cost_musd

    def ship(self, order: Order, qty: float, from_region: str, week: int) -> None:
        """Send goods; they arrive after the transit time between the regions."""
        transit = self.world.transit[(from_region, order.dest_region)]
        if transit <= 0:
            order.buyer.deliver(order, qty)
            self.lead_times.note(order, week)
            self._note_sale(order, qty)
            self._note_arrival(order.dest_region, order.item, qty)
        else:
            self.arrivals.setdefault(week + transit, []).append((order, qty))

    def schedule_move(self, nation: Nation, item: str, region: str, qty: float, week: int) -> None:
        """A nation's reinforcements land in ``region`` at the start of ``week``."""
        self.moves.setdefault(week, []).append((nation, item, region, qty))

    def _nations_act(self, week: int) -> None:
        """Nations act simultaneously: each decides on the producers' backlogs as they stood
        when the phase began (orders join them when every nation has acted, ``Producer.accept``)
        and cases enter the regulators' queues together at the end (``Pipeline.admit``).
        """
        self._apply_crises(week)
        self.collecting = True
        for nation in self.nation_list:
            nation.consume()
            nation.accrue_budget()
            nation.procure(week)
        self._settle(week)

    def _settle(self, week: int) -> None:
        """End of a simultaneous phase: orders collected this phase join the backlogs, cases
        submitted this phase enter the regulators' queues.
        """
        self.collecting = False
        for p in self.producer_list:
            if p.incoming:  # most lines took no order this phase: skip the call
                p.take_incoming()
        self.pipeline.admit(week)

    def _apply_crises(self, week: int) -> None:
        for n in self.nation_list:
            n.requirement_mult, n.budget_mult, n.in_crisis = 1.0, 1.0, False
        for c in self.crises:
            if not c.active(week):
                continue
            if math.isnan(c.onset_stock):  # its first active week (week 1 for a start at 0)
                c.onset_stock = self.forward_units(c.region, c.consumption)
            for d in c.donors:
                d.requirement_mult = max(d.requirement_mult, c.requirement_multiplier)
                d.budget_mult = max(d.budget_mult, c.budget_multiplier)
                d.in_crisis = True
            c.draw(week, self.world.transit)

    def _producers_act(self, week: int) -> None:
        """Producers act in passes, each pass by every line before the next, so no line acts on
        what another did first: scheduled changes; input orders (suppliers' room divided among
        their customers pro rata to need, orders joining the backlogs at the end of the pass);
        production and shipping; learning and expansion decisions.
        """
        funded = self.scenario_spec.policies.multi_year_contracts or any(c.active(week) for c in self.crises)
        lines = self.producer_list
        for p in lines:
            p.apply_scheduled(week)
        self.collecting = True
        for p in lines:
            p.order_inputs(week)
        self._settle(week)
        for p in lines:
            p.produce(week)
        for p in lines:
            p.learn()
            p.consider_expansion(week, funded)
        self.pipeline.admit(week)

    # -- what agents sense --------------------------------------------------------------------
    def crisis_active(self, region: str) -> bool:
        """Whether a crisis runs in the region this week."""
        return any(c.region == region and c.active(self.week) for c in self.crises)

    def regional_points(self) -> dict[str, float]:
        """Deterrence-weighted stock held in each region now (capability points)."""
        pts = dict.fromkeys(self.scenario_spec.regions, 0.0)
        for n in self.nation_list:
            for region, p in self.nation_points(n).items():
                pts[region] += p
        return pts

    def nation_points(self, nation: Nation, family: str | None = None) -> dict[str, float]:
        """Deterrence-weighted stock a nation holds in each region where it holds any (points),
        of the items of requirement ``family`` (None = every weighted item).
        """
        items = nation.weighted_items if family is None else self.family_items.get((nation.iso, family), [])
        out = {}
        for region, at in nation.held.items():
            held = 0.0
            for k, w in items:
                held += at[k] * w
            out[region] = held
        return out

    def capability(self, region: str, warning_weeks: int, campaign_weeks: int,
                   family: str | None = None) -> float:
        """Allied capability an adversary sees over its campaign (model/capability.py): stock
        held in the region, reinforcements the lift brings within the warning time, and what
        lines can deliver there over the campaign net of backlogs and other theatres' use
        (points), in the items of requirement ``family`` (None = every weighted item).
        """
        return plain_sum(capability_parts(self, region, warning_weeks, campaign_weeks, family).values())

    def stock_points(self, region: str, family: str | None = None) -> float:
        """Deterrence-weighted stock every nation holds in ``region`` this week (points), of the
        items of ``family`` (None = all).
        """
        return plain_sum(by_region.get(region, 0.0) for by_region in self._points_this_week(family).values())

    def reinforcement_points(self, region: str, warning_weeks: int, family: str | None = None) -> float:
        """Stock held elsewhere that the donors' lift can bring into ``region`` within the
        warning time (points). A region ``t`` weeks away contributes the share
        ``min(1, lift_share_per_week × (warning − t))`` of what a donor holds there: its lift
        sends that share each week, and only what leaves by week ``warning − t`` arrives in
        time, so the count falls linearly with transit and reaches zero at the warning time.
        """
        points = self._points_this_week(family)
        transit = self.world.transit
        total = 0.0
        for n in self._reinforcers(region):
            lift = n.lift_share_per_week
            for r, p in points[n].items():
                if r != region and p > 0.0:
                    total += p * min(1.0, lift * max(0, warning_weeks - transit[(r, region)]))
        return total

    def _reinforcers(self, region: str) -> list[Nation]:
        cached = self._reinforcer_cache.get(region)
        if cached is None:
            cached = self._reinforcer_cache[region] = self.default_donors(region)
        return cached

    def _points_this_week(self, family: str | None = None) -> dict[Nation, dict[str, float]]:
        cached = self._points_cache.get(family)
        if cached is None or cached[0] != self.week:
            cached = self._points_cache[family] = (
                self.week, {n: self.nation_points(n, family) for n in self.nation_list})
        return cached[1]

    def forward_units(self, region: str, items) -> float:
        """Units of the given items held in a region by all nations."""
        return plain_sum(n.held_in(region, k) for n in self.nation_list for k in items)

    def allied_capacity(self, week: int) -> float:
        """Value of allied (non-US) system capacity: Σ deliverable capacity × unit cost ($M/week)."""
        items = self.scenario_spec.items
        return plain_sum(p.deliverable_capacity(week) * items[p.item].unit_cost_musd
                   for p in self.producer_list if p.nation.iso != "USA" and items[p.item].kind == "system")

    def region_capacity(self, week: int) -> dict[str, float]:
        """Region → value of the deliverable capacity of the system lines located there ($M/week)."""
        items = self.scenario_spec.items
        out = dict.fromkeys(self.scenario_spec.regions, 0.0)
        for p in self.producer_list:
            if items[p.item].kind == "system":
                out[p.region] += p.deliverable_capacity(week) * items[p.item].unit_cost_musd
        return out

    def theatre_shortfall(self) -> tuple[dict[str, float], dict[str, float]]:
        """Region → value ($M) of the consumption its crises demanded so far, and of the unmet part."""
        items = self.scenario_spec.items
        demand = dict.fromkeys(self.scenario_spec.regions, 0.0)
        unmet = dict(demand)
        for c in self.crises:
            for k, q in c.demanded.items():
                demand[c.region] += q * items[k].unit_cost_musd
            for k, q in c.unmet.items():
                unmet[c.region] += q * items[k].unit_cost_musd
        return demand, unmet

    # -- results ------------------------------------------------------------------------------
    def onset(self) -> Crisis | None:
        """The crisis surge metrics count from: the first scripted one, else the first started."""
        region = self.scenario_spec.measurement.onset_region
        if region is not None:
            return min((c for c in self.crises if c.region == region), key=lambda c: c.start_week, default=None)
        scripted = [c for c in self.crises if c.origin == "scripted"]
        pool = scripted or [c for c in self.crises if c.origin == "adversary"]
        return min(pool, key=lambda c: c.start_week, default=None)

    def region_onsets(self) -> dict[str, int]:
        """Region → start week of the first crisis there that has begun by now."""
        out: dict[str, int] = {}
        for c in self.crises:
            if c.start_week <= self.week:
                out[c.region] = min(out.get(c.region, c.start_week), c.start_week)
        return out

    def record(self) -> RunRecord:
        """The finished run's record for the metric functions."""
        onset = self.onset()
        if onset is not None and onset.start_week > self.week:
            onset = None  # scripted for after the weeks run
        week = self.week
        demand, unmet = self.theatre_shortfall()
        return RunRecord(
            series=self.timeseries(),
            crisis_systems=self.crisis_systems,
            onset_week=onset.start_week if onset is not None else None,
            onset_region=onset.region if onset is not None else None,
            unit_costs={k: self.scenario_spec.items[k].unit_cost_musd for k in self.crisis_systems},
            onset_forward_stock=onset.onset_stock if onset is not None else math.nan,
            onset_consumption_per_week=plain_sum(onset.consumption.values()) if onset is not None else math.nan,
            cases_finished=self.pipeline.finished,
            cases_denied=self.pipeline.denied,
            delay_sum_weeks=float(self.pipeline.delay_sum),
            lead_times=self.lead_times.by_route(),
            coproduction_lines=coproduction.lines_delivering(self, week),
            coproduction_output_value=coproduction.output_value(self),
            allied_capacity_start=self.allied_capacity_start,
            allied_capacity_end=self.allied_capacity(week),
            region_onsets=self.region_onsets(),
            started_regions=tuple(a.region for a in self.adversary_list if a.started_week is not None),
            hazard_paths=self.hazard_paths(),
            members=family_members(self.scenario_spec),
            onset_end_week=onset.end_week if onset is not None else None,
            theatre_demand_value=demand,
            theatre_unmet_value=unmet,
            region_capacity_start=self.region_capacity_start,
            region_capacity_end=self.region_capacity(week),
            arms_sales_value=self.arms_sales,
            adversary_regions=tuple(a.region for a in self.adversary_list),
            surge_window=self.scenario_spec.measurement.surge_window_weeks,
            long_window=self.scenario_spec.measurement.long_window_weeks,
            pre_window=self.scenario_spec.measurement.pre_crisis_window_weeks,
        )

    def metrics(self) -> dict[str, float]:
        """The metrics of docs/metrics.md (families expanded) plus ``onset_week`` (NaN where missing)."""
        return compute_all(self.record())

    def timeseries(self) -> dict[str, list[float]]:
        """Weekly series: name → one value per collected week (week 0 … now)."""
        return self.datacollector.model_vars
