"""Fixed-seed regression: the metrics of a few seeded runs, stored, and re-run to catch drift.

``tests/baseline_metrics.json`` holds, for each stored run, the scenario, its seed, its horizon
and every metric of ``CooperationModel.metrics()``, with the code revision and package versions
they were measured at. :func:`check` re-runs the same scenarios with the same seeds and lists
every difference: integer-valued metrics (counts, 0/1 flags, the onset week) and the positions
of NaN must match exactly, other floats within a relative :data:`REL_TOL`. Any change of a
model's behaviour therefore shows up, intended or not; an intended one is accepted by
refreshing the file (``dibsim regression --refresh``) and committing it with the change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...model.metrics import METRICS
from ..engine.seeds import DEFAULT_ROOT_SEED, run_seed
from ..errors import UserError

#: The stored runs: (scenario, replicate). Replicate i runs with ``run_seed(root, i)``: three
#: baseline seeds (the European war) and one with the scripted Indo-Pacific crisis, each to
#: its scenario's full horizon (260 weeks; about a second for all four).
RUNS: tuple[tuple[str, int], ...] = (("baseline", 0), ("baseline", 1), ("baseline", 2),
                                     ("indo_pacific_contingency", 0))
#: Relative tolerance for float metrics: well above the last-bit noise of summation order on
#: another platform, far below any modelled effect.
REL_TOL = 1e-9
#: Metrics compared exactly: whole numbers (counts, 0/1 flags) and the onset week.
EXACT = {name for name, spec in METRICS.items() if spec.whole or spec.probability} | {"onset_week"}
FORMAT = "dibsim-regression/1"


def default_path() -> Path:
    """``tests/baseline_metrics.json`` of the source checkout the package runs from."""
    from ..engine.manifest import REPO

    return REPO / "tests" / "baseline_metrics.json"


def run_one(scenario: str, seed: int) -> tuple[int, dict[str, float]]:
    """The horizon and metrics of one seeded run of a shipped scenario to its full horizon."""
    from ...model import CooperationModel

    m = CooperationModel(scenario, rng=seed)
    m.run()
    return m.scenario_spec.horizon_weeks, m.metrics()


def _stored_value(v: float) -> float | int | None:
    if math.isnan(v):
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def snapshot(runs: Iterable[tuple[str, int]] = RUNS, root_seed: int = DEFAULT_ROOT_SEED) -> dict[str, Any]:
    """Measure the runs and return the file's content (NaN stored as null)."""
    from ..engine.manifest import code_revision, now, package_versions

    out = []
    for scenario, replicate in runs:
        seed = run_seed(root_seed, replicate)
        horizon, metrics = run_one(scenario, seed)
        out.append({"scenario": scenario, "replicate": replicate, "seed": seed,
                    "horizon_weeks": horizon,
                    "metrics": {k: _stored_value(v) for k, v in metrics.items()}})
    return {"format": FORMAT, "measured": now(), "root_seed": root_seed,
            "code_revision": code_revision(), "packages": package_versions(),
            "runs": out}


def load(path: Path) -> dict[str, Any]:
    """The stored file; a missing or malformed file is the user's to fix."""
    path = Path(path)
    hint = "create it with: dibsim regression --refresh"
    if not path.is_file():
        raise UserError(f"no stored regression metrics at {path} ({hint})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: not readable as JSON ({exc}); {hint}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("runs"), list):
        raise UserError(f"{path}: format: expected '{FORMAT}' with a list of runs; {hint}")
    return data


def _differs(name: str, old: Any, new: float) -> str | None:
    """How a metric drifted, or None when it matches."""
    old_nan, new_nan = old is None, math.isnan(new)
    if old_nan or new_nan:
        if old_nan and new_nan:
            return None
        return f"{name}: {'NaN' if old_nan else repr(old)} → {'NaN' if new_nan else repr(new)}"
    if name in EXACT:
        return None if float(old) == new else f"{name}: {old} → {new:g} (compared exactly)"
    if math.isclose(float(old), new, rel_tol=REL_TOL, abs_tol=0.0):
        return None
    rel = (new - old) / abs(old) if old else math.inf
    return f"{name}: {old!r} → {new!r} (relative {rel:+.3g}, tolerance {REL_TOL:g})"


def compare(run: dict[str, Any], horizon: int, metrics: dict[str, float]) -> list[str]:
    """Differences between one stored run and its re-run, one line each."""
    where = f"{run['scenario']} replicate {run.get('replicate')} (seed {run['seed']})"
    lines = []
    if horizon != run.get("horizon_weeks"):
        lines.append(f"{where}: horizon_weeks: {run.get('horizon_weeks')} → {horizon}")
    stored = run.get("metrics", {})
    for name in sorted(stored.keys() - metrics.keys()):
        lines.append(f"{where}: {name}: stored but no longer computed")
    for name in sorted(metrics.keys() - stored.keys()):
        lines.append(f"{where}: {name}: computed ({metrics[name]!r}) but not stored")
    for name in [k for k in metrics if k in stored]:
        diff = _differs(name, stored[name], metrics[name])
        if diff:
            lines.append(f"{where}: {diff}")
    return lines


def check(path: Path) -> list[str]:
    """Re-run every stored run (same scenario, same seed); every difference, one line each."""
    data = load(path)
    lines = []
    for run in data["runs"]:
        horizon, metrics = run_one(run["scenario"], int(run["seed"]))
        lines += compare(run, horizon, metrics)
    return lines


def version_notes(path: Path) -> list[str]:
    """Packages whose installed version differs from the stored file's (a likely cause of drift)."""
    from ..engine.manifest import package_versions

    stored = load(path).get("packages", {})
    now = package_versions()
    return [f"{k}: stored with {stored[k]}, installed {now.get(k)}"
            for k in sorted(stored) if stored[k] != now.get(k)]


def refresh(path: Path, runs: Iterable[tuple[str, int]] = RUNS,
            root_seed: int = DEFAULT_ROOT_SEED) -> dict[str, Any]:
    """Measure the runs and write them to ``path`` (atomically); returns what was written."""
    from ..engine.results import write_json_atomic

    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"--file: folder {path.parent} does not exist")
    data = snapshot(runs, root_seed)
    write_json_atomic(data, path)
    return data
