"""Designs: a scenario's ``sweep:`` block expanded into design points.

A design point is a mapping *dotted path → value* handed to the model as overrides. Four
designs, after EMA Workbench and SALib:

* ``grid``   — the full factorial of each parameter's values (or ``levels`` points over
  ``low..high``), in the order the parameters are written, last one varying fastest;
* ``lhs``    — ``samples`` points of a Latin hypercube (``scipy.stats.qmc``);
* ``sobol``  — SALib's Saltelli/Sobol sample, ``samples * (D + 2)`` points (``2D + 2`` with
  ``second_order``), in SALib's row order so ``SALib.analyze.sobol`` can read the results;
* ``morris`` — ``samples`` SALib Morris trajectories of ``D + 1`` points each.

Sampled designs work on a SALib *problem* whose bounds are the ranges themselves for float
parameters, ``[low, high + 1)`` floored for int parameters, and ``[0, k)`` floored to an index
for categorical parameters (or any parameter given as a ``values`` list). The raw sample
matrix is kept beside the cast points so sensitivity analysis can use exactly these samples.
Point indices are row indices of that matrix.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .seeds import design_seed

if TYPE_CHECKING:  # the model package is imported lazily (see experiments.plan)
    from ...model.schema_sweep import Sweep, SweepParameter


@dataclass(frozen=True)
class Design:
    """The expanded design of one scenario.

    Attributes:
        kind: ``single`` (no sweep), ``grid``, ``lhs``, ``sobol`` or ``morris``.
        paths: the swept dotted paths, in the order of the sweep block.
        points: one override mapping per design point; index = ``point`` in the results.
        problem: the SALib problem the sample was drawn on (sampled designs), else ``None``.
        samples: the raw sample matrix, one row per point (sampled designs), else ``None``.
        spec: the sweep block that made the design (without replications and root seed),
            as JSON data; two designs with the same spec and root seed are the same design.
    """

    kind: str
    paths: tuple[str, ...]
    points: tuple[dict[str, Any], ...]
    problem: dict[str, Any] | None = None
    samples: list[list[float]] | None = None
    spec: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The design as JSON data for the manifest (points included)."""
        return {
            "kind": self.kind,
            "paths": list(self.paths),
            "n_points": len(self.points),
            "spec": self.spec,
            "problem": self.problem,
            "points": [dict(p) for p in self.points],
            "samples": self.samples,
        }


def single_point() -> Design:
    """The design of a scenario without a sweep: one point, no overrides."""
    return Design(kind="single", paths=(), points=({},), spec={"design": "single"})


def expand(sweep: "Sweep | None", root_seed: int) -> Design:
    """Expand a sweep block into its design points.

    Args:
        sweep: the scenario's validated ``sweep`` block, or ``None``.
        root_seed: the experiment's root seed; sampled designs draw from its own stream.

    Returns:
        The :class:`Design`; a sweep without parameters gives the single point.
    """
    if sweep is None or not sweep.parameters:
        return single_point()
    spec = sweep_spec(sweep)
    params = dict(sweep.parameters)
    if sweep.design == "grid":
        return Design("grid", tuple(params), _grid_points(params), spec=spec)
    problem = salib_problem(params)
    x = _sample(sweep, problem, design_seed(root_seed))
    points = tuple(_cast_row(params, row) for row in x)
    return Design(sweep.design, tuple(params), points, problem, x.tolist(), spec)


def sweep_spec(sweep: "Sweep") -> dict[str, Any]:
    """The design-defining part of a sweep block (replications and root seed left out)."""
    data = sweep.model_dump(mode="json")
    data.pop("replications", None)
    data.pop("root_seed", None)
    if data["design"] in ("grid", "lhs"):
        data.pop("second_order", None)
        data.pop("morris_levels", None)
    if data["design"] == "grid":
        data.pop("samples", None)
    return data


def grid_values(p: "SweepParameter") -> list[Any]:
    """The values a parameter takes in a grid: its list, or ``levels`` points over its range."""
    if p.values is not None:
        return [_cast_value(p.type, v) for v in p.values]
    assert p.low is not None and p.high is not None and p.levels is not None  # schema checks
    raw = np.linspace(p.low, p.high, p.levels)
    values = [_cast_value(p.type, v) for v in raw]
    return list(dict.fromkeys(values))  # int rounding can merge neighbours


def _grid_points(params: Mapping[str, "SweepParameter"]) -> tuple[dict[str, Any], ...]:
    axes = [grid_values(p) for p in params.values()]
    return tuple(dict(zip(params, combo)) for combo in itertools.product(*axes))


def _is_indexed(p: "SweepParameter") -> bool:
    """Whether a parameter is sampled as an index into its ``values`` list."""
    return p.values is not None


def salib_problem(params: Mapping[str, "SweepParameter"]) -> dict[str, Any]:
    """The SALib problem (names, bounds) a sampled design draws from."""
    bounds = []
    for p in params.values():
        if _is_indexed(p):
            bounds.append([0.0, float(len(p.values or ()))])
            continue
        assert p.low is not None and p.high is not None  # the schema requires bounds here
        if p.type == "int":
            bounds.append([float(p.low), float(p.high) + 1.0])
        else:
            bounds.append([float(p.low), float(p.high)])
    return {"num_vars": len(params), "names": list(params), "bounds": bounds}


def _sample(sweep: "Sweep", problem: dict[str, Any], seed: int) -> np.ndarray:
    n, d = sweep.samples, problem["num_vars"]
    if sweep.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
        lo = np.array([b[0] for b in problem["bounds"]])
        hi = np.array([b[1] for b in problem["bounds"]])
        return lo + unit * (hi - lo)
    if sweep.design == "sobol":
        from SALib.sample import sobol

        return _quiet(sobol.sample, problem, n, calc_second_order=sweep.second_order, seed=seed)
    if sweep.design == "morris":
        from SALib.sample import morris

        return _quiet(morris.sample, problem, n, num_levels=sweep.morris_levels, seed=seed)
    raise ValueError(f"unknown design '{sweep.design}'")  # the schema admits no other


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    """Call a SALib sampler with its advisory warnings (N not a power of 2) silenced."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fn(*args, **kwargs), dtype=float)


def _cast_row(params: Mapping[str, "SweepParameter"], row: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (path, p), x in zip(params.items(), row):
        if _is_indexed(p):
            values = p.values or ()
            idx = min(math.floor(x), len(values) - 1)
            out[path] = _cast_value(p.type, values[idx])
        elif p.type == "int":
            assert p.high is not None  # the schema requires bounds here
            out[path] = min(math.floor(x), int(p.high))
        else:
            out[path] = float(x)
    return out


def _cast_value(kind: str, v: Any) -> Any:
    """A value as the parameter's type says, as a plain Python object (JSON-ready)."""
    if isinstance(v, np.generic):
        v = v.item()
    if kind == "int" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return round(v)
    if kind == "float" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v
