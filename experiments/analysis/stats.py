"""Interval statistics for replicated simulation output: pure functions of arrays.

* A metric's mean gets Student's t interval over replicates (Law, *Simulation Modeling and
  Analysis*, 5th ed., §9.4.1).
* A 0/1 metric's mean is a probability with Wilson's score interval, which keeps its
  coverage near nominal for small n and for p near 0 or 1 (Brown, Cai & DasGupta 2001).
* A difference between two scenarios is paired by replicate seed when the runs share seeds
  (common random numbers: the t interval of the per-seed differences, Law §10.2.1), and
  otherwise Welch's unpaired interval; for 0/1 metrics unpaired, Newcombe's hybrid score
  interval (Newcombe 1998, method 10).
NaN values are dropped before anything is computed; intervals of fewer than two values are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as st

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval and the data behind it."""

    mean: float
    sd: float
    low: float
    high: float
    n: int
    method: str


def _clean(x: np.ndarray | list[float]) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a[np.isfinite(a)]


def mean_interval(x: np.ndarray | list[float], level: float = LEVEL) -> Estimate:
    """Mean and Student's t interval of replicate values.

    Args:
        x: one value per replicate; NaN entries are ignored.
        level: confidence level of the interval.

    Returns:
        The estimate; ``low == high == mean`` when every value is equal.
    """
    a = _clean(x)
    n = a.size
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, np.nan, 0, "t")
    mean = float(a.mean())
    if n < 2:
        return Estimate(mean, np.nan, np.nan, np.nan, n, "t")
    sd = float(a.std(ddof=1))
    half = float(st.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return Estimate(mean, sd, mean - half, mean + half, n, "t")


def wilson_interval(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n (NaN, NaN when n is 0)."""
    if n <= 0:
        return np.nan, np.nan
    z = float(st.norm.ppf(0.5 + level / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_interval(x: np.ndarray | list[float], level: float = LEVEL) -> Estimate:
    """Probability that a 0/1 metric is 1, with Wilson's interval.

    Args:
        x: one 0/1 value per replicate; NaN entries are ignored, other values count as 1
            when positive.
        level: confidence level.
    """
    a = _clean(x)
    n = a.size
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, np.nan, 0, "wilson")
    k = int((a > 0).sum())
    low, high = wilson_interval(k, n, level)
    sd = float(a.std(ddof=1)) if n > 1 else np.nan
    return Estimate(k / n, sd, low, high, n, "wilson")


def paired_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Estimate:
    """Mean of ``a - b`` over aligned pairs (same seed), with the t interval of differences.

    Pairs where either side is NaN are dropped.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    est = mean_interval(a[keep] - b[keep], level)
    return Estimate(est.mean, est.sd, est.low, est.high, est.n, "paired t (common seeds)")


def welch_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Estimate:
    """Difference of means ``mean(a) - mean(b)`` of independent samples, Welch's interval."""
    a, b = _clean(a), _clean(b)
    na, nb = a.size, b.size
    if na == 0 or nb == 0:
        return Estimate(np.nan, np.nan, np.nan, np.nan, min(na, nb), "Welch t (unpaired)")
    diff = float(a.mean() - b.mean())
    if na < 2 or nb < 2:
        return Estimate(diff, np.nan, np.nan, np.nan, min(na, nb), "Welch t (unpaired)")
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se = float(np.sqrt(va + vb))
    if se == 0:
        return Estimate(diff, 0.0, diff, diff, min(na, nb), "Welch t (unpaired)")
    dof = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(st.t.ppf(0.5 + level / 2, dof)) * se
    return Estimate(diff, se, diff - half, diff + half, min(na, nb), "Welch t (unpaired)")


def newcombe_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> Estimate:
    """Difference of two independent proportions (0/1 data), Newcombe's hybrid score interval."""
    a, b = _clean(a) > 0, _clean(b) > 0
    na, nb = a.size, b.size
    if na == 0 or nb == 0:
        return Estimate(np.nan, np.nan, np.nan, np.nan, min(na, nb), "Newcombe (unpaired)")
    pa, pb = a.mean(), b.mean()
    la, ua = wilson_interval(int(a.sum()), na, level)
    lb, ub = wilson_interval(int(b.sum()), nb, level)
    d = float(pa - pb)
    low = d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return Estimate(d, np.nan, float(low), float(high), min(na, nb), "Newcombe (unpaired)")


def unpaired_difference(a: np.ndarray, b: np.ndarray, binary: bool,
                        level: float = LEVEL) -> Estimate:
    """Welch's interval, or Newcombe's for 0/1 metrics."""
    return newcombe_difference(a, b, level) if binary else welch_difference(a, b, level)
