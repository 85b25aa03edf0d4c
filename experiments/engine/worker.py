"""What a worker does: run a batch of runs of one scenario, each guarded, and report back.

A batch carries its scenario once; each design point's overrides are applied and validated
once per batch (:class:`PointScenarios`), and every run of the point gets that resolved
scenario. The function that executes one run is injectable (a :data:`RunFn`): the default,
:func:`model_run`, builds a :class:`model.CooperationModel`; tests hand in stand-ins. It must
be a module-level function so it pickles for worker processes and Dask.

A run that raises becomes a ``failed`` :class:`RunResult` carrying the error; the batch goes on.

A batch's scenario travels to a worker process as bytes pickled once per scenario in the parent,
and a worker unpickles and resolves each scenario once, not once per batch (:func:`received_batch`):
pickling it (~7 ms), unpickling it (~6 ms) and resolving a design point (~12 ms) per batch were
the engine's largest per-task costs beside ~1 s batches, paid only with worker processes.
The cache is keyed by a digest of the pickled bytes, so equal keys are equal scenarios.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .plan import RunSpec

if TYPE_CHECKING:
    from ...model.schema import Scenario

#: One run: (the run's resolved scenario, spec) → (metrics, weekly series or None). The
#: scenario already holds the point's overrides; ``spec.params`` lists them for the record.
RunFn = Callable[["Scenario", RunSpec], "tuple[Mapping[str, float], Mapping[str, Sequence[float]] | None]"]


@dataclass
class RunResult:
    """The outcome of one run, as the results store records it."""

    spec: RunSpec
    status: str
    error: str = ""
    elapsed_s: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)
    #: One float64 array a series (arrays pickle back to the parent far faster than lists).
    timeseries: "dict[str, np.ndarray] | None" = None


#: Scenarios a process keeps pickled (parent) or unpickled and resolved (worker): a study's
#: batches come scenario after scenario, so a few suffice and memory stays bounded.
SCENARIO_CACHE = 8


@dataclass(frozen=True)
class Batch:
    """Consecutive runs of one scenario, sent to a worker as one task.

    Pickled, it carries its scenario as bytes pickled once per scenario (:func:`pickled`) and
    arrives with that scenario's :class:`PointScenarios` shared by every batch of it the worker
    has seen (:func:`received_batch`).
    """

    scenario: "Scenario"
    specs: tuple[RunSpec, ...]
    run_fn: RunFn
    points: "PointScenarios | None" = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        digest, data = pickled(self.scenario)
        return received_batch, (digest, data, self.specs, self.run_fn)


class PointScenarios:
    """The scenario of each design point of a batch, resolved once and shared by its runs.

    A point without overrides runs the batch's scenario itself. A point whose overrides do
    not validate raises :class:`~model.loader.ScenarioError` for each of its runs, so each is
    recorded as failed with the reason.

    Args:
        scenario: the batch's scenario (validated, without the point's overrides).
    """

    def __init__(self, scenario: "Scenario") -> None:
        self.scenario = scenario
        self._resolved: dict[int, "Scenario"] = {}

    def __call__(self, spec: RunSpec) -> "Scenario":
        """The validated scenario of the spec's design point, resolved once per point."""
        if not spec.params:
            return self.scenario
        resolved = self._resolved.get(spec.point)
        if resolved is None:
            from ...model.loader import load_scenario

            resolved = self._resolved[spec.point] = load_scenario(self.scenario, spec.params)
        return resolved


def model_run(scenario: "Scenario", spec: RunSpec) -> tuple[dict[str, float], dict[str, list[float]] | None]:
    """Run the model once on the run's resolved scenario with its seed, run, measure.

    Mesa 3.3.1 keeps a per-model id counter in ``Agent._ids`` that holds every model alive;
    the entries this run added are removed afterwards so a long-lived worker stays flat. Mesa
    3.4.2 fixed the leak and removed the attribute (mesa#3180): there is nothing to remove.

    Args:
        scenario: the run's resolved scenario (its point's overrides applied and validated).
        spec: the run (seed, horizon, whether to keep the weekly series).

    Returns:
        The metrics and, when asked for, the weekly series.
    """
    from mesa.agent import Agent

    from ...model import CooperationModel

    ids = getattr(Agent, "_ids", None)
    before = set(ids) if ids is not None else set()
    try:
        model = CooperationModel(scenario=scenario, rng=spec.seed)
        if spec.steps is None:
            model.run()
        else:
            model.run(steps=spec.steps)
        metrics = dict(model.metrics())
        series = dict(model.timeseries()) if spec.timeseries else None
        return metrics, series
    finally:
        for key in [k for k in ids or () if k not in before]:
            ids.pop(key, None)  # type: ignore[union-attr]


class _Lru:
    """A small thread-safe least-recently-used map (a Dask worker may run threads)."""

    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict[Any, Any](), threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


#: Parent: id(scenario) → (the scenario, kept alive so its id stays its own, digest, bytes).
_SENT = _Lru(SCENARIO_CACHE)
#: Worker: digest → the scenario's PointScenarios; in the parent (serial): ("local", id) → the same.
_RECEIVED = _Lru(SCENARIO_CACHE)


def pickled(scenario: "Scenario") -> tuple[str, bytes]:
    """The scenario's pickled bytes and their digest, pickled once per scenario object."""
    def make() -> tuple[Any, str, bytes]:
        data = pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)
        return scenario, hashlib.blake2b(data, digest_size=16).hexdigest(), data

    _, digest, data = _SENT.get(id(scenario), make)
    return digest, data


def received_batch(digest: str, data: bytes, specs: tuple[RunSpec, ...], run_fn: RunFn) -> Batch:
    """A batch unpickled in a worker: its scenario unpickled only the first time it is seen."""
    points = _RECEIVED.get(digest, lambda: PointScenarios(pickle.loads(data)))  # noqa: S301 - bytes this sweep pickled
    return Batch(points.scenario, specs, run_fn, points)


def run_batch(batch: Batch) -> list[RunResult]:
    """Run every spec of a batch in order; a run that raises is recorded and the batch goes on."""
    scenarios = batch.points
    if scenarios is None:  # in the process that made the batch (the entry keeps its id unique)
        scenarios = _RECEIVED.get(("local", id(batch.scenario)), lambda: PointScenarios(batch.scenario))
    return [guarded_run(batch.run_fn, scenarios, spec) for spec in batch.specs]


def guarded_run(run_fn: RunFn, scenarios: Callable[[RunSpec], "Scenario"], spec: RunSpec) -> RunResult:
    """One run with its wall time (resolving its scenario included); any exception becomes a
    failed result with its message.
    """
    start = time.perf_counter()
    try:
        metrics, series = run_fn(scenarios(spec), spec)
    except Exception as exc:
        return RunResult(spec, "failed", _describe(exc), time.perf_counter() - start)
    elapsed = time.perf_counter() - start
    clean = {k: _as_float(v) for k, v in metrics.items()}
    ts = {k: np.asarray(v, dtype=np.float64) for k, v in series.items()} if series is not None else None
    return RunResult(spec, "ok", "", elapsed, clean, ts)


def _describe(exc: BaseException) -> str:
    """``Type: message`` plus the innermost frame, enough to find the fault."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _as_float(v: Any) -> float:
    try:
        return float(v) if v is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def noop(_: Any = None) -> None:
    """A task that does nothing: used to start worker processes before work is queued."""
    return None
