"""``dibsim bench --scaling``: strong scaling of the engine over 1…cores worker processes.

The same sweep (``sweep_export_licence``'s grid, no series) runs with N = 1, 2, … workers up to
the CPUs this process may use. For each N, from its wall time T_N and the ``elapsed_s`` column of
its runs table (each run's own time inside its worker):

* strong-scaling efficiency ``E_N = T_1 / (N · T_N)``: the speed-up over one worker per worker
  (1.0 is perfect);
* utilisation ``U_N = Σ elapsed_s / (N · T_N)``: the share of the N workers' wall time spent
  inside runs; the rest is the engine (start-up, batching, pickling, writing parts, the final
  consolidation) and idle workers at the end.

``E_N`` below ``U_N`` means each run itself got slower with more workers (shared caches, memory
bandwidth, a loaded machine or virtual CPUs that are not whole cores), not that the engine
wasted time. Figures are medians over repeats.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

#: Settings: replicates of the grid (6 points), weeks per run, repeats per N.
FULL = {"grid_reps": 12, "steps": 52, "repeats": 3}
QUICK = {"grid_reps": 1, "steps": 3, "repeats": 1}


def measure(workers: int, cfg: dict[str, Any]) -> tuple[float, float, int]:
    """(wall seconds of the sweep, Σ elapsed_s of its runs, runs) with ``workers`` processes."""
    import pandas as pd

    from .engine.executors import make_executor
    from .engine.plan import make_plan
    from .engine.runner import run_experiment

    plan = make_plan(["sweep_export_licence"], replications=cfg["grid_reps"], steps=cfg["steps"],
                     timeseries=False)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r"
        start = time.perf_counter()
        with make_executor("process", workers) as ex:
            run_experiment(plan, out, executor=ex, progress=False)
        wall = time.perf_counter() - start
        busy = float(pd.read_parquet(out / "runs.parquet", columns=["elapsed_s"])["elapsed_s"].sum())
    return wall, busy, plan.n_planned


def scaling_rows(wall: dict[int, float], busy: dict[int, float]) -> list[dict[str, float]]:
    """E_N and U_N for each N from the wall times and summed run times (seconds).

    >>> rows = scaling_rows({1: 10.0, 2: 5.5}, {1: 9.5, 2: 10.0})
    >>> [round(r["efficiency"], 3) for r in rows], [round(r["utilisation"], 3) for r in rows]
    ([1.0, 0.909], [0.95, 0.909])
    """
    t1 = wall[1]
    return [{"workers": n, "wall_s": wall[n], "run_time_s": busy[n], "speedup": t1 / wall[n],
             "efficiency": t1 / (n * wall[n]), "utilisation": busy[n] / (n * wall[n])}
            for n in sorted(wall)]


def run_scaling(quick: bool = False, max_workers: int | None = None,
                log: Any = lambda s: None) -> dict[str, Any]:
    """Measure N = 1 … ``max_workers`` (default: the CPUs available); medians over repeats."""
    from .engine.executors import default_workers
    from .engine.manifest import code_revision, now, package_versions

    cfg = QUICK if quick else FULL
    top = max_workers or default_workers()
    wall: dict[int, list[float]] = {n: [] for n in range(1, top + 1)}
    busy: dict[int, list[float]] = {n: [] for n in range(1, top + 1)}
    runs = 0
    for _ in range(cfg["repeats"]):
        for n in range(1, top + 1):  # N interleaved in each repeat: load drift hits every N
            log(f"bench --scaling: {n} worker(s) …")
            w, b, runs = measure(n, cfg)
            wall[n].append(w)
            busy[n].append(b)
    rows = scaling_rows({n: statistics.median(v) for n, v in wall.items()},
                        {n: statistics.median(v) for n, v in busy.items()})
    return {"when": now(), "quick": quick, "settings": {**cfg, "runs": runs, "max_workers": top},
            "scaling": rows, "code_revision": code_revision(), "packages": package_versions()}
