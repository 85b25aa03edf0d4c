"""`dibsim bench --quick` runs end to end (a check that it works, not a timing test)."""

from __future__ import annotations

import json

import pytest
from dibsim.experiments.cli import main


def test_bench_quick_writes_figures_and_target_checks(tmp_path):
    assert main(["bench", "--quick", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "bench.json").read_text())
    figures = report["figures"]
    for key in ("baseline_run_s", "agent_step_ratio", "producers_x10_step_ratio", "speedup_2_workers",
                "speedup_vs_batch_run", "memory_ratio_10k_1k", "dask_time_ratio"):
        assert figures[key] > 0
    assert len(report["targets"]) == 7 and report["quick"] is True


def test_split_producers_multiplies_lines_and_keeps_capacity():
    from dibsim.experiments.bench import split_producers
    from dibsim.model import load_scenario

    base = load_scenario("baseline")
    big = split_producers(base, 10)
    assert len(big.producers) == 10 * len(base.producers)
    total = sum(p.capacity_per_week for p in base.producers.values())
    assert sum(p.capacity_per_week for p in big.producers.values()) == pytest.approx(total)
