"""Run metrics (DESIGN.md 'What is measured'): pure functions of a finished run's record.

Each metric is a module-level function of a :class:`RunRecord` (so it pickles into worker
processes), documented with its definition, unit and range, and declared in :data:`METRICS`,
the one mapping that the model's ``metrics()``, the results tables, the analysis (labels, which
way is better, which metrics are probabilities) and the table of ``docs/metrics.md`` share. Surge metrics
count from the onset (the scripted crisis's start, else the first crisis an adversary
starts); without a crisis they are NaN, never zero.

Crisis systems are the items any crisis of the scenario consumes (scripted or adversary);
output metrics sum their units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

NAN = float("nan")


@dataclass(frozen=True)
class RunRecord:
    """What a finished run leaves for its metrics (weekly series plus a few end states)."""

    series: Mapping[str, Sequence[float]]
    crisis_systems: tuple[str, ...]
    onset_week: int | None
    onset_forward_stock: float = NAN
    onset_consumption_per_week: float = NAN
    cases_finished: int = 0
    cases_denied: int = 0
    delay_sum_weeks: float = 0.0
    coproduction_lines: int = 0
    allied_capacity_start: float = 0.0
    allied_capacity_end: float = 0.0
    adversary_started: bool = False
    adversary_regions: tuple[str, ...] = field(default_factory=tuple)
    #: Weeks from onset over which surge output is measured (``measurement.surge_window_weeks``).
    surge_window: int = 52
    #: Weeks before onset averaged for the pre-crisis level (``measurement.pre_crisis_window_weeks``).
    pre_window: int = 13

    def crisis_output(self) -> list[float]:
        """Weekly units of all crisis systems."""
        cols = [self.series[f"output.{s}"] for s in self.crisis_systems]
        return [sum(v) for v in zip(*cols)] if cols else []

    def pre_crisis_output(self) -> float:
        """Mean weekly crisis-system output in the quarter before onset; at an onset in the
        first weeks, the installed capacity of week 0 (the line was running at capacity)."""
        if self.onset_week is None:
            return NAN
        out = self.crisis_output()
        lo, hi = max(1, self.onset_week - self.pre_window), self.onset_week
        if hi - lo >= 2:
            return sum(out[lo:hi]) / (hi - lo)
        return sum(self.series[f"capacity.{s}"][0] for s in self.crisis_systems)

    def post_onset(self, name: str | None = None) -> list[float]:
        """A series (default: crisis output) over the surge window (52 weeks) from onset."""
        if self.onset_week is None:
            return []
        vals = self.crisis_output() if name is None else list(self.series[name])
        return vals[self.onset_week: self.onset_week + self.surge_window]


def surge_ratio(r: RunRecord) -> float:
    """Peak weekly crisis-system output in the 52 weeks from onset ÷ pre-crisis weekly output.

    Unit: ratio (≥ 0; 1 = no surge). NaN without a crisis or without pre-crisis output.
    """
    post, pre = r.post_onset(), r.pre_crisis_output()
    if not post or not pre > 0:
        return NAN
    return max(post) / pre


def weeks_to_double(r: RunRecord) -> float:
    """Weeks from onset until weekly output first reaches twice the pre-crisis level.

    Unit: weeks (≥ 0). NaN when never reached within the horizon or without a crisis.
    """
    pre = r.pre_crisis_output()
    if r.onset_week is None or not pre > 0:
        return NAN
    out = r.crisis_output()
    for w in range(r.onset_week, len(out)):
        if out[w] >= 2.0 * pre - 1e-9:
            return float(w - r.onset_week)
    return NAN


def output_12m(r: RunRecord) -> float:
    """Units of crisis systems delivered in the 52 weeks from onset. Unit: units (≥ 0)."""
    post = r.post_onset()
    return float(sum(post)) if post else NAN


def allied_share(r: RunRecord) -> float:
    """Share of crisis-system output in the 52 weeks from onset made outside the US (0–1)."""
    allied, us = sum(r.post_onset("output_allied")), sum(r.post_onset("output_us"))
    return allied / (allied + us) if allied + us > 0 else NAN


def coproduction_lines(r: RunRecord) -> float:
    """Licensed coproduction lines producing at the horizon. Unit: count (≥ 0)."""
    return float(r.coproduction_lines)


def mean_regulatory_delay_weeks(r: RunRecord) -> float:
    """Mean weeks finished cross-border cases spent in the barrier pipeline (≥ 0; NaN if none)."""
    return r.delay_sum_weeks / r.cases_finished if r.cases_finished else NAN


def denied_share(r: RunRecord) -> float:
    """Share of finished cross-border cases that were denied (0–1; NaN if none)."""
    return r.cases_denied / r.cases_finished if r.cases_finished else NAN


def stock_coverage_weeks(r: RunRecord) -> float:
    """Forward stock of the consumed items in the crisis region at onset ÷ crisis consumption
    per week. Unit: weeks (≥ 0). NaN without a crisis."""
    if r.onset_week is None or not r.onset_consumption_per_week > 0:
        return NAN
    return r.onset_forward_stock / r.onset_consumption_per_week


def deterrence_index(r: RunRecord) -> float:
    """Mean over the horizon and the adversaries of 1 − the assessed chance of success.

    Unit: 0–1, higher is better. NaN when the scenario has no adversary.
    """
    vals = [v for reg in r.adversary_regions for v in list(r.series[f"deterrence.{reg}"])[1:]]
    return sum(vals) / len(vals) if vals else NAN


def deterrence_failure(r: RunRecord) -> float:
    """1 when an adversary started a crisis in the run, else 0 (mean over runs = probability)."""
    return 1.0 if r.adversary_started else 0.0


def allied_capacity_growth(r: RunRecord) -> float:
    """Allied (non-US) deliverable capacity of systems at the horizon ÷ at the start, valued at
    unit cost so shells and interceptors add up. Unit: ratio (≥ 0). NaN without allied capacity at start."""
    return r.allied_capacity_end / r.allied_capacity_start if r.allied_capacity_start > 0 else NAN


@dataclass(frozen=True)
class MetricSpec:
    """Everything said about a metric, declared once: the model computes it, the results
    tables and plots label and judge it, and ``docs/metrics.md`` tabulates it from here.

    Attributes:
        function: the pure function of a :class:`RunRecord`.
        label: a short label for axes and tables.
        description: the definition, one sentence (the docs table's "definition").
        unit: the unit of one run's value.
        low: the lowest possible value.
        high: the highest possible value (``math.inf``: unbounded).
        better: +1 when higher is better, −1 when lower is better.
        probability: 0/1 per run, so its mean over runs is a probability (binomial interval).
        missing: when the value is NaN (empty: never).
        whole: a whole number per run (a count or a 0/1 flag), compared exactly in regressions.
    """

    function: Callable[[RunRecord], float]
    label: str
    description: str
    unit: str
    low: float
    high: float
    better: int
    probability: bool = False
    missing: str = ""
    whole: bool = False

    def __post_init__(self) -> None:
        if self.better not in (1, -1) or not self.low <= self.high:
            raise ValueError(f"{self.label}: better must be +1 or -1 and low ≤ high")


#: name → spec, in the order of every table; the model, the results and the docs use it.
METRICS: dict[str, MetricSpec] = {
    "surge_ratio": MetricSpec(
        surge_ratio, "surge ratio",
        "peak weekly output of the crisis systems in the 52 weeks from onset ÷ pre-crisis weekly "
        "output (1 = no surge)",
        "× pre-crisis output", 0.0, math.inf, +1,
        missing="without a crisis or without pre-crisis output"),
    "weeks_to_double": MetricSpec(
        weeks_to_double, "weeks to double output",
        "weeks from onset until weekly output first reaches twice the pre-crisis level",
        "weeks", 0.0, math.inf, -1, missing="when never reached within the horizon or without a crisis"),
    "output_12m": MetricSpec(
        output_12m, "output in 12 months after onset",
        "units of the crisis systems completed in the 52 weeks from onset",
        "units", 0.0, math.inf, +1, missing="without a crisis"),
    "allied_share": MetricSpec(
        allied_share, "allied share of output",
        "share of those 52 weeks' crisis-system output made outside the US (allied and licensed "
        "lines)",
        "share", 0.0, 1.0, +1, missing="without a crisis or without output"),
    "coproduction_lines": MetricSpec(
        coproduction_lines, "coproduction lines at horizon",
        "licensed coproduction lines producing at the horizon (scenario lines with a licensor and "
        "lines licensed during the run)",
        "lines", 0.0, math.inf, +1, whole=True),
    "mean_regulatory_delay_weeks": MetricSpec(
        mean_regulatory_delay_weeks, "mean regulatory delay",
        "mean weeks that finished cross-border cases spent in the barrier pipeline, from "
        "submission to approval or denial, resubmissions included",
        "weeks", 0.0, math.inf, -1, missing="when no case finished"),
    "denied_share": MetricSpec(
        denied_share, "share of cases denied",
        "share of finished cross-border cases that were denied at some stage",
        "share", 0.0, 1.0, -1, missing="when no case finished"),
    "stock_coverage_weeks": MetricSpec(
        stock_coverage_weeks, "forward stock coverage at onset",
        "units of the consumed items held in the crisis region at onset ÷ the crisis's "
        "consumption per week",
        "weeks", 0.0, math.inf, +1, missing="without a crisis"),
    "deterrence_index": MetricSpec(
        deterrence_index, "deterrence index",
        "mean over weeks 1…horizon and over adversaries of 1 − the adversary's assessed chance "
        "that a campaign succeeds",
        "index", 0.0, 1.0, +1, missing="without an adversary"),
    "deterrence_failure": MetricSpec(
        deterrence_failure, "deterrence failure",
        "1 when an adversary started a crisis during the run, else 0; its mean over replications "
        "is the probability of deterrence failure",
        "0/1", 0.0, 1.0, -1, probability=True),
    "allied_capacity_growth": MetricSpec(
        allied_capacity_growth, "allied capacity growth",
        "deliverable non-US capacity of systems (what the lines can make given their inputs' "
        "supply, model/supply.py) at the horizon ÷ at week 0, each line valued at its item's unit "
        "cost so shells and interceptors add up (1 = no growth)",
        "× start", 0.0, math.inf, +1, missing="without allied capacity at week 0"),
}


def compute_all(record: RunRecord) -> dict[str, float]:
    """Every metric of :data:`METRICS` for one run, plus ``onset_week`` (NaN without a crisis)."""
    out = {name: float(spec.function(record)) for name, spec in METRICS.items()}
    out["onset_week"] = float(record.onset_week) if record.onset_week is not None else NAN
    return out
