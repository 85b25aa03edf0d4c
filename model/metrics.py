"""Run metrics (docs/metrics.md): pure functions of a finished run's record.

Each metric is a module-level function of a :class:`RunRecord` (so it pickles into worker
processes), documented with its definition, unit and range, and declared in :data:`METRICS`,
the one mapping that the model's ``metrics()``, the results tables, the analysis (labels, which
way is better, which metrics are probabilities) and the table of ``docs/metrics.md`` share.
A *family* (a key with a placeholder, ``output_12m.<system>``, ``deterrence_index.<region>``)
gives one column per crisis system or per adversary region; its function takes the member too.

Surge metrics count from the onset (``measurement.onset_region``'s first crisis, else the first
scripted crisis, else the first crisis an adversary starts); without a crisis they are NaN,
never zero. Crisis systems are the systems any crisis of the scenario consumes; aggregates weigh
each by its unit cost ($M), per-system columns count units.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .lead_times import ROUTES, median
from .outcomes import (
    arms_sales_value,
    regional_capacity_region,
    restore_weeks_system,
    shortfall_share_theatre,
)
from .run_record import NAN, RunRecord
from .summation import plain_sum

__all__ = ["METRICS", "MetricSpec", "RunRecord", "compute_all", "metric_columns"]


def surge_ratio(r: RunRecord) -> float:
    """Peak weekly value of crisis-system output in the 52 weeks from onset ÷ pre-crisis weekly
    value. Unit: ratio (≥ 0; 1 = no surge). NaN without a crisis or without pre-crisis output.
    """
    post, pre = r.window(r.crisis_value(), r.surge_window), r.pre_crisis_value()
    if not post or not pre > 0:
        return NAN
    return max(post) / pre


def _value_in(r: RunRecord, weeks: int, whole: bool) -> float:
    if r.onset_week is None or (whole and r.onset_week + weeks > len(r.crisis_value())):
        return NAN  # no crisis, or the horizon ends inside a window that must be whole
    return float(plain_sum(r.window(r.crisis_value(), weeks)))


def output_value_12m(r: RunRecord) -> float:
    """Value of crisis systems completed in the 52 weeks from onset, or up to the horizon when it
    comes first ($M ≥ 0).
    """
    return _value_in(r, r.surge_window, whole=False)


def output_value_36m(r: RunRecord) -> float:
    """Value of crisis systems completed in the 156 weeks from onset ($M ≥ 0); NaN when the
    horizon ends inside the window.
    """
    return _value_in(r, r.long_window, whole=True)


def capacity_at_onset_value(r: RunRecord) -> float:
    """Deliverable weekly capacity of the crisis systems at onset, by value ($M/week)."""
    if r.onset_week is None:
        return NAN
    return plain_sum(r.series[f"deliverable.{s}"][r.onset_week] * r.cost(s) for s in r.crisis_systems)


def theatre_delivered_value_12m(r: RunRecord) -> float:
    """Value of crisis systems that arrived in the crisis theatre in the 52 weeks from onset:
    producers' deliveries there and reinforcements landing there ($M ≥ 0).
    """
    if r.onset_week is None or r.onset_region is None:
        return NAN
    total = 0.0
    for s in r.crisis_systems:
        total += plain_sum(r.window(r.series[f"arrivals.{r.onset_region}.{s}"], r.surge_window)) * r.cost(s)
    return total


def allied_share(r: RunRecord) -> float:
    """Share by value of crisis-system output in the 52 weeks from onset made outside the US (0–1)."""
    allied = plain_sum(r.window(r.series["output_value_allied"], r.surge_window))
    us = plain_sum(r.window(r.series["output_value_us"], r.surge_window))
    return allied / (allied + us) if allied + us > 0 else NAN


def output_12m_system(r: RunRecord, system: str) -> float:
    """Units of one crisis system completed in the 52 weeks from onset (≥ 0)."""
    post = r.window(r.series[f"output.{system}"], r.surge_window)
    return float(plain_sum(post)) if post else NAN


def output_36m_system(r: RunRecord, system: str) -> float:
    """Units of one crisis system completed in the 156 weeks from onset (≥ 0); NaN when the
    horizon ends inside the window.
    """
    out = r.series[f"output.{system}"]
    if r.onset_week is None or r.onset_week + r.long_window > len(out):
        return NAN
    return float(plain_sum(r.window(out, r.long_window)))


def weeks_to_double_system(r: RunRecord, system: str) -> float:
    """Weeks from onset until the system's weekly output first reaches twice its pre-crisis
    level. Unit: weeks (≥ 0). NaN when never reached within the horizon or without a crisis.
    """
    pre = r.pre_crisis_units(system)
    if r.onset_week is None or not pre > 0:
        return NAN
    out = r.series[f"output.{system}"]
    for w in range(r.onset_week, len(out)):
        if out[w] >= 2.0 * pre - 1e-9:
            return float(w - r.onset_week)
    return NAN


def coproduction_lines(r: RunRecord) -> float:
    """Licensed coproduction lines that made something in the last 52 weeks of the run.
    Unit: count (≥ 0).
    """
    return float(r.coproduction_lines)


def coproduction_output_value(r: RunRecord) -> float:
    """Value made by licensed coproduction lines over the whole run ($M ≥ 0)."""
    return float(r.coproduction_output_value)


def mean_regulatory_delay_weeks(r: RunRecord) -> float:
    """Mean weeks finished cross-border cases spent in the barrier pipeline (≥ 0; NaN if none)."""
    return r.delay_sum_weeks / r.cases_finished if r.cases_finished else NAN


def lead_time_weeks_route(r: RunRecord, route: str) -> float:
    """Median weeks from a nation's request (the order placed; an FMS letter of request) to the
    first arrival of its order, over the orders of that route first delivered in the run
    (``model/lead_times.py``). Unit: weeks (≥ 0). NaN when no order of the route arrived.
    """
    return median(r.lead_times.get(route, ()))


def denied_share(r: RunRecord) -> float:
    """Share of finished cross-border cases that were denied (0–1; NaN if none)."""
    return r.cases_denied / r.cases_finished if r.cases_finished else NAN


def stock_coverage_weeks(r: RunRecord) -> float:
    """Forward stock of the consumed items in the crisis region at onset ÷ crisis consumption
    per week. Unit: weeks (≥ 0). NaN without a crisis.
    """
    if r.onset_week is None or not r.onset_consumption_per_week > 0:
        return NAN
    return r.onset_forward_stock / r.onset_consumption_per_week


def deterrence_index_region(r: RunRecord, region: str) -> float:
    """Mean of 1 − the region's adversary's assessed chance of success over weeks 1 … s − 1,
    where s is the start week of the first crisis in that region (scripted or started by the
    adversary), or over weeks 1 … horizon when none starts there. Unit: 0–1, higher is better.
    NaN when a crisis runs there from week 0 or 1 (nothing before it to deter).
    """
    vals = list(r.series[f"deterrence.{region}"])
    end = r.region_onsets.get(region, len(vals))
    vals = vals[1:end]
    return plain_sum(vals) / len(vals) if vals else NAN


def deterrence_failure_region(r: RunRecord, region: str) -> float:
    """1 when the region's adversary started a crisis in the run, else 0 (mean = probability)."""
    return 1.0 if region in r.started_regions else 0.0


def failure_probability_region(r: RunRecord, region: str) -> float:
    """Probability that the region's adversary acts within the run: 1 − Π over weeks of
    (1 − its weekly probability of acting), along the run without its own attack (after it
    acted, the counterfactual copy's path). Unit: probability (0–1, lower is better); its mean
    over seeds estimates the mean of ``deterrence_failure.<region>``.
    """
    survive = 1.0
    for q in r.hazard_paths.get(region, ()):
        survive *= 1.0 - q
    return 1.0 - survive


def allied_capacity_growth(r: RunRecord) -> float:
    """Allied (non-US) deliverable capacity of systems at the horizon ÷ at the start, valued at
    unit cost so shells and interceptors add up. Unit: ratio (≥ 0). NaN without allied capacity at start.
    """
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
        per: ``"system"`` or ``"region"`` for a family (one column per crisis system or per
            adversary region; the function takes the member as its second argument),
            ``"theatre"`` (per region where a crisis can run: a scripted crisis's or an
            adversary's), ``"site"`` (per region with a system line in the scenario) or
            ``"route"`` (per buying route of ``model.lead_times.ROUTES``), else "".
    """

    function: Callable[..., float]
    label: str
    description: str
    unit: str
    low: float
    high: float
    better: int
    probability: bool = False
    missing: str = ""
    whole: bool = False
    per: str = ""

    def __post_init__(self) -> None:
        if self.better not in (1, -1) or not self.low <= self.high:
            raise ValueError(f"{self.label}: better must be +1 or -1 and low ≤ high")


#: name → spec, in the order of every table; the model, the results and the docs use it.
METRICS: dict[str, MetricSpec] = {
    "surge_ratio": MetricSpec(
        surge_ratio, "surge ratio by value",
        "peak weekly value of crisis-system output in the 52 weeks from onset ÷ pre-crisis weekly "
        "value (each system at its unit cost; 1 = no surge)",
        "× pre-crisis value", 0.0, math.inf, +1,
        missing="without a crisis or without pre-crisis output"),
    "output_value_12m": MetricSpec(
        output_value_12m, "output value, first 12 months",
        "value of the crisis systems completed in the 52 weeks from onset, or up to the horizon "
        "when it comes first (units × unit cost)",
        "$M", 0.0, math.inf, +1, missing="without a crisis"),
    "output_value_36m": MetricSpec(
        output_value_36m, "output value, first 36 months",
        "value of the crisis systems completed in the 156 weeks from onset (units × unit cost)",
        "$M", 0.0, math.inf, +1, missing="without a crisis, or when the horizon ends inside the window"),
    "capacity_at_onset_value": MetricSpec(
        capacity_at_onset_value, "deliverable capacity at onset",
        "deliverable weekly capacity of the crisis systems at onset (input-limited, not nameplate; "
        "model/supply.py), by value: surge capacity in its plain sense",
        "$M/week", 0.0, math.inf, +1, missing="without a crisis"),
    "theatre_delivered_value_12m": MetricSpec(
        theatre_delivered_value_12m, "delivered to the theatre, first 12 months",
        "value of crisis systems that arrived in the onset crisis's theatre in the 52 weeks from "
        "onset: producers' deliveries to buyers there plus reinforcements landing there",
        "$M", 0.0, math.inf, +1, missing="without a crisis"),
    "allied_share": MetricSpec(
        allied_share, "allied share of output by value",
        "share by value of those 52 weeks' crisis-system output made outside the US (allied and "
        "licensed lines)",
        "share", 0.0, 1.0, +1, missing="without a crisis or without output"),
    "output_12m.<system>": MetricSpec(
        output_12m_system, "output in 12 months after onset",
        "units of the crisis system completed in the 52 weeks from onset",
        "units", 0.0, math.inf, +1, missing="without a crisis", per="system"),
    "output_36m.<system>": MetricSpec(
        output_36m_system, "output in 36 months after onset",
        "units of the crisis system completed in the 156 weeks from onset",
        "units", 0.0, math.inf, +1, missing="without a crisis, or when the horizon ends inside the window",
        per="system"),
    "weeks_to_double.<system>": MetricSpec(
        weeks_to_double_system, "weeks to double output",
        "weeks from onset until the system's weekly output first reaches twice its pre-crisis level",
        "weeks", 0.0, math.inf, -1, missing="when never reached within the horizon or without a crisis",
        per="system"),
    "coproduction_lines": MetricSpec(
        coproduction_lines, "coproduction lines producing",
        "licensed coproduction lines (scenario lines with a licensor and lines licensed during the "
        "run) that made something in the last 52 weeks of the run: lines counted by what they make",
        "lines", 0.0, math.inf, +1, whole=True),
    "coproduction_output_value": MetricSpec(
        coproduction_output_value, "coproduction output value",
        "value of everything licensed coproduction lines made over the run (units × unit cost, "
        "every system they make, from week 1 to the horizon)",
        "$M", 0.0, math.inf, +1),
    "mean_regulatory_delay_weeks": MetricSpec(
        mean_regulatory_delay_weeks, "mean regulatory delay",
        "mean weeks that finished cross-border cases spent in the barrier pipeline, from "
        "submission to approval or denial, resubmissions included",
        "weeks", 0.0, math.inf, -1, missing="when no case finished"),
    "lead_time_weeks.<route>": MetricSpec(
        lead_time_weeks_route, "lead time, request to first delivery",
        "median weeks from a nation's request (the order placed; for FMS the letter of request) to "
        "the first arrival of its order, over the orders of the route first delivered in the run: "
        "fms, dcs, domestic (own lines), licensed (licensed coproduction lines)",
        "weeks", 0.0, math.inf, -1, missing="when no order of the route arrived in the run",
        per="route"),
    "denied_share": MetricSpec(
        denied_share, "share of cases denied",
        "share of finished cross-border cases that were denied at some stage",
        "share", 0.0, 1.0, -1, missing="when no case finished"),
    "stock_coverage_weeks": MetricSpec(
        stock_coverage_weeks, "forward stock coverage at onset",
        "units of the consumed items held in the crisis region at onset ÷ the crisis's "
        "consumption per week",
        "weeks", 0.0, math.inf, +1, missing="without a crisis"),
    "deterrence_index.<region>": MetricSpec(
        deterrence_index_region, "deterrence index",
        "mean of 1 − the region's adversary's assessed chance that a campaign succeeds, over weeks "
        "1 … s − 1 where s is the start of the first crisis in the region, or over weeks 1 … "
        "horizon when none starts there",
        "index", 0.0, 1.0, +1, missing="when a crisis runs in the region from week 0 or 1", per="region"),
    "deterrence_failure.<region>": MetricSpec(
        deterrence_failure_region, "deterrence failure",
        "1 when the region's adversary started a crisis during the run, else 0; its mean over "
        "replications is the probability that deterrence fails there",
        "0/1", 0.0, 1.0, -1, probability=True, per="region"),
    "failure_probability.<region>": MetricSpec(
        failure_probability_region, "deterrence failure probability",
        "probability that the region's adversary acts within the run, 1 − Π over weeks of (1 − "
        "hazard × assessed chance, where tempted), along the run without its own attack (a "
        "counterfactual copy of the run carries the path on after it acted); its mean over seeds "
        "estimates the same probability as deterrence_failure's, with far less spread",
        "probability", 0.0, 1.0, -1, per="region"),
    "allied_capacity_growth": MetricSpec(
        allied_capacity_growth, "allied capacity growth",
        "deliverable non-US capacity of systems (what the lines can make given their inputs' "
        "supply, model/supply.py) at the horizon ÷ at week 0, each line valued at its item's unit "
        "cost so shells and interceptors add up (1 = no growth)",
        "× start", 0.0, math.inf, +1, missing="without allied capacity at week 0"),
    "shortfall_share.<theatre>": MetricSpec(
        shortfall_share_theatre, "theatre shortfall share",
        "share by value of the consumption that crises in the theatre demanded and that went "
        "unmet because the theatre held too little of the item that week, over every week a "
        "crisis ran there (model/crisis.py)",
        "share", 0.0, 1.0, -1, missing="when no crisis ran in the theatre", per="theatre"),
    "restore_weeks.<system>": MetricSpec(
        restore_weeks_system, "weeks to restore stock",
        "weeks from the end of the onset crisis until all nations' stock of the system is back at "
        "its level of the week before that crisis began (0 when it never fell below it)",
        "weeks", 0.0, math.inf, -1,
        missing="without a crisis, when the crisis outlasts the run, or when not back by the horizon",
        per="system"),
    "arms_sales_value": MetricSpec(
        arms_sales_value, "US arms sales delivered",
        "value of US-made systems delivered to allied buyers over the run by foreign military or "
        "direct commercial sale (units × unit cost): the survey's 'increased arms sales'",
        "$M", 0.0, math.inf, +1),
    "regional_capacity.<site>": MetricSpec(
        regional_capacity_region, "regional capacity growth",
        "deliverable capacity of the system lines located in the region at the horizon ÷ at week "
        "0, each line at its item's unit cost: the survey's regional-capacity goal (1 = no growth)",
        "× start", 0.0, math.inf, +1, missing="without capacity there at week 0", per="site"),
}

#: Old names that changed meaning or were dropped (the 'Changes' of docs/metrics.md).
RENAMED: dict[str, str] = {
    "surge_ratio": "now by value (each crisis system at its unit cost); it summed units, so 155 mm "
                   "shells were 99% of it",
    "output_12m": "dropped: it summed units of every crisis system; use output_value_12m (by value) "
                  "or output_12m.<system> (units of one system)",
    "weeks_to_double": "now per system (weeks_to_double.<system>); the unit sum never doubled",
    "deterrence_index": "now per region (deterrence_index.<region>) and averaged only over the weeks "
                        "before that region's onset; it averaged every adversary over the whole horizon",
    "deterrence_failure": "now per region (deterrence_failure.<region>); it was 1 when any adversary "
                          "started a crisis",
    "allied_share": "now by value; it was a share of units",
    "coproduction_lines": "now counts licensed lines that made something in the last 52 weeks; it "
                          "counted lines with capacity at the horizon, whether or not they made anything",
}


def _members(spec: MetricSpec, systems: Iterable[str], regions: Iterable[str],
             members: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    if spec.per == "route":
        return ROUTES
    if spec.per == "system":
        return tuple(systems)
    if spec.per == "region":
        return tuple(regions)
    return tuple(members.get(spec.per, ()))


def metric_columns(systems: Iterable[str], regions: Iterable[str],
                   members: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """The metric columns of a run with these crisis systems and adversary regions (and the
    ``members`` of the other family kinds, ``"theatre"`` and ``"site"``), in :data:`METRICS`
    order (each family expanded), without ``onset_week``.
    """
    systems, regions, members = tuple(systems), tuple(regions), members or {}
    out: list[str] = []
    for name, spec in METRICS.items():
        if spec.per:
            family = name.split(".", 1)[0]
            out += [f"{family}.{m}" for m in _members(spec, systems, regions, members)]
        else:
            out.append(name)
    return out


def compute_all(record: RunRecord) -> dict[str, float]:
    """Every metric of :data:`METRICS` for one run (families expanded over the crisis systems
    and adversary regions), plus ``onset_week`` (NaN without a crisis).
    """
    out: dict[str, float] = {}
    for name, spec in METRICS.items():
        if spec.per:
            family = name.split(".", 1)[0]
            for m in _members(spec, record.crisis_systems, record.adversary_regions, record.members):
                out[f"{family}.{m}"] = float(spec.function(record, m))
        else:
            out[name] = float(spec.function(record))
    out["onset_week"] = float(record.onset_week) if record.onset_week is not None else NAN
    return out
