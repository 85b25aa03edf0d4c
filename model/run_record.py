"""What a finished run leaves for its metrics: weekly series plus a few end states.

The metric functions of :mod:`model.metrics` read only this record, so they are pure and pickle
into worker processes. Aggregates weight each crisis system by its unit cost (docs/ODD.md §2, 'What is
measured'); per-system metrics stay in units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .summation import plain_sum

NAN = float("nan")


@dataclass(frozen=True)
class RunRecord:
    """What a finished run leaves for its metrics.

    Attributes:
        series: weekly series (name → one value per week 0 … horizon).
        crisis_systems: the systems any crisis of the scenario consumes.
        onset_week: the week surge metrics count from (NaN-metrics when ``None``).
        onset_region: the theatre of the onset crisis.
        unit_costs: $M per unit of each system (weights of the value aggregates).
        region_onsets: region → start week of the first crisis there that began in the run.
        started_regions: regions whose adversary started a crisis.
        adversary_regions: regions with an adversary.
        hazard_paths: region → its adversary's weekly probability of acting (weeks 0 … horizon)
            along the run without its own attack.
        members: family kind (``"theatre"``, ``"site"``) → its members in this run's scenario.
        onset_end_week: first week after the onset crisis (``None`` without one).
        theatre_demand_value, theatre_unmet_value: region → value ($M) of the consumption its
            crises demanded and of the part that went unmet.
        region_capacity_start, region_capacity_end: region → deliverable capacity of its system
            lines by value ($M/week) at week 0 and at the horizon.
        arms_sales_value: value ($M) of US-made systems delivered to allied buyers (FMS, DCS).
    """

    series: Mapping[str, Sequence[float]]
    crisis_systems: tuple[str, ...]
    onset_week: int | None
    onset_region: str | None = None
    unit_costs: Mapping[str, float] = field(default_factory=dict)
    onset_forward_stock: float = NAN
    onset_consumption_per_week: float = NAN
    cases_finished: int = 0
    cases_denied: int = 0
    delay_sum_weeks: float = 0.0
    #: route → weeks from request to first delivery of the orders delivered (model/lead_times.py)
    lead_times: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    coproduction_lines: int = 0
    #: Value made by licensed lines over the run ($M).
    coproduction_output_value: float = 0.0
    allied_capacity_start: float = 0.0
    allied_capacity_end: float = 0.0
    region_onsets: Mapping[str, int] = field(default_factory=dict)
    started_regions: tuple[str, ...] = field(default_factory=tuple)
    adversary_regions: tuple[str, ...] = field(default_factory=tuple)
    hazard_paths: Mapping[str, Sequence[float]] = field(default_factory=dict)
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    onset_end_week: int | None = None
    theatre_demand_value: Mapping[str, float] = field(default_factory=dict)
    theatre_unmet_value: Mapping[str, float] = field(default_factory=dict)
    region_capacity_start: Mapping[str, float] = field(default_factory=dict)
    region_capacity_end: Mapping[str, float] = field(default_factory=dict)
    arms_sales_value: float = 0.0
    #: Weeks from onset over which 12-month surge output is measured (``measurement.surge_window_weeks``).
    surge_window: int = 52
    #: Weeks from onset of the long window (``measurement.long_window_weeks``).
    long_window: int = 156
    #: Weeks before onset averaged for the pre-crisis level (``measurement.pre_crisis_window_weeks``).
    pre_window: int = 13

    def cost(self, system: str) -> float:
        """Unit cost of a system ($M), 1.0 when the record carries none (hand-made records)."""
        return self.unit_costs.get(system, 1.0)

    def crisis_value(self, prefix: str = "output") -> list[float]:
        """Weekly value ($M) of all crisis systems in the series ``<prefix>.<system>``."""
        cols = [[v * self.cost(s) for v in self.series[f"{prefix}.{s}"]] for s in self.crisis_systems]
        return [plain_sum(v) for v in zip(*cols)] if cols else []

    def pre_crisis(self, weekly: Sequence[float], capacity_week0: float) -> float:
        """Mean of ``weekly`` over the quarter before onset; at an onset in the first weeks,
        ``capacity_week0`` (the lines were running at capacity).
        """
        if self.onset_week is None:
            return NAN
        lo, hi = max(1, self.onset_week - self.pre_window), self.onset_week
        if hi - lo >= 2:
            return plain_sum(weekly[lo:hi]) / (hi - lo)
        return capacity_week0

    def pre_crisis_value(self) -> float:
        """Pre-crisis weekly value of crisis-system output ($M/week)."""
        cap0 = plain_sum(self.series[f"capacity.{s}"][0] * self.cost(s) for s in self.crisis_systems)
        return self.pre_crisis(self.crisis_value(), cap0)

    def pre_crisis_units(self, system: str) -> float:
        """Pre-crisis weekly output of one system (units/week)."""
        return self.pre_crisis(self.series[f"output.{system}"], self.series[f"capacity.{system}"][0])

    def window(self, values: Sequence[float], weeks: int) -> list[float]:
        """``values`` over ``weeks`` weeks from onset (empty without a crisis)."""
        if self.onset_week is None:
            return []
        return list(values[self.onset_week: self.onset_week + weeks])
