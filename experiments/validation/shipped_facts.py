"""Stylised facts in the shipped world (issue 10, item 5), measured with paired seeds.

Unlike the facts of :mod:`experiments.validation.facts`, which run on small hand-built worlds,
these run on the shipped scenarios: the headline ``baseline`` (January 2026, the European war
running, the Indo-Pacific adversary deciding for itself, deterrence there contested). Each fact
compares a base and a variant arm on the same seeds (replicate i runs with
``run_seed(root_seed, i)`` in both) and judges the 95% interval of the mean paired difference:

* ``above`` / ``below``: resolved — the whole interval above (below) zero;
* ``not_resolved_above``: the variant never raises the metric by a resolved amount — the
  interval's low end is at most zero;
* ``within``: the mean difference is smaller in size than the tolerance (no cliff).

``dibsim facts`` measures them at :data:`FULL_REPLICATIONS`; the tests at fewer seeds and, where
the metric allows it, a 156-week horizon (the 36-month window from the baseline's onset at week
0 fits in it exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from .facts import FactResult, judge, run_metrics

#: The headline scenario and its contested region (experiments/study.py STUDY_HEADLINES).
HEADLINE = "baseline"
REGION = "indo_pacific"
DETERRENCE = f"deterrence_index.{REGION}"
FAILURE = f"failure_probability.{REGION}"  # the probability along the run, not the 0/1 draw
VALUE_36M = "output_value_36m"
#: Seeds per arm of ``dibsim facts`` (the tests use fewer).
FULL_REPLICATIONS = 30
#: The no-cliff tolerance of fact (e): one week more or less of transit around the warning time
#: moves the deterrence index by less than this.
CLIFF_TOLERANCE = 0.1
#: Interceptor lines and their dedicated seeker plants, doubled in fact (d): a line is only as
#: large as the seekers it can get (model/supply.py), so the line is doubled with its seekers.
INTERCEPTOR_PLANTS = ("usa_lm_pac3", "jpn_mhi_pac3", "usa_rtx_sm6", "usa_boeing_pac3_seeker")


#: (barrier, metric) whose stricter setting raises the metric by a resolved amount over 30 seeds,
#: with the mechanism (docs/ODD.md §8 'Stylised facts in the shipped world'): each exception is
#: a fact of its own, expected to hold, so a change that removes it is seen. Since issue 15, a
#: stricter DSP-5 no longer raises 36-month output (+$109M [−89, +308] over 30 seeds) nor a
#: stricter releasability review Indo-Pacific deterrence (−0.00004 [−0.00015, +0.00007]) by a
#: resolved amount. Issue 21 traced the one that remains (docs/ODD.md §8, 'Traced findings').
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("third_party_transfer", DETERRENCE): (
        "a stricter re-transfer consent withholds the Pacific's licensed lines' (Japanese PAC-3, "
        "Australian GMLRS) sales to European buyers, so their output stays in the Indo-Pacific: "
        "stock held there rises as Europe's falls (tests/test_deterrence_trace.py)"),
}


def _barriers(scenario: Any):
    from ...model.barriers import BARRIERS

    return [(k, getattr(scenario.barriers, k)) for k in BARRIERS]


def all_removed() -> dict[str, Any]:
    """Every barrier disabled."""
    from ...model.loader import load_scenario

    return {f"barriers.{k}.enabled": False for k, s in _barriers(load_scenario(HEADLINE)) if s.enabled}


def all_slower() -> dict[str, Any]:
    """Every median time of every barrier slower by the one stricter rule (aspect ``delay``)."""
    from ...model.loader import load_scenario
    from ..study import stricter_overrides

    out: dict[str, Any] = {}
    for key, settings in _barriers(load_scenario(HEADLINE)):
        out |= stricter_overrides(settings, key, "delay")
    return out


def one_stricter(key: str) -> dict[str, Any]:
    """One barrier made stricter as the study does (the one rule, model/barrier_base.py)."""
    from ...model.loader import load_scenario
    from ..study import stricter_overrides

    return stricter_overrides(getattr(load_scenario(HEADLINE).barriers, key), key)


def doubled_interceptor_lines() -> dict[str, Any]:
    """Capacity and ceiling of the interceptor lines (and their seekers) doubled; stocks unchanged."""
    from ...model.loader import load_scenario

    producers = load_scenario(HEADLINE).producers
    out = {}
    for pid in INTERCEPTOR_PLANTS:
        out[f"producers.{pid}.capacity_per_week"] = producers[pid].capacity_per_week * 2
        out[f"producers.{pid}.ceiling_per_week"] = producers[pid].ceiling_per_week * 2
    return out


def us_forward(share: float) -> dict[str, Any]:
    """The US holds ``share`` of its stock in the Indo-Pacific, the rest of the 0.8 not in Europe
    or the Middle East at home (baseline: 0.2 forward, 0.6 at home).
    """
    return {"nations.USA.posture": {"americas": 0.8 - share, "europe": 0.15, "indo_pacific": share,
                                    "middle_east": 0.05}}


def transit_home_to_theatre(weeks: float) -> dict[str, Any]:
    """Sea-lift time from the Americas to the Indo-Pacific (both ways)."""
    return {"transit_weeks.americas.indo_pacific": weeks, "transit_weeks.indo_pacific.americas": weeks}


@dataclass(frozen=True)
class ShippedFact:
    """A fact on a shipped scenario: base and variant are (scenario, overrides)."""

    name: str
    claim: str
    base: tuple[str, dict[str, Any]]
    variant: tuple[str, dict[str, Any]]
    metrics: tuple[str, ...]
    expect: str
    tolerance: float = 0.0
    horizon: int | None = None


def shipped_facts(horizon: int | None = None) -> dict[str, ShippedFact]:
    """Facts (a)–(e) of issue 10 by name. ``horizon`` shortens the runs of the facts whose
    metrics allow it (output_value_36m needs 156 weeks; failure probabilities the full horizon).
    """
    from ...model.barriers import BARRIERS

    base: tuple[str, dict[str, Any]] = (HEADLINE, {})
    both = (VALUE_36M, DETERRENCE)
    facts = [
        ShippedFact("all_removed", "removing every barrier raises value-weighted 36-month output and "
                    "Indo-Pacific deterrence", base, (HEADLINE, all_removed()), both, "above", horizon=horizon),
        ShippedFact("all_slower", "every barrier four times slower lowers both", base,
                    (HEADLINE, all_slower()), both, "below", horizon=horizon),
    ]
    facts += [ShippedFact(f"stricter_{k}", f"{k} stricter never raises output or deterrence by a resolved "
                          "amount", base, (HEADLINE, one_stricter(k)),
                          tuple(m for m in both if (k, m) not in EXCEPTIONS), "not_resolved_above",
                          horizon=horizon)
              for k in BARRIERS]
    facts += [ShippedFact(f"stricter_{k}_exception", f"the named exception: {why}", base,
                          (HEADLINE, one_stricter(k)), (m,), "above", horizon=horizon)
              for (k, m), why in EXCEPTIONS.items()]
    facts += [
        ShippedFact("us_alone", "the US alone lowers Indo-Pacific deterrence and raises its failure "
                    "probability", base, ("us_alone", {}), (DETERRENCE,), "below", horizon=horizon),
        ShippedFact("us_alone_failure", "", base, ("us_alone", {}), (FAILURE,), "above"),
        ShippedFact("interceptor_lines", "doubling interceptor lines (week-0 stocks unchanged) raises "
                    "Indo-Pacific deterrence", base, (HEADLINE, doubled_interceptor_lines()), (DETERRENCE,),
                    "above", horizon=horizon),
        ShippedFact("forward_stock", "more US stock forward in the Indo-Pacific (0.2 → 0.4) raises its "
                    "deterrence", base, (HEADLINE, us_forward(0.4)), (DETERRENCE,), "above", horizon=horizon),
    ]
    for a, b in ((7.0, 8.0), (8.0, 9.0)):
        facts.append(ShippedFact(f"transit_{a:g}_{b:g}", f"one week more transit ({a:g} → {b:g}, warning 8) "
                                 f"moves deterrence by less than {CLIFF_TOLERANCE:g}",
                                 (HEADLINE, transit_home_to_theatre(a)), (HEADLINE, transit_home_to_theatre(b)),
                                 (DETERRENCE,), "within", CLIFF_TOLERANCE, horizon=horizon))
    return {f"shipped_{f.name}": replace(f, name=f"shipped_{f.name}") for f in facts}


def _arm(arm: tuple[str, dict[str, Any]], horizon: int | None) -> Any:
    from ...model.loader import load_scenario

    name, overrides = arm
    changes = dict(overrides)
    if horizon is not None:
        changes["horizon_weeks"] = horizon
    return load_scenario(name, changes)


def measure_shipped(fact: ShippedFact, replications: int, root_seed: int | None = None,
                    cache: dict | None = None) -> list[FactResult]:
    """Both arms on the same seeds; one result per metric (pairs with a NaN dropped)."""
    import numpy as np

    from ..engine.seeds import DEFAULT_ROOT_SEED, run_seed

    root = DEFAULT_ROOT_SEED if root_seed is None else root_seed
    seeds = [run_seed(root, i) for i in range(replications)]

    def runs(arm):
        key = (arm[0], repr(sorted(arm[1].items())), fact.horizon, root, replications)
        if cache is not None and key in cache:
            return cache[key]
        scn = _arm(arm, fact.horizon)
        out = [run_metrics(scn, s) for s in seeds]
        if cache is not None:
            cache[key] = out
        return out

    pairs = list(zip(runs(fact.base), runs(fact.variant)))
    out = []
    for metric in fact.metrics:
        rows = np.array([(b[metric], v[metric]) for b, v in pairs], dtype=float)
        rows = rows[np.isfinite(rows).all(axis=1)]
        if len(rows) == 0:
            out.append(FactResult(fact.name, metric, 0, math.nan, math.nan, math.nan, math.nan, math.nan,
                                  fact.expect, False))
            continue
        diffs = rows[:, 1] - rows[:, 0]
        if fact.expect in ("not_resolved_above", "within"):
            mean, lo, hi, _ = judge("above", diffs, 0.0, 0.0)
            holds = lo <= 0.0 if fact.expect == "not_resolved_above" else abs(mean) < fact.tolerance
        else:
            mean, lo, hi, holds = judge(fact.expect, diffs, float(rows[:, 0].mean()), 0.0)
        out.append(FactResult(fact.name, metric, len(rows), float(rows[:, 0].mean()), float(rows[:, 1].mean()),
                              mean, lo, hi, fact.expect, holds))
    return out


def headline_variation(scenarios: list[str], replications: int = 3, horizon: int | None = None) -> dict[str, dict[str, Any]]:
    """Fact (f): per headline metric, its mean in each shipped scenario, whether it varies
    across them and whether it is missing in every run.
    """
    from ..engine.seeds import DEFAULT_ROOT_SEED, run_seed

    metrics = (VALUE_36M, "output_value_12m", "theatre_delivered_value_12m", DETERRENCE, FAILURE)
    values: dict[str, dict[str, list[float]]] = {m: {} for m in metrics}
    for name in scenarios:
        scn = _arm((name, {}), horizon)
        for i in range(replications):
            res = run_metrics(scn, run_seed(DEFAULT_ROOT_SEED, i))
            for m in metrics:
                values[m].setdefault(name, []).append(res.get(m, math.nan))
    out = {}
    for m, by in values.items():
        finite = [v for vs in by.values() for v in vs if math.isfinite(v)]
        out[m] = {"varies": len({round(v, 9) for v in finite}) > 1, "all_missing": not finite,
                  "means": {k: (sum(x for x in v if math.isfinite(x)) / max(1, sum(math.isfinite(x) for x in v)))
                            for k, v in by.items()}}
    return out


__all__ = ["ShippedFact", "headline_variation", "measure_shipped", "shipped_facts"]
