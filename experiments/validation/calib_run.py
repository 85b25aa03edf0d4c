"""``dibsim calibrate``: a calibration into ``results/<name>/``, its outputs, cross-validation.

The folder holds ``manifest.json`` (config, its fingerprint, code revision, package versions,
sessions), ``trials.parquet`` and ``targets.parquet`` (every trial), ``best.json`` and
``best/<replay>.yaml`` (the best parameters as ready ``extends:`` variants of each replay),
``ensemble.json`` (the plausible set by history matching), ``summary.csv`` (error per replay, fitted or out of
sample), ``replays/`` (series and comparison of the best parameters) and the plots.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..engine.executors import Executor, SerialExecutor
from ..engine.manifest import code_revision, now, package_versions
from ..engine.results import write_json_atomic
from ..errors import UserError
from .calib_config import CalibrationConfig, read_config
from .calibration import (
    Setup,
    best_trial,
    make_setup,
    optimise,
    plausible_set,
    rate_error,
    replay_error,
    simulate_trials,
    trial_values,
)
from .history import compare, write_comparison, write_result

FORMAT = "dibsim-calibration-results/1"
MANIFEST = "manifest.json"


@dataclass
class Outcome:
    """What a calibration found: the best trial and the error per replay."""

    out: Path
    best: dict
    summary: list[dict]
    trials: int
    ensemble: list[dict]


def calibrate(config_path: Path | str, out: Path | str | None = None, *, executor: Executor | None = None,
              resume: bool = False, holdout: Sequence[str] = (), plots: bool = True,
              progress: Callable[[str], None] | None = None,
              config: CalibrationConfig | None = None) -> Outcome:
    """Fit the config's parameters (minus ``holdout``) and write the results folder.

    Raises:
        UserError: on a folder that exists without ``resume``, or was started by another config.
        ScenarioError: on a bad config (one line per problem).
    """
    config = config or read_config(config_path)
    setup = make_setup(config, config_path, holdout)
    out = Path(out) if out is not None else default_out(config, holdout)
    manifest = _open(out, config, setup, resume)
    executor = executor or SerialExecutor()
    with executor as ex:
        manifest["sessions"].append({"started_at": now(), **ex.describe(), "finished_at": None})
        write_json_atomic(manifest, out / MANIFEST)
        trials = optimise(setup, out, ex, progress)
        best = best_trial(trials)
        summary = _final(setup, best, out, ex)
    ensemble, matching = plausible_set(trials, config.ensemble.cutoff)
    _write_outputs(setup, out, best, ensemble, summary, matching)
    if progress:
        progress(f"plausible set (history matching, implausibility ≤ {config.ensemble.cutoff:g} on "
                 f"every target): {matching['plausible']} of {matching['points']} points")
    if plots:
        from .calib_plots import plot_calibration

        plot_calibration(out, setup.replays)
    manifest["sessions"][-1]["finished_at"] = manifest["finished_at"] = now()
    manifest.update(completed=True, trials=len(trials.rows), best_trial=int(best["trial"]),
                    best_loss=float(best["loss"]))
    write_json_atomic(manifest, out / MANIFEST)
    return Outcome(out, best, summary, len(trials.rows), ensemble)


def default_out(config: CalibrationConfig, holdout: Sequence[str] = ()) -> Path:
    """``results/<name>``, or ``results/<name>-without-<replays>`` with a holdout."""
    return Path("results") / (config.name + "".join(f"-without-{h}" for h in holdout))


def _open(out: Path, config: CalibrationConfig, setup: Setup, resume: bool) -> dict[str, Any]:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out: {out} is a file, not a folder")
    if out.exists() and any(out.iterdir()):
        if not resume:
            raise UserError(f"{out} already exists and holds results; add --resume to finish it, or choose a new --out")
        try:
            old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise UserError(f"{out}: not a calibration folder (no readable {MANIFEST}); use a new --out") from None
        if old.get("fingerprint") != config.fingerprint() or old.get("fitted") != list(setup.fitted):
            raise UserError(f"cannot resume {out}: it was started with another config or holdout; "
                            f"start a new folder with --out")
        return old
    out.mkdir(parents=True, exist_ok=True)
    return {"format": FORMAT, "name": config.name, "started_at": now(), "finished_at": None,
            "completed": False, "config": config.model_dump(mode="json"),
            "fingerprint": config.fingerprint(), "root_seed": config.root_seed,
            "fitted": list(setup.fitted), "reported": list(setup.reported),
            "variables": [v.name for v in setup.variables], "code_revision": code_revision(),
            "packages": {**package_versions(), "optuna": _version("optuna")}, "sessions": []}


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _final(setup: Setup, best: dict, out: Path, ex: Executor) -> list[dict]:
    """Run the best parameters on every replay; write series and comparison; summarise."""
    values = trial_values(best)
    results = simulate_trials(setup, [(int(best["trial"]), values)], list(setup.replays), ex,
                              setup.config.loss.seeds)
    rows, summary = [], []
    for name in setup.replays:
        result = results[(int(best["trial"]), name)]
        write_result(result, out / "replays")
        got = compare(result)
        rows += got
        reached = bool(setup.overrides(values, name))
        summary.append({"replay": name, "role": "fitted" if name in setup.fitted else "out of sample",
                        "reached": reached, "error": replay_error(got, setup.config.loss.missing_penalty),
                        "rate_error": rate_error(got), "targets_ok": sum(bool(r["ok"]) for r in got),
                        "targets": len(got)})
    write_comparison(rows, out / "replays")
    return summary


def _write_outputs(setup: Setup, out: Path, best: dict, ensemble: list[dict], summary: list[dict],
                   matching: dict[str, Any]) -> None:
    values = trial_values(best)
    write_json_atomic({"trial": int(best["trial"]), "loss": float(best["loss"]), "values": values,
                       "overrides": {r: setup.overrides(values, r) for r in setup.replays}}, out / "best.json")
    for name, replay in setup.replays.items():
        overrides = setup.overrides(values, name)
        if overrides:
            write_variant(out / "best" / f"{name}.yaml", replay.scenario, name, overrides,
                          f"{setup.config.name} trial {int(best['trial'])}, loss {best['loss']:.4f}")
    sets = [{"trial": int(r["trial"]), "loss": float(r["loss"]), "values": trial_values(r),
             "implausibility": float(r["implausibility"]), "by_target": r["by_target"],
             "overrides": {n: setup.overrides(trial_values(r), n) for n in setup.replays},
             "study_overrides": study_overrides(setup, trial_values(r))} for r in ensemble]
    write_json_atomic(ensemble_document(setup, sets, matching), out / "ensemble.json")
    write_rows(summary, out / "summary.csv")


def ensemble_document(setup: Setup, sets: list[dict], matching: dict[str, Any]) -> dict[str, Any]:
    """``ensemble.json``: the plausible set by history matching (``format``/``version`` say how
    to read it; :func:`experiments.ensemble_study.read_ensemble` reads versions 1 and 2).
    """
    from .history_matching import ENSEMBLE_FORMAT, ENSEMBLE_VERSION, RULE, carried

    cfg = setup.config
    return {"format": ENSEMBLE_FORMAT, "version": ENSEMBLE_VERSION, "calibration": cfg.name,
            "rule": RULE, "cutoff": cfg.ensemble.cutoff, "fitted": list(setup.fitted),
            "points": matching["points"], "plausible": matching["plausible"],
            "unmatchable": matching["unmatchable"],
            "ruled_out_by_target": matching["ruled_out_by_target"],
            "carried": carried(len(sets), cfg.ensemble.max_sets),
            "parameters": {k: list(p.paths) if not isinstance(p.paths, dict) else
                           {r: list(v) for r, v in p.paths.items()}
                           for k, p in cfg.parameters.items()},
            "sets": sets}


def study_overrides(setup: Setup, values: dict[str, float]) -> dict[str, Any]:
    """A trial's values at the study paths of its shared parameters (dotted path → value)."""
    out: dict[str, Any] = {}
    for v in setup.variables:
        spec = setup.config.parameters[v.parameter]
        if v.replay is None and spec.study_paths and v.name in values:
            value = int(values[v.name]) if spec.type == "int" else float(values[v.name])
            out.update(dict.fromkeys(spec.study_paths, value))
    return out


def write_variant(path: Path, scenario: str, name: str, overrides: dict[str, Any], why: str) -> Path:
    """A ready ``extends:`` variant of the replay scenario setting the fitted values."""
    nested: dict[str, Any] = {}
    for dotted, value in overrides.items():
        node = nested
        *parents, last = dotted.split(".")
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = value
    base = scenario if Path(scenario).is_absolute() else f"{scenario}.yaml"
    doc = {"extends": base, "name": f"{name}_calibrated",
           "description": f"{name} with the calibrated parameters ({why})", **nested}
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Calibrated variant of {name}: {why}. Written by dibsim calibrate.\n"
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def write_rows(rows: Sequence[dict], path: Path) -> Path:
    """Rows as CSV (columns of the first row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["replay"])
        w.writeheader()
        w.writerows(rows)
    return path


def cross_validate(config_path: Path | str, out: Path | str | None = None, *,
                   executor_factory: Callable[[], Executor] = SerialExecutor, resume: bool = False,
                   plots: bool = True, progress: Callable[[str], None] | None = None) -> list[dict]:
    """Leave-one-replay-out: fit on all fitted replays (in sample), then once without each.

    Writes ``<out>/all`` and ``<out>/without-<replay>`` folders and ``<out>/cross_validation.csv``.

    Returns:
        One row per replay: in-sample error (the full fit; blank for report-only replays) and
        out-of-sample error (the fit without it; the full fit for report-only replays).
    """
    config = read_config(config_path)
    out = Path(out) if out is not None else Path("results") / f"{config.name}-cv"
    full = calibrate(config_path, out / "all", executor=executor_factory(), resume=resume, plots=plots,
                     progress=progress, config=config)
    rows = []
    for s in full.summary:
        row = {"replay": s["replay"], "in_sample_error": s["error"] if s["role"] == "fitted" else None,
               "in_sample_rate_error": s["rate_error"] if s["role"] == "fitted" else None,
               "out_of_sample_error": None if s["role"] == "fitted" else s["error"],
               "out_of_sample_rate_error": None if s["role"] == "fitted" else s["rate_error"],
               "reached_out_of_sample": None if s["role"] == "fitted" else s["reached"]}
        if s["role"] == "fitted" and len(config.replays) > 1:
            held = calibrate(config_path, out / f"without-{s['replay']}", executor=executor_factory(),
                             resume=resume, holdout=[s["replay"]], plots=plots, progress=progress, config=config)
            mine = next(x for x in held.summary if x["replay"] == s["replay"])
            row.update(out_of_sample_error=mine["error"], out_of_sample_rate_error=mine["rate_error"],
                       reached_out_of_sample=mine["reached"])
        rows.append(row)
    write_rows(rows, out / "cross_validation.csv")
    return rows
