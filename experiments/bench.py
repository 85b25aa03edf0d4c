"""``dibsim bench``: how fast the model and the engine are, against the issue's targets.

Every figure is a median over repeats, and every ratio is measured in the same process run so
machine noise hits both sides. Measurements:

* one baseline run (full horizon);
* µs per agent-step of the model beside a minimal Mesa Boltzmann-wealth model (100 agents, no
  space, agents cached in a list);
* step-time growth when every producer line is split into ten (10× producers, same capacity);
* sweep throughput (runs/s) serially in this process (the target's "serial"), with 1 and 2
  worker processes, with ``mesa.batch_run``
  (2 processes, ``data_collection_period=-1``) on the same grid, and with a Dask LocalCluster
  (its ratio to the pool is taken on running time once both are started; the cluster's
  one-off start-up, 1.5–3 s, is reported beside it and in ``dask_time_ratio_with_start``);
* peak memory (whole process tree) of sweeps of 1,000 and 10,000 short runs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa

#: The issue's targets: name → (figure key, comparison, bound).
TARGETS: dict[str, tuple[str, str, float]] = {
    "baseline run ≤ 0.5 s": ("baseline_run_s", "<=", 0.5),
    "µs/agent-step ≤ 15× Boltzmann": ("agent_step_ratio", "<=", 15.0),
    "10× producers → ≤ 11× step time": ("producers_x10_step_ratio", "<=", 11.0),
    "2 workers ≥ 1.9× serial": ("speedup_2_workers", ">=", 1.9),
    "≥ 1.5× mesa.batch_run (2 proc)": ("speedup_vs_batch_run", ">=", 1.5),
    "peak memory 10k ≤ 1.2× 1k runs": ("memory_ratio_10k_1k", "<=", 1.2),
    "Dask within 1.2× of process pool": ("dask_time_ratio", "<=", 1.2),
}

#: Settings. ``quick`` only checks that everything runs: one repeat, a few weeks, and one
#: process for batch_run and Dask (each spawned process pays ~2 s importing mesa).
FULL = {"repeats": 3, "steps": 52, "grid_reps": 12, "mem_small": 1000, "mem_large": 10000, "mem_steps": 1,
        "spawned": 2}
QUICK = {"repeats": 1, "steps": 3, "grid_reps": 1, "mem_small": 4, "mem_large": 12, "mem_steps": 1,
         "spawned": 1}


class BoltzmannAgent(mesa.Agent):
    """An agent with wealth that gives one unit to a random other agent each step."""

    def __init__(self, model: "BoltzmannModel") -> None:
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        """One step of the reference model (Mesa's Boltzmann wealth benchmark)."""
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannModel(mesa.Model):
    """The minimal Boltzmann-wealth model: no space, agents cached in a list."""

    def __init__(self, n: int = 100, seed: int = 1) -> None:
        super().__init__(rng=seed)  # ``seed=`` is deprecated from Mesa 3.5
        self.agent_list = [BoltzmannAgent(self) for _ in range(n)]

    def step(self) -> None:
        """One step of the reference model (Mesa's Boltzmann wealth benchmark)."""
        for agent in self.agent_list:
            agent.step()


def median_time(fn: Callable[[], Any], repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def baseline_run(cfg: dict[str, Any]) -> dict[str, float]:
    """Time of one baseline run to its horizon (quick: a few weeks)."""
    from ..model import CooperationModel, load_scenario

    scn = load_scenario("baseline")
    steps = None if cfg is FULL else cfg["steps"]
    t = median_time(lambda: CooperationModel(scenario=scn, rng=1).run(steps=steps), cfg["repeats"])
    return {"baseline_run_s": t, "baseline_weeks": steps or scn.horizon_weeks}


def agent_step_costs(cfg: dict[str, Any]) -> dict[str, float]:
    """µs per agent-step of the model and of Boltzmann, and their ratio."""
    from ..model import CooperationModel, load_scenario

    scn, steps = load_scenario("baseline"), cfg["steps"]

    def model_step_time() -> tuple[float, int]:
        m = CooperationModel(scenario=scn, rng=1)
        t = time.perf_counter()
        m.run(steps=steps)
        return time.perf_counter() - t, len(m.agents)

    runs = [model_step_time() for _ in range(cfg["repeats"])]
    n_agents = runs[0][1]
    model_us = statistics.median(t for t, _ in runs) / (n_agents * steps) * 1e6
    bsteps = 200

    def boltzmann() -> None:
        b = BoltzmannModel(100)
        for _ in range(bsteps):
            b.step()

    boltz_us = median_time(boltzmann, max(3, cfg["repeats"])) / (100 * bsteps) * 1e6
    return {"model_agents": n_agents, "model_us_per_agent_step": model_us,
            "boltzmann_us_per_agent_step": boltz_us, "agent_step_ratio": model_us / boltz_us}


def producers_x10(cfg: dict[str, Any]) -> dict[str, float]:
    """Step time with every producer line split into ten, against the baseline's."""
    from ..model import CooperationModel, load_scenario

    base = load_scenario("baseline")
    big = split_producers(base, 10)
    steps = cfg["steps"]

    def step_time(scn: Any) -> float:
        return _timed_run(CooperationModel(scenario=scn, rng=1), steps) / steps

    t1 = statistics.median(step_time(base) for _ in range(cfg["repeats"]))
    t10 = statistics.median(step_time(big) for _ in range(cfg["repeats"]))
    return {"step_ms_producers_x1": t1 * 1e3, "step_ms_producers_x10": t10 * 1e3,
            "producers_x1": len(base.producers), "producers_x10": len(big.producers),
            "producers_x10_step_ratio": t10 / t1}


def _timed_run(model: Any, steps: int) -> float:
    t = time.perf_counter()
    model.run(steps=steps)
    return time.perf_counter() - t


def split_producers(scenario: Any, k: int) -> Any:
    """The scenario with each producer split into ``k`` lines of a k-th of its capacity."""
    from ..model.loader import load_scenario, scenario_to_dict

    data = scenario_to_dict(scenario)
    producers = {}
    for pid, p in data["producers"].items():
        for i in range(k):
            q = dict(p, capacity_per_week=p["capacity_per_week"] / k, ceiling_per_week=p["ceiling_per_week"] / k)
            producers[pid if i == 0 else f"{pid}__{i}"] = q
    data["producers"] = producers
    from ..model.schema import Scenario

    return load_scenario(Scenario.model_validate(data))


def sweep_throughput(cfg: dict[str, Any]) -> dict[str, float]:
    """Runs/s of the same grid: 1 and 2 processes, mesa.batch_run (2), Dask LocalCluster (2)."""
    from .engine.plan import make_plan

    plan = make_plan(["sweep_export_licence"], replications=cfg["grid_reps"], steps=cfg["steps"],
                     timeseries=False)
    n = plan.n_planned
    keys = ("serial", "process_1", "process_2", "batch_run_2", "dask_2", "dask_2_start", "process_2_start")
    times: dict[str, list[float]] = {key: [] for key in keys}
    for _ in range(cfg["repeats"]):
        times["serial"].append(sum(_engine_time(plan, "serial", 1)))
        times["process_1"].append(sum(_engine_time(plan, "process", 1)))
        start, run = _engine_time(plan, "process", 2)
        times["process_2"].append(start + run)
        times["process_2_start"].append(start)
        times["batch_run_2"].append(_batch_run_time(plan, cfg["spawned"]))
        start, run = _engine_time(plan, "dask", cfg["spawned"])
        times["dask_2"].append(run)
        times["dask_2_start"].append(start)
    med = {k: statistics.median(v) for k, v in times.items()}
    out: dict[str, float] = {"sweep_runs": n, "sweep_weeks": cfg["steps"]}
    out.update({f"runs_per_s_{k}": n / med[k] for k in ("serial", "process_1", "process_2", "batch_run_2", "dask_2")})
    out["dask_cluster_start_s"] = med["dask_2_start"]
    out["speedup_2_workers"] = med["serial"] / med["process_2"]
    out["speedup_2_vs_1_worker"] = med["process_1"] / med["process_2"]
    out["speedup_vs_batch_run"] = med["batch_run_2"] / med["process_2"]
    out["dask_time_ratio"] = med["dask_2"] / (med["process_2"] - med["process_2_start"])
    out["dask_time_ratio_with_start"] = (med["dask_2"] + med["dask_2_start"]) / med["process_2"]
    out.update(_short_runs_vs_batch_run(cfg))
    scaling = statistics.median(machine_scaling(cfg["steps"]) for _ in range(cfg["repeats"]))
    out["machine_scaling_2_procs"] = scaling
    out["engine_efficiency_2_workers"] = out["speedup_2_workers"] / scaling
    return out


def machine_scaling(steps: int, runs: int = 12) -> float:
    """What two processes can give on this machine: plain model runs, no engine.

    The time of ``runs`` runs in one forked process against two forked processes doing as many
    each at once; 2.0 means two truly independent cores. Shared or hyper-threaded virtual CPUs
    give less, and no executor can beat this ceiling.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")

    def timed(n_procs: int) -> float:
        procs = [ctx.Process(target=_plain_runs, args=(steps, runs)) for _ in range(n_procs)]
        t = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - t

    return 2 * timed(1) / timed(2)


def _plain_runs(steps: int, runs: int) -> None:
    from ..model import CooperationModel, load_scenario

    scn = load_scenario("baseline")
    for seed in range(runs):
        CooperationModel(scenario=scn, rng=seed).run(steps=steps)


def _short_runs_vs_batch_run(cfg: dict[str, Any]) -> dict[str, float]:
    """The same grid with 4-week runs, where the engines' own overheads weigh most."""
    from .engine.plan import make_plan

    plan = make_plan(["sweep_export_licence"], replications=cfg["grid_reps"], steps=min(4, cfg["steps"]),
                     timeseries=False)
    ours = statistics.median(sum(_engine_time(plan, "process", 2)) for _ in range(cfg["repeats"]))
    theirs = statistics.median(_batch_run_time(plan, cfg["spawned"]) for _ in range(cfg["repeats"]))
    return {"short_sweep_weeks": float(plan.steps or 0), "runs_per_s_process_2_short": plan.n_planned / ours,
            "runs_per_s_batch_run_2_short": plan.n_planned / theirs, "speedup_vs_batch_run_short": theirs / ours}


def _engine_time(plan: Any, executor: str, workers: int) -> tuple[float, float]:
    """(seconds to start the executor, seconds to run the sweep on it)."""
    from .engine.executors import make_executor
    from .engine.runner import run_experiment

    with tempfile.TemporaryDirectory() as tmp:
        ex = make_executor(executor, workers)
        t0 = time.perf_counter()
        ex.__enter__()  # fork the pool / start the cluster; run_experiment reuses it
        t1 = time.perf_counter()
        run_experiment(plan, Path(tmp) / "r", executor=ex, progress=False)
        return t1 - t0, time.perf_counter() - t1


def _batch_run_time(plan: Any, processes: int) -> float:
    """Seconds of ``mesa.batch_run`` on the plan's grid and seeds; NaN where Mesa has none (4.0)."""
    batch_run = getattr(mesa, "batch_run", None)
    if batch_run is None:
        return float("nan")
    from ..model import CooperationModel

    scn = plan.scenarios[0]
    params: dict[str, Any] = {"scenario": [scn.scenario]}
    for path in scn.design.paths:
        params[path] = list(dict.fromkeys(p[path] for p in scn.design.points))
    params, seeding = batch_run_seeding(batch_run, params, [s.seed for s in plan.specs(scn) if s.point == 0])
    t = time.perf_counter()
    batch_run(CooperationModel, params, number_processes=processes, data_collection_period=-1,
              max_steps=plan.steps, display_progress=False, **seeding)
    return time.perf_counter() - t


def batch_run_seeding(batch_run: Any, params: dict[str, Any], seeds: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(parameters, keyword arguments) that run every combination once per seed: Mesa ≥ 3.4
    takes ``rng=[seeds]`` (its ``iterations`` is deprecated); 3.3 sweeps ``rng`` as a parameter.
    """
    import inspect

    if "rng" in inspect.signature(batch_run).parameters:
        return params, {"rng": seeds}
    return {**params, "rng": seeds}, {"iterations": 1}


def peak_memory(cfg: dict[str, Any]) -> dict[str, float]:
    """Peak RSS of the whole process tree of ``dibsim run`` for a small and a large sweep (MB)."""
    small = _peak_rss_mb(cfg["mem_small"], cfg["mem_steps"])
    large = _peak_rss_mb(cfg["mem_large"], cfg["mem_steps"])
    return {"memory_runs_small": cfg["mem_small"], "memory_runs_large": cfg["mem_large"],
            "peak_mb_small": small, "peak_mb_large": large, "memory_ratio_10k_1k": large / small}


def _peak_rss_mb(runs: int, steps: int) -> float:
    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "dibsim.experiments.cli", "run", "baseline", "--replications", str(runs),
               "--steps", str(steps), "--workers", "2", "--quiet", "--out", str(Path(tmp) / "r")]
        proc = subprocess.Popen(cmd, cwd=tmp)
        parent, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in tree))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.05)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"memory sweep exited {proc.returncode}: {' '.join(cmd)}")
    return peak / 2**20


def _rss(p: Any) -> int:
    try:
        return p.memory_info().rss
    except Exception:
        return 0


def run_bench(quick: bool = False, log: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """Run every measurement; returns figures, target checks and the settings used."""
    from .engine.manifest import code_revision, now, package_versions

    cfg = QUICK if quick else FULL
    figures: dict[str, Any] = {}
    for name, fn in (("baseline run", baseline_run), ("agent-step cost", agent_step_costs),
                     ("10x producers", producers_x10), ("sweep throughput", sweep_throughput),
                     ("peak memory", peak_memory)):
        log(f"bench: {name} …")
        figures.update(fn(cfg))
    checks = {label: _check(figures, *spec) for label, spec in TARGETS.items()}
    return {"when": now(), "quick": quick, "settings": cfg, "figures": figures, "targets": checks,
            "code_revision": code_revision(), "packages": package_versions()}


def _check(figures: dict[str, Any], key: str, op: str, bound: float) -> dict[str, Any]:
    value = figures.get(key)
    ok = value is not None and (value <= bound if op == "<=" else value >= bound)
    return {"figure": key, "value": value, "target": f"{op} {bound:g}", "met": bool(ok)}
