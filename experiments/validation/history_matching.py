"""The plausible set of a calibration, by history matching (docs/calibration.md, "The plausible set").

Every calibration point (trial) is judged on every target of every fitted replay by its
*implausibility*

    I = |mean simulated − observed| / √(tolerance² + run variance / n)

where the mean and the sample variance are over the ``n`` seeds the trial ran, and the
tolerance is the target's own in its unit (a rate's relative tolerance × the observed rate; a
milestone's tolerance in weeks). The tolerance stands for what the record and the model's
structure leave uncertain; the run variance over ``n`` for the Monte Carlo error of the mean.
A point is **plausible** when its implausibility is at most :data:`CUTOFF` (3, Pukelsheim's
three-sigma rule: a unimodal quantity lies within three standard deviations with probability
≥ 95 %) on *every* target. A target the point's runs leave undefined in more than half of them
(a milestone that never happens) makes it implausible there (I = ∞).

Unlike a cut on the loss relative to the best trial, the set does not depend on how good the
best trial is, and a point that misses one target badly is out however well it does on the
rest. ``ensemble.json`` (:data:`ENSEMBLE_FORMAT`, with a ``version`` field) records every
plausible point with its implausibility on each target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: The implausibility cut-off: a point is plausible when I ≤ 3 on every target.
CUTOFF = 3.0
#: The ``ensemble.json`` format this code writes, and the versions it reads.
ENSEMBLE_FORMAT, ENSEMBLE_VERSION = "dibsim-ensemble/2", 2
READABLE_VERSIONS = (1, 2)
RULE = ("history matching: implausibility |mean simulated − observed| / √(tolerance² + run "
        "variance / n) at most the cut-off on every target of every fitted replay")


def implausibility(row: Mapping[str, Any]) -> float:
    """One target's implausibility from its comparison row (``mean``, ``variance``, ``n``,
    ``runs``, ``observed``, ``tolerance_abs``; :func:`history.spread`); ∞ when the target is
    undefined in more than half the runs, NaN when the row lacks the fields (a trial stored by
    an older version, which cannot be history-matched).
    """
    try:
        mean, var, n = float(row["mean"]), float(row["variance"]), float(row["n"])
        runs, observed, tol = float(row["runs"]), float(row["observed"]), float(row["tolerance_abs"])
    except (KeyError, TypeError, ValueError):
        return math.nan
    if any(math.isnan(v) for v in (var, runs, tol, observed)) or runs <= 0:
        return math.nan
    if n <= 0 or n < runs / 2 or not math.isfinite(mean):
        return math.inf
    scale = math.sqrt(tol ** 2 + var / n)
    if scale == 0:
        return 0.0 if mean == observed else math.inf
    return abs(mean - observed) / scale


def target_key(row: Mapping[str, Any]) -> str:
    """A target's name: ``<replay>: <check> <date>``."""
    return f"{row['replay']}: {row['check']} {row.get('date') or ''}".strip()


def match(rows: Sequence[Mapping[str, Any]], targets: Iterable[Mapping[str, Any]],
          cutoff: float = CUTOFF) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The plausible points of a calibration and what the matching saw.

    Args:
        rows: the trials (one dict per point: ``trial``, ``loss``, ``p:<variable>``, ...).
        targets: every target comparison row of every trial (with ``trial``).
        cutoff: the implausibility cut-off.

    Returns:
        The plausible trials, each with ``implausibility`` (its largest over targets) and
        ``by_target`` (target → implausibility), lowest largest implausibility first (then
        by trial); and a summary: points judged, plausible, not matchable (stored without the
        fields), and per target how many points it rules out.
    """
    by_trial: dict[int, dict[str, float]] = {}
    for t in targets:
        by_trial.setdefault(int(t["trial"]), {})[target_key(t)] = implausibility(t)
    kept, unmatchable = [], 0
    ruled_out: dict[str, int] = {}
    for r in rows:
        seen = by_trial.get(int(r["trial"]), {})
        if not seen or any(math.isnan(v) for v in seen.values()):
            unmatchable += 1
            continue
        for k, v in seen.items():
            if v > cutoff:
                ruled_out[k] = ruled_out.get(k, 0) + 1
        worst = max(seen.values())
        if worst <= cutoff:
            kept.append({**r, "implausibility": worst, "by_target": dict(seen)})
    kept.sort(key=lambda r: (r["implausibility"], int(r["trial"])))
    summary = {"points": len(rows), "plausible": len(kept), "unmatchable": unmatchable,
               "cutoff": cutoff, "ruled_out_by_target": ruled_out}
    return kept, summary


def carried(n_plausible: int, max_sets: int) -> list[int]:
    """Indices of the plausible points ``dibsim study --ensemble`` carries (at most
    ``max_sets``): all of them, or ``max_sets`` spread evenly from the least implausible to the
    most, so the study sees the spread of the set rather than its best corner.
    """
    if n_plausible <= max_sets:
        return list(range(n_plausible))
    if max_sets == 1:
        return [0]
    step = (n_plausible - 1) / (max_sets - 1)
    return sorted({round(k * step) for k in range(max_sets)})
