"""The calibrator: fit scenario parameters to the replays' observed targets with Optuna's TPE.

A trial is one set of parameter values. It is evaluated through the experiment engine: one
:class:`~experiments.engine.worker.Batch` per (trial, replay, seed), the trial's overrides as the
runs' ``params``, handed to any executor (serial, process, Dask). The median over the seeds at
each target is compared with the record (:func:`history.compare`); a replay's error is the mean
of its targets' errors in tolerances, and the loss is the mean over the fitted replays.

Trials are asked ``budget.trials_per_round`` at a time and told in trial order, so the result
depends on the config (and its seed) only, never on the executor or the worker count. Every
finished round is written to ``trials.parquet`` and ``targets.parquet`` at once; a resumed
calibration re-asks the sampler in the same order and, where a trial is already stored, tells
it the stored loss instead of running it again, so the sampler's state and every later trial
are the same as in an uninterrupted run.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.executors import Executor, SerialExecutor
from ..engine.plan import RunSpec
from ..engine.seeds import run_seed
from ..engine.worker import Batch, run_batch
from ..errors import UserError
from .calib_config import CalibrationConfig, check_paths
from .history import REPLAYS, Replay, ReplayResult, compare, replay_from_targets, simulate_all
from .targets import check_against_replay, read_targets

TRIALS_FILE = "trials.parquet"
TARGETS_FILE = "targets.parquet"


@dataclass(frozen=True)
class Variable:
    """One dimension the sampler searches: a parameter, or a per-replay copy of one."""

    name: str
    parameter: str
    replay: str | None  # None: shared by every replay


@dataclass
class Setup:
    """The resolved calibration: replays (fitted, reported), their scenarios, the variables."""

    config: CalibrationConfig
    fitted: dict[str, Replay]
    reported: dict[str, Replay]
    scenarios: dict[str, Any]
    variables: list[Variable] = field(default_factory=list)

    @property
    def replays(self) -> dict[str, Replay]:
        """Fitted then reported replays."""
        return {**self.fitted, **self.reported}

    def overrides(self, values: dict[str, float], replay: str) -> dict[str, Any]:
        """Dotted path → value of a trial in one replay (a per-replay variable of another
        replay, or a parameter without paths there, does not reach it).
        """
        out: dict[str, Any] = {}
        for v in self.variables:
            if v.name not in values or (v.replay is not None and v.replay != replay):
                continue
            spec = self.config.parameters[v.parameter]
            value = int(values[v.name]) if spec.type == "int" else float(values[v.name])
            out.update(dict.fromkeys(spec.paths_for(replay), value))
        return out


def resolve_replay(ref: str, base: Path) -> Replay:
    """A shipped replay by name, or a ``*.targets.yaml`` path relative to ``base``."""
    if ref in REPLAYS:
        return REPLAYS[ref]
    path = Path(ref) if Path(ref).is_absolute() else base / ref
    if ref.endswith(".targets.yaml") and path.is_file():
        return replay_from_targets(path)
    raise UserError(f"replay {ref!r}: not a shipped replay ({', '.join(REPLAYS)}) nor a targets file")


def by_replay_name(config: CalibrationConfig, names: dict[str, str], origin: Path | str) -> CalibrationConfig:
    """The config with each per-replay ``paths`` key turned into its replay's name.

    A key may name a replay as the config lists it (a shipped name or a targets file's path)
    or by its name (a targets file's ``name:``, or the file's stem).

    Raises:
        UserError: a key that names none of the listed replays.
    """
    alias = {**{n: n for n in names.values()}, **names}
    alias.update({Path(ref).name.removesuffix(".targets.yaml"): n for ref, n in names.items()})
    params = {}
    for pname, spec in config.parameters.items():
        if isinstance(spec.paths, dict):
            bad = [k for k in spec.paths if k not in alias]
            if bad:
                raise UserError(f"{origin}: parameters.{pname}.paths: {bad[0]!r} names none of the "
                                f"listed replays ({', '.join(names)})")
            params[pname] = spec.model_copy(update={"paths": {alias[k]: v for k, v in spec.paths.items()}})
        else:
            params[pname] = spec
    return config.model_copy(update={"parameters": params})


def make_setup(config: CalibrationConfig, origin: Path | str, holdout: Sequence[str] = ()) -> Setup:
    """Resolve replays and variables; ``holdout`` moves fitted replays to the reported ones.

    Raises:
        UserError: on an unknown replay or holdout, or a holdout that leaves nothing to fit.
        ScenarioError: on a parameter path that does not validate in a replay it reaches.
    """
    from ...model.loader import load_scenario

    base = Path(origin).parent
    refs = {x: resolve_replay(x, base) for x in (*config.replays, *config.report)}
    config = by_replay_name(config, {x: r.name for x, r in refs.items()}, origin)
    fitted = {refs[x].name: refs[x] for x in config.replays}
    reported = {refs[x].name: refs[x] for x in config.report}
    unknown = [h for h in holdout if h not in fitted]
    if unknown:
        raise UserError(f"--holdout: {unknown[0]!r} is not a fitted replay of {origin} "
                        f"(fitted: {', '.join(fitted)})")
    for h in holdout:
        reported = {h: fitted.pop(h), **reported}
    if not fitted:
        raise UserError(f"--holdout: holding out every fitted replay of {origin} leaves nothing to fit")
    scenarios = {n: load_scenario(r.scenario) for n, r in {**fitted, **reported}.items()}
    for n, r in {**fitted, **reported}.items():
        if r.origin:  # a target the replay can never be compared with is refused, not fitted
            check_against_replay(r.origin, read_targets(r.origin), scenarios[n])
    check_paths(config, scenarios, str(origin))
    variables = []
    for name, spec in config.parameters.items():
        if spec.shared:
            if any(spec.paths_for(r) for r in fitted):
                variables.append(Variable(name, name, None))
        else:
            variables += [Variable(f"{name}[{r}]", name, r) for r in fitted if spec.paths_for(r)]
    if not variables:
        raise UserError(f"{origin}: no parameter reaches a fitted replay; nothing to fit")
    return Setup(config, fitted, reported, scenarios, variables)


def replay_run(replay: Replay, scenario: Any, spec: RunSpec) -> tuple[dict[str, float], dict[str, list[float]]]:
    """The engine's run function for a replay: the observed line's weekly series, licence week."""
    out, licence, _, cases = simulate_all(replay, spec.seed, scenario=scenario)
    return {"licence_week": licence}, {"line": out.tolist(), **cases}


def evaluate(setup: Setup, trials: Sequence[tuple[int, dict[str, float]]], replays: Sequence[str],
             executor: Executor, seeds: int) -> dict[tuple[int, str], list[dict]]:
    """Run each trial on each replay (``seeds`` runs each) and compare with the targets.

    Returns:
        (trial number, replay) → the comparison rows (:func:`history.compare`).
    """
    results = simulate_trials(setup, trials, replays, executor, seeds)
    return {key: compare(result) for key, result in results.items()}


def simulate_trials(setup: Setup, trials: Sequence[tuple[int, dict[str, float]]], replays: Sequence[str],
                    executor: Executor, seeds: int) -> dict[tuple[int, str], ReplayResult]:
    """Run each trial on each replay through the engine: one batch per (trial, replay, seed).

    Returns:
        (trial number, replay) → the replications (:class:`history.ReplayResult`).

    Raises:
        UserError: when a run fails (a parameter value the model cannot run is a config mistake).
    """
    root = setup.config.root_seed
    batches = []
    for number, values in trials:
        for name in replays:
            replay, params = setup.replays[name], setup.overrides(values, name)
            fn = functools.partial(replay_run, replay)
            for rep in range(seeds):
                spec = RunSpec(f"{name}:{number}:{rep}", setup.scenarios[name].name, number, rep,
                               run_seed(root, rep), params, None, True)
                batches.append(Batch(setup.scenarios[name], (spec,), fn))
    runs: dict[tuple[int, str], dict[int, Any]] = {}
    for _batch, results in executor.imap_unordered(run_batch, batches):
        if isinstance(results, BaseException):
            raise UserError(f"a worker was lost during the calibration ({results}); resume to go on")
        for r in results:
            if r.status != "ok":
                raise UserError(f"run {r.spec.run_id} with {r.spec.params} failed: {r.error}")
            name = r.spec.run_id.split(":", 1)[0]
            runs.setdefault((r.spec.point, name), {})[r.spec.replicate] = r
    out = {}
    for (number, name), by_rep in runs.items():
        ordered = [by_rep[i] for i in sorted(by_rep)]
        result = ReplayResult(setup.replays[name], setup.scenarios[name].start_date,
                              [r.spec.seed for r in ordered],
                              np.vstack([r.timeseries["line"] for r in ordered]),
                              [r.metrics["licence_week"] for r in ordered],
                              [{k: v for k, v in r.timeseries.items() if k.startswith("fms.")}
                               for r in ordered])
        out[(number, name)] = result
    return out


def target_error(row: dict, penalty: float) -> float:
    """A target's error in tolerances (a milestone that never happens: ``penalty``)."""
    err = row["error"]
    return penalty if not math.isfinite(err) else abs(err) / row["tolerance"]


def replay_error(rows: Sequence[dict], penalty: float) -> float:
    """A replay's error: the mean of its targets' errors in tolerances."""
    return float(np.mean([target_error(r, penalty) for r in rows]))


def rate_error(rows: Sequence[dict]) -> float:
    """The mean absolute relative error of a replay's rate targets (NaN when it has none)."""
    rates = [abs(r["error"]) for r in rows if str(r["check"]).startswith("rate")]
    return float(np.mean(rates)) if rates else math.nan


@dataclass
class Trials:
    """Every finished trial (one row each) and every target comparison of each trial."""

    rows: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)

    def by_number(self) -> dict[int, dict]:
        """Finished trials by number."""
        return {int(r["trial"]): r for r in self.rows}

    def write(self, out: Path) -> None:
        """Write both tables atomically (each round, so a kill loses at most a round)."""
        import pandas as pd
        import pyarrow as pa

        from ..engine.results import write_table_atomic

        for rows, name in ((self.rows, TRIALS_FILE), (self.targets, TARGETS_FILE)):
            frame = pd.DataFrame(rows).sort_values("trial", kind="stable") if rows else pd.DataFrame({"trial": []})
            write_table_atomic(pa.Table.from_pandas(frame, preserve_index=False), out / name)

    @classmethod
    def read(cls, out: Path) -> "Trials":
        """The trials stored in ``out`` (none when it holds none yet)."""
        import pandas as pd

        if not (out / TRIALS_FILE).is_file():
            return cls()
        rows = pd.read_parquet(out / TRIALS_FILE).to_dict("records")
        targets = pd.read_parquet(out / TARGETS_FILE).to_dict("records")
        return cls(rows, targets)


#: The TPE sampler's flags, set rather than left to the installed Optuna's defaults, which moved
#: (5.0 made ``multivariate`` default to True for one objective and ``constant_liar`` to True):
#: the same seed then gives the same trials on every Optuna the project allows (``<6``; the
#: prior, magic-clip and endpoint flags are deprecated there and keep their long-standing
#: defaults until 6.0, so passing them would only warn).
TPE_FLAGS: dict[str, Any] = {"multivariate": True, "group": False, "constant_liar": True, "n_ei_candidates": 24}


def optimise(setup: Setup, out: Path, executor: Executor | None = None,
             progress: Callable[[str], None] | None = None) -> Trials:
    """Run (or resume) the search into ``out``; return every trial.

    Stops at ``budget.trials`` trials or after ``budget.minutes`` of this session's wall time
    (a time budget makes the trial count, hence the result, depend on the machine).
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    cfg, executor = setup.config, executor or SerialExecutor()
    dists = {v.name: _distribution(cfg.parameters[v.parameter]) for v in setup.variables}
    sampler = optuna.samplers.TPESampler(seed=cfg.root_seed, n_startup_trials=cfg.budget.startup_trials,
                                         **TPE_FLAGS)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    stored = Trials.read(out)
    done = stored.by_number()
    limit = cfg.budget.trials or 10**9
    start, n = time.monotonic(), 0
    while n < limit:
        if cfg.budget.minutes is not None and time.monotonic() - start > 60 * cfg.budget.minutes and n >= len(done):
            break
        asked = [study.ask(dists) for _ in range(min(cfg.budget.trials_per_round, limit - n))]
        todo = []
        for t in asked:
            if t.number in done:
                _check_same(done[t.number], t.params, out)
            else:
                todo.append((t.number, dict(t.params)))
        t0 = time.perf_counter()
        results = evaluate(setup, todo, list(setup.fitted), executor, cfg.loss.seeds) if todo else {}
        per_trial = (time.perf_counter() - t0) / max(1, len(todo))
        for number, values in todo:
            errors = {r: replay_error(results[(number, r)], cfg.loss.missing_penalty) for r in setup.fitted}
            stored.rows.append({"trial": number, "loss": float(np.mean(list(errors.values()))),
                                "elapsed_s": per_trial, **{f"p:{k}": v for k, v in values.items()},
                                **{f"e:{r}": e for r, e in errors.items()}})
            stored.targets += [{"trial": number, **_clean(row)} for r in setup.fitted for row in results[(number, r)]]
        if todo:
            stored.write(out)
        done = stored.by_number()
        for t in asked:
            study.tell(t, float(done[t.number]["loss"]))
        n += len(asked)
        if progress and todo:
            best = min(done.values(), key=lambda r: (r["loss"], r["trial"]))
            progress(f"trial {n}: best loss {best['loss']:.4f} (trial {int(best['trial'])})")
    return stored


def _distribution(spec: Any) -> Any:
    import optuna

    if spec.type == "int":
        return optuna.distributions.IntDistribution(round(spec.low), round(spec.high), log=spec.log)
    return optuna.distributions.FloatDistribution(spec.low, spec.high, log=spec.log)


def _check_same(row: dict, params: dict[str, float], out: Path) -> None:
    for k, v in params.items():
        if not math.isclose(float(row.get(f"p:{k}", math.nan)), float(v), rel_tol=1e-12, abs_tol=1e-12):
            raise UserError(f"cannot resume {out}: stored trial {int(row['trial'])} has {k} = "
                            f"{row.get(f'p:{k}')} where the sampler now asks {v} (other code or optimiser "
                            f"version?); start a new folder with --out")


def _clean(row: dict) -> dict:
    keep = ("replay", "check", "date", "observed", "simulated", "p10", "p90", "error", "tolerance", "ok")
    spread = ("mean", "variance", "n", "runs", "tolerance_abs")  # for history matching
    return {**{k: row[k] for k in keep}, **{k: row.get(k, math.nan) for k in spread}}


def best_trial(trials: Trials) -> dict:
    """The trial with the lowest loss (the earliest on a tie)."""
    if not trials.rows:
        raise UserError("no trial finished; raise the budget")
    return min(trials.rows, key=lambda r: (r["loss"], r["trial"]))


def plausible_set(trials: Trials, cutoff: float) -> tuple[list[dict], dict[str, Any]]:
    """The plausible points by history matching (:mod:`.history_matching`), and its summary."""
    from .history_matching import match

    return match(trials.rows, trials.targets, cutoff)


def trial_values(row: dict) -> dict[str, float]:
    """A stored trial's variable values."""
    return {k[2:]: float(v) for k, v in row.items() if k.startswith("p:") and v == v}
