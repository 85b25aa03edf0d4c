"""Sensitivity and PRIM against known answers, on sweeps made by the engine's own designs."""

from dataclasses import replace

import numpy as np
import pytest
import synthetic
from dibsim.experiments.analysis.catalog import design_info
from dibsim.experiments.analysis.discovery import discover
from dibsim.experiments.analysis.sensitivity import design_problem, run_sensitivity
from dibsim.experiments.cli import main
from dibsim.experiments.engine.results import load_results
from dibsim.experiments.errors import UserError
from dibsim.model.schema_sweep import Sweep

ISHIGAMI_S1 = {"test.x1": 0.3139, "test.x2": 0.4424, "test.x3": 0.0}
ISHIGAMI_ST = {"test.x1": 0.5576, "test.x2": 0.4424, "test.x3": 0.2437}


def _unit_sweep(design: str, samples: int, low: float = 0.0, high: float = 1.0,
                replications: int = 1) -> Sweep:
    return Sweep(design=design, samples=samples, replications=replications,
                 parameters={f"test.x{i}": {"low": low, "high": high} for i in (1, 2, 3)})


def ishigami(x, rng):
    x1, x2, x3 = (x[f"test.x{i}"].to_numpy(float) for i in (1, 2, 3))
    return {"surge_ratio": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def test_sobol_indices_of_ishigami_match_known_values(tmp_path):
    folder = synthetic.sweep_study(tmp_path / "sobol", _unit_sweep("sobol", 1024, -np.pi, np.pi),
                                   ishigami)
    table, records, _ = run_sensitivity(folder)
    assert set(table["method"]) == {"sobol"}
    for r in table.itertuples():
        assert abs(r.S1 - ISHIGAMI_S1[r.parameter]) < 0.06
        assert abs(r.ST - ISHIGAMI_ST[r.parameter]) < 0.06
    assert records[0].path.stat().st_size > 5000


def test_a_folder_without_the_recorded_problem_gets_the_engines_problem_back(tmp_path):
    sweep = Sweep(design="sobol", samples=8, parameters={
        "test.x1": {"low": 0.0, "high": 2.0}, "test.n": {"low": 1, "high": 4, "type": "int"},
        "test.c": {"values": ["a", "b", "c"], "type": "categorical"}})
    folder = load_results(synthetic.sweep_study(tmp_path / "s", sweep, lambda x, rng: {}))
    recorded = design_info(folder, "sweep")
    assert recorded.problem["bounds"] == [[0.0, 2.0], [1.0, 5.0], [0.0, 3.0]]
    rebuilt = design_problem(replace(recorded, problem=None), "here")
    assert rebuilt == {k: recorded.problem[k] for k in ("num_vars", "names", "bounds")}
    with pytest.raises(UserError, match=r"'test\.x1' has no numeric bounds"):
        design_problem(replace(recorded, problem=None, parameters=(
            replace(recorded.parameters[0], low=None, high=None),)), "here")


def linear(x, rng):
    noise = rng.normal(0, 0.01, len(x))
    return {"surge_ratio": 5 * x["test.x1"] + 1 * x["test.x2"] + noise}


def test_morris_ranks_a_linear_function_by_its_slopes(tmp_path):
    folder = synthetic.sweep_study(tmp_path / "morris", _unit_sweep("morris", 20,
                                                                    replications=2), linear)
    table, _, _ = run_sensitivity(folder, ["surge_ratio"])
    mu = dict(zip(table["parameter"], table["mu_star"]))
    assert abs(mu["test.x1"] - 5) < 0.1 and abs(mu["test.x2"] - 1) < 0.1 and mu["test.x3"] < 0.1


def planted_box(x, rng):
    inside = (x["test.x1"] < 0.3) & (x["test.x2"] > 0.6)
    u = rng.uniform(size=len(x))
    fail = np.where(inside, u < 0.95, u < 0.03).astype(float)
    return {"deterrence_failure.indo_pacific": fail, "surge_ratio": 3 - 2 * x["test.x1"] + 0 * u}


@pytest.fixture(scope="module")
def lhs(tmp_path_factory):
    return synthetic.sweep_study(tmp_path_factory.mktemp("lhs") / "lhs",
                                 _unit_sweep("lhs", 400), planted_box)


def test_feature_scores_rank_the_driving_setting_first(lhs):
    table, _, _ = run_sensitivity(lhs, ["surge_ratio"])
    assert set(table["method"]) == {"scores"}
    assert table.iloc[0]["parameter"] == "test.x1"


def test_prim_finds_the_planted_box(lhs):
    found = discover(lhs, "deterrence_failure.indo_pacific", above=0.5)
    limits = found.limits.set_index("parameter")
    assert 0.2 <= limits.loc["test.x1", "upper"] <= 0.45
    assert 0.5 <= limits.loc["test.x2", "lower"] <= 0.7
    stats = found.trajectory.iloc[found.chosen]
    assert stats["density"] >= 0.8 and stats["coverage"] >= 0.6
    assert all(r.path.stat().st_size > 5000 for r in found.records)


def test_a_method_the_design_cannot_support_is_refused(lhs, capsys):
    assert main(["sensitivity", str(lhs), "--method", "sobol"]) == 2
    err = capsys.readouterr().err
    assert "needs the 'sobol' design but the sweep used 'lhs'" in err
    with pytest.raises(UserError, match=r"no run meets|every run meets"):
        discover(lhs, "surge_ratio", below=-1)


def test_sensitivity_and_discover_cli_run(lhs, capsys):
    assert main(["sensitivity", str(lhs), "--metric", "surge_ratio"]) == 0
    assert main(["discover", str(lhs), "--metric", "deterrence_failure.indo_pacific", "--above", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "test.x1" in out and "coverage" in out
    assert (lhs / "discovery" / "prim_deterrence_failure_indo_pacific_above_0_5_box.csv").is_file()
