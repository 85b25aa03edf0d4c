"""Designs and seeds: expansion of sweep blocks, common random numbers, stability."""

from __future__ import annotations

import numpy as np
import pytest
from dibsim.experiments.engine.designs import expand
from dibsim.experiments.engine.seeds import design_seed, run_seed
from dibsim.model.schema_sweep import Sweep


def sweep(**kw):
    return Sweep.model_validate(kw)


def test_run_seed_is_seedsequence_of_root_and_replicate():
    expected = int(np.random.SeedSequence(42, spawn_key=(3,)).generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert run_seed(42, 3) == expected
    assert 0 <= run_seed(42, 3) < 2**63
    assert len({run_seed(42, r) for r in range(100)}) == 100
    assert run_seed(42, 0) != run_seed(43, 0)


def test_grid_is_full_factorial_last_fastest_with_int_levels():
    d = expand(sweep(design="grid", parameters={
        "a": {"values": [1, 2]},
        "b": {"low": 0, "high": 10, "levels": 3, "type": "int"},
        "c": {"values": ["x", "y"], "type": "categorical"},
    }), 1)
    assert len(d.points) == 12
    assert d.points[0] == {"a": 1.0, "b": 0, "c": "x"}
    assert d.points[1] == {"a": 1.0, "b": 0, "c": "y"}
    assert {p["b"] for p in d.points} == {0, 5, 10}
    assert all(isinstance(p["b"], int) for p in d.points)


def test_lhs_is_stratified_and_cast():
    d = expand(sweep(design="lhs", samples=20, parameters={
        "f": {"low": 0.0, "high": 1.0},
        "i": {"low": 1, "high": 4, "type": "int"},
        "c": {"values": ["a", "b"], "type": "categorical"},
    }), 5)
    assert len(d.points) == 20
    f = sorted(p["f"] for p in d.points)
    assert all(k / 20 <= x < (k + 1) / 20 for k, x in enumerate(f))  # one point per stratum
    assert {p["i"] for p in d.points} == {1, 2, 3, 4}
    assert {p["c"] for p in d.points} == {"a", "b"}
    assert d.samples is not None and len(d.samples) == 20


def test_sampled_designs_are_reproducible_from_the_root_seed():
    s = sweep(design="lhs", samples=8, parameters={"f": {"low": 0.0, "high": 1.0}})
    assert expand(s, 9).points == expand(s, 9).points
    assert expand(s, 9).points != expand(s, 10).points


def test_sobol_uses_salib_sample_and_order():
    from SALib.sample import sobol

    s = sweep(design="sobol", samples=8, parameters={"a": {"low": 0.0, "high": 2.0}, "b": {"low": 5.0, "high": 6.0}})
    d = expand(s, 3)
    assert len(d.points) == 8 * (2 + 2)
    x = sobol.sample(d.problem, 8, calc_second_order=False, seed=design_seed(3))
    assert np.allclose(np.array(d.samples), x)
    assert d.problem["names"] == ["a", "b"]


def test_morris_trajectories():
    s = sweep(design="morris", samples=4, morris_levels=4,
              parameters={"a": {"low": 0.0, "high": 1.0}, "b": {"low": 0, "high": 3, "type": "int"}})
    d = expand(s, 3)
    assert len(d.points) == 4 * 3
    assert all(0 <= p["b"] <= 3 for p in d.points)


def test_no_sweep_is_one_point():
    d = expand(None, 1)
    assert d.points == ({},) and d.kind == "single"


@pytest.mark.parametrize("design", ["grid", "lhs"])
def test_spec_ignores_replications_and_seed(design):
    kw = {"design": design, "samples": 4, "parameters": {"a": {"low": 0.0, "high": 1.0, "levels": 2}}}
    a = expand(sweep(**kw, replications=2, root_seed=1), 1).spec
    b = expand(sweep(**kw, replications=5, root_seed=2), 1).spec
    assert a == b
