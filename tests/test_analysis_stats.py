"""Known-answer tests of the interval statistics (experiments.analysis.stats, summary)."""

import numpy as np
import pandas as pd
from dibsim.experiments.analysis.stats import (
    mean_interval,
    newcombe_difference,
    paired_difference,
    proportion_interval,
    welch_difference,
    wilson_interval,
)
from dibsim.experiments.analysis.summary import summarise

REPEATS = 600


def _repeats(values: np.ndarray, metric: str) -> pd.DataFrame:
    """A runs table whose scenarios are independent repeats: row k of ``values`` is repeat k."""
    k, n = values.shape
    return pd.DataFrame({"run_id": [f"r{i}:0:{j}" for i in range(k) for j in range(n)],
                         "scenario": np.repeat([f"r{i}" for i in range(k)], n), "point": 0,
                         "replicate": np.tile(np.arange(n), k), "seed": np.tile(np.arange(n), k),
                         "status": "ok", "error": "", "elapsed_s": 0.0,
                         metric: values.ravel()})


def test_summary_interval_covers_true_mean_about_95_percent():
    rng = np.random.default_rng(1)
    true_mean = 3.7
    table = summarise(_repeats(rng.normal(true_mean, 0.8, (REPEATS, 10)), "surge_ratio"))
    covered = (table["ci_low"] <= true_mean) & (true_mean <= table["ci_high"])
    assert len(table) == REPEATS and 0.92 <= covered.mean() <= 0.98


def test_binomial_interval_covers_true_probability_about_95_percent():
    rng = np.random.default_rng(2)
    p = 0.2
    table = summarise(_repeats((rng.uniform(size=(REPEATS, 30)) < p).astype(float),
                               "deterrence_failure.indo_pacific"))
    covered = (table["ci_low"] <= p) & (p <= table["ci_high"])
    assert set(table["method"]) == {"wilson"} and 0.92 <= covered.mean() <= 0.99


def test_wilson_interval_known_value_and_edges():
    low, high = wilson_interval(3, 10)
    assert abs(low - 0.1078) < 1e-3 and abs(high - 0.6032) < 1e-3  # Newcombe 1998, table I
    assert wilson_interval(0, 10)[0] == 0.0 and abs(wilson_interval(10, 10)[1] - 1.0) < 1e-12
    assert proportion_interval([0, 0, 1, 1]).mean == 0.5


def test_mean_interval_handles_nan_and_tiny_samples():
    est = mean_interval([1.0, np.nan, 3.0])
    assert est.n == 2 and est.mean == 2.0 and est.low < 2.0 < est.high
    assert np.isnan(mean_interval([5.0]).low)
    assert mean_interval([]).n == 0


def test_paired_is_narrower_than_unpaired_under_common_random_numbers():
    rng = np.random.default_rng(3)
    shock = rng.normal(0, 1.0, 20)
    a = 2.0 + shock + rng.normal(0, 0.05, 20)
    b = 1.5 + shock + rng.normal(0, 0.05, 20)
    paired, unpaired = paired_difference(a, b), welch_difference(a, b)
    assert paired.low <= 0.5 <= paired.high
    assert (paired.high - paired.low) < 0.2 * (unpaired.high - unpaired.low)


def test_newcombe_difference_of_proportions():
    est = newcombe_difference(np.r_[np.ones(56), np.zeros(14)], np.r_[np.ones(48), np.zeros(32)])
    assert abs(est.mean - 0.2) < 1e-9
    assert abs(est.low - 0.0524) < 2e-3 and abs(est.high - 0.3339) < 2e-3  # Newcombe 1998
