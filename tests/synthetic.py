"""Fabricated results folders with known answers, for tests and demonstrations.

They follow the results-folder contract of ``docs/architecture.md`` exactly (runs.parquet,
timeseries.parquet, manifest.json) without running the model, so the analysis layer can be
checked against truths: a metric's true mean, a true scenario difference under common random
numbers, an Ishigami function under a Sobol design, a planted box for PRIM.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from dibsim.experiments.engine.results import RUN_COLUMNS
from dibsim.experiments.engine.seeds import run_seed
from dibsim.model.barriers import BARRIERS
from dibsim.model.schema_base import REGIONS

WEEKS = 60
ONSET = 12
#: The barriers and the contested regions that the fabricated series name: a few of the
#: model's own (checked), so the folders look like the engine's.
SERIES_BARRIERS = ("export_licence", "fms_case", "technology_release")
CONTESTED = ("europe", "indo_pacific")
assert set(SERIES_BARRIERS) <= set(BARRIERS) and set(CONTESTED) <= set(REGIONS)


def write_folder(path: Path, runs: pd.DataFrame, manifest: dict[str, Any],
                 timeseries: pd.DataFrame | None = None) -> Path:
    """Write a results folder from frames (the engine's column order and dtypes)."""
    path.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(path / "runs.parquet", index=False)
    if timeseries is not None:
        timeseries.to_parquet(path / "timeseries.parquet", index=False)
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str),
                                        encoding="utf-8")
    return path


def _fixed(scenario: str, point: int, rep: int, seed: int, ok: bool = True) -> dict[str, Any]:
    """The fixed columns of one run, in the engine's order (``RUN_COLUMNS``)."""
    values = (f"{scenario}:{point}:{rep}", scenario, point, rep, seed, "ok" if ok else "failed",
              "" if ok else "RuntimeError: fabricated failure", 0.01)
    return dict(zip(RUN_COLUMNS, values, strict=True))


def _manifest(entries: list[dict[str, Any]], root_seed: int) -> dict[str, Any]:
    return {"root_seed": root_seed, "completed": True, "scenarios": entries,
            "code_revision": "synthetic", "planned": None}


#: Today's per-region deterrence columns of the contested region (model/metrics.py).
DETERRENCE, FAILURE = "deterrence_index.indo_pacific", "deterrence_failure.indo_pacific"
#: The synthetic study's scenarios: true metric means and deterrence-failure probabilities.
TRUTH: dict[str, dict[str, float]] = {
    "baseline": {"surge_ratio": 1.8, DETERRENCE: 0.60, "p_failure": 0.30},
    "fms_reform": {"surge_ratio": 2.1, DETERRENCE: 0.64, "p_failure": 0.20},
    "itar_exempt": {"surge_ratio": 2.4, DETERRENCE: 0.66, "p_failure": 0.15},
}


def crn_study(path: Path, replications: int = 20, root_seed: int = 7, noise: float = 0.5,
              own_noise: float = 0.05, failed: int = 1, with_series: bool = True) -> Path:
    """Three scenarios on common random numbers: a shared replicate shock, small own noise.

    ``surge_ratio = truth + noise·z_rep + own_noise·e``, so a paired difference is far tighter
    than an unpaired one. The last scenario's runs have no crisis onset (NaN), and the last
    ``failed`` runs of the baseline are marked failed.
    """
    rng = np.random.default_rng(root_seed)
    shock = rng.standard_normal(replications)
    u = rng.uniform(size=replications)
    rows, series = [], []
    for s_idx, (name, truth) in enumerate(TRUTH.items()):
        for rep in range(replications):
            ok = not (name == "baseline" and rep >= replications - failed)
            row = _fixed(name, 0, rep, run_seed(root_seed, rep), ok)
            row |= _metrics(truth, shock[rep], u[rep], noise, own_noise, rng, ok)
            row["onset_week"] = np.nan if name == "itar_exempt" else float(ONSET + rep % 3)
            rows.append(row)
            if ok and with_series:
                series.append(_series(row, s_idx, rng))
    entries = [{"name": n, "hash": f"h{i}", "description": f"synthetic scenario {n}",
                "question": "which reform buys most?", "design": {"kind": "single", "paths": []}}
               for i, n in enumerate(TRUTH)]
    ts = pd.concat(series, ignore_index=True) if series else None
    return write_folder(path, pd.DataFrame(rows), _manifest(entries, root_seed), ts)


def _metrics(truth: Mapping[str, float], z: float, u: float, noise: float, own: float,
             rng: np.random.Generator, ok: bool) -> dict[str, float]:
    if not ok:
        return {"surge_ratio": np.nan, DETERRENCE: np.nan, FAILURE: np.nan,
                "mean_regulatory_delay_weeks": np.nan}
    return {"surge_ratio": truth["surge_ratio"] + noise * z + own * rng.standard_normal(),
            DETERRENCE: truth[DETERRENCE] + 0.05 * z,
            FAILURE: float(u < truth["p_failure"]),
            "mean_regulatory_delay_weeks": 30 - 5 * truth["surge_ratio"] + 2 * z}


def _series(row: dict[str, Any], s_idx: int, rng: np.random.Generator) -> pd.DataFrame:
    weeks = np.arange(WEEKS + 1)
    onset = row["onset_week"]
    ramp = np.clip((weeks - (onset if np.isfinite(onset) else WEEKS + 1)) / 20, 0, 1)
    us = 10 + 10 * ramp * (1 + 0.1 * s_idx) + rng.normal(0, 0.5, weeks.size)
    allied = 3 + (4 + 3 * s_idx) * ramp + rng.normal(0, 0.3, weeks.size)
    data = {"output_us": us, "output_allied": allied, "output.missile": us + allied}
    for i, region in enumerate(CONTESTED):
        data[f"deterrence.{region}"] = np.clip(0.7 - 0.2 * ramp * (i + 1) + 0.02 * s_idx, 0, 1)
    for j, b in enumerate(SERIES_BARRIERS):
        data[f"open_cases.{b}"] = np.maximum(0, 5 + (j + 1) * 8 * ramp / (1 + s_idx)
                                             + rng.normal(0, 1, weeks.size))
    return pd.concat([pd.DataFrame({"run_id": row["run_id"], "week": weeks, "series": k,
                                    "value": v.astype(float)}) for k, v in data.items()])


def sweep_study(path: Path, sweep: Any, fn: Callable[[pd.DataFrame, np.random.Generator],
                                                      Mapping[str, np.ndarray]],
                replications: int = 1, root_seed: int = 11, scenario: str = "sweep") -> Path:
    """One swept scenario whose metrics are ``fn(points, rng)``, through the engine's design.

    Args:
        path: the folder to write.
        sweep: a ``model.schema_sweep.Sweep`` block; its points come from
            :func:`experiments.designs.expand`, exactly as the engine makes them.
        fn: metric name → one value per row of the (point-repeated) parameter frame.
        replications: runs per point.
        root_seed: the root seed (design sample and run seeds).
        scenario: the scenario's name.
    """
    from dibsim.experiments.engine.designs import expand

    design = expand(sweep, root_seed)
    rng = np.random.default_rng(root_seed)
    rows = [_fixed(scenario, p, r, run_seed(root_seed, r)) | dict(params) | {"onset_week": 10.0}
            for p, params in enumerate(design.points) for r in range(replications)]
    runs = pd.DataFrame(rows)
    for metric, values in fn(runs[list(design.paths)], rng).items():
        runs[metric] = np.asarray(values, dtype=float)
    entry = {"name": scenario, "hash": "h", "description": f"synthetic {design.kind} sweep",
             "question": "", "design": design.to_dict()}
    return write_folder(path, runs, _manifest([entry], root_seed))


#: The planted barrier/reform study: per arm, the true change from the status quo of each
#: metric (arm minus status quo, in the metric's own unit). ``fms_case`` is the largest cost
#: (removing it adds most output and deterrence), ``congressional_review`` and
#: ``rdp_reciprocity`` change nothing (a planted zero), ``fms_reform`` buys most.
#: Its metrics are today's headline metrics (experiments/study.py HEADLINE_METRICS).
VALUE_12M, VALUE_36M, THEATRE = "output_value_12m", "output_value_36m", "theatre_delivered_value_12m"
#: The headline's deterrence failure: the probability along the run (not the 0/1 draw).
PROBABILITY = "failure_probability.indo_pacific"
STATUS_QUO = {VALUE_12M: 50_000.0, VALUE_36M: 150_000.0, THEATRE: 20_000.0, DETERRENCE: 0.60,
              PROBABILITY: 0.30}
PLANTED: dict[tuple[str, str], dict[str, float]] = {
    ("removed", "fms_case"): {VALUE_12M: 6000, VALUE_36M: 12_000, DETERRENCE: 0.05,
                              PROBABILITY: -0.2, THEATRE: 2000},
    ("removed", "export_licence"): {VALUE_12M: 3000, VALUE_36M: 6000,
                                    DETERRENCE: 0.02, THEATRE: 1000},
    ("removed", "technology_release"): {VALUE_12M: 1500, DETERRENCE: 0.01},
    ("removed", "congressional_review"): {},
    ("stricter", "fms_case"): {VALUE_12M: -8000, DETERRENCE: -0.06},
    ("stricter", "export_licence"): {VALUE_12M: -2500},
    ("stricter", "technology_release"): {VALUE_12M: -1000},
    ("stricter", "congressional_review"): {},
    ("reform", "fms_reform"): {VALUE_12M: 2500, VALUE_36M: 3000, DETERRENCE: 0.03},
    ("reform", "aukus_exemption_widened"): {VALUE_12M: 1000},
    ("reform", "rdp_reciprocity"): {},
}
assert {s for _, s in PLANTED if _ != "reform"} <= set(BARRIERS)


#: The study folder's producers of crisis systems: item, nation, unit cost ($M), region.
PRODUCERS = {"usa_rtx_amraam": ("amraam", "USA", 2.0, "americas"),
             "cze_csg_155": ("shell_155mm", "CZE", 0.008, "europe"),
             "usa_lm_pac3": ("pac3_mse", "USA", 4.0, "americas"),
             "jpn_mhi_pac3": ("pac3_mse", "JPN", 4.0, "indo_pacific")}
#: Where each planted change of output value is made: (kind, subject) → producer → share (the
#: shares add to 1; an arm not listed spreads its change evenly). fms_case is made at the US
#: AMRAAM line and offset at the Czech shell line, export_licence mostly at the Japanese
#: PAC-3 line, fms_reform at the US PAC-3 line.
PARTS: dict[tuple[str, str], dict[str, float]] = {
    ("removed", "fms_case"): {"usa_rtx_amraam": 1.25, "cze_csg_155": -0.25},
    ("removed", "export_licence"): {"jpn_mhi_pac3": 0.7, "usa_lm_pac3": 0.3},
    ("stricter", "fms_case"): {"usa_rtx_amraam": 0.8, "usa_lm_pac3": 0.2},
    ("reform", "fms_reform"): {"usa_lm_pac3": 0.9, "jpn_mhi_pac3": 0.1},
}
#: The window of output value in the study folder (weeks from onset; WEEKS − ONSET fit it).
STUDY_WINDOW = 40


def barrier_study(path: Path, replications: int = 16, root_seed: int = 9,
                  planted: Mapping[tuple[str, str], Mapping[str, float]] | None = None,
                  headline: str = "baseline", extra_columns: Mapping[str, str] | None = None,
                  parts: Mapping[tuple[str, str], Mapping[str, float]] | None = None) -> Path:
    """A ``dibsim study`` folder with known answers: the status quo and each planted arm on
    common random numbers (a shared replicate shock, small own noise), with its ``study.json``.

    Args:
        path: the folder to write.
        replications: paired runs per arm.
        root_seed: the seed of the fabricated noise and of the run seeds.
        planted: (kind, subject) → true change per metric (default :data:`PLANTED`).
        headline: the status quo's scenario name.
        extra_columns: new column → the metric whose values it copies (e.g.
            ``{"deterrence_index.europe": DETERRENCE}``).
        parts: (kind, subject) → producer → share of the output-value change made there
            (default :data:`PARTS`): the weekly ``output_producer.<id>`` series carry them,
            and each run's producer values add up to its ``output_value_12m``.
    """
    from dibsim.experiments.study import StudyArm, arm_name, study_file_data

    planted = PLANTED if planted is None else planted
    rng = np.random.default_rng(root_seed)
    shock = rng.standard_normal(replications)
    u = rng.uniform(size=replications)
    arms = [StudyArm(headline, headline, "status quo", "", "status quo")]
    arms += [StudyArm(arm_name(headline, f"no_{s}" if k == "removed" else f"stricter_{s}"
                               if k == "stricter" else s), headline, k, s,
                      f"{s} {k}" if k != "reform" else s) for k, s in planted]
    parts = PARTS if parts is None else parts
    rows, series = [], []
    for arm in arms:
        change = planted.get((arm.kind, arm.subject), {})
        share = parts.get((arm.kind, arm.subject)) or dict.fromkeys(PRODUCERS, 1 / len(PRODUCERS))
        for rep in range(replications):
            row = _fixed(arm.name, 0, rep, run_seed(root_seed, rep))
            row |= _study_metrics(change, shock[rep], u[rep], rng)
            row |= {new: row[old] for new, old in (extra_columns or {}).items()}
            row["onset_week"] = float(ONSET)
            rows.append(row)
            series.append(_producer_series(row, change.get(VALUE_12M, 0.0), share))
    entries = [{"name": a.name, "hash": f"h{i}", "description": f"synthetic arm {a.label}",
                "question": "what does each barrier cost?", "design": {"kind": "single", "paths": []},
                "resolved": _study_world()} for i, a in enumerate(arms)]
    write_folder(path, pd.DataFrame(rows), _manifest(entries, root_seed),
                 pd.concat(series, ignore_index=True))
    study = study_file_data(arms, [headline], {headline: "indo_pacific"})
    (path / "study.json").write_text(json.dumps(study, indent=2), encoding="utf-8")
    return path


def _study_world() -> dict[str, Any]:
    """The resolved scenario of the study folder's arms: items, nations, producers, a crisis."""
    items = {item: {"name": item.upper(), "kind": "system", "unit_cost_musd": cost}
             for item, _, cost, _ in PRODUCERS.values()}
    return {"items": items,
            "nations": {iso: {"region": region} for _, iso, _, region in PRODUCERS.values()},
            "producers": {pid: {"item": item, "nation": iso}
                          for pid, (item, iso, _, _) in PRODUCERS.items()},
            "crises": [{"region": "indo_pacific", "start_week": ONSET,
                        "consumption_per_week": dict.fromkeys(items, 1.0)}],
            "adversaries": {}, "measurement": {"surge_window_weeks": STUDY_WINDOW}}


def _producer_series(row: dict[str, Any], change: float, share: Mapping[str, float]) -> pd.DataFrame:
    """A run's weekly ``output_producer.<id>`` (units): the status quo's value split evenly,
    the arm's change split by ``share``, each made at a constant rate over the window."""
    weeks = np.arange(WEEKS + 1)
    inside = (weeks >= ONSET) & (weeks < ONSET + STUDY_WINDOW)
    base = row[VALUE_12M] - change
    frames = []
    for pid, (_, _, cost, _) in PRODUCERS.items():
        value = base / len(PRODUCERS) + change * share.get(pid, 0.0)
        units = np.where(inside, value / cost / STUDY_WINDOW, 0.0)
        frames.append(pd.DataFrame({"run_id": row["run_id"], "week": weeks,
                                    "series": f"output_producer.{pid}", "value": units}))
    return pd.concat(frames)


def _study_metrics(change: Mapping[str, float], z: float, u: float,
                   rng: np.random.Generator) -> dict[str, float]:
    """One run's metrics: the status quo plus the arm's change, a shared shock ``z`` and a
    little own noise (so a planted zero is not resolved, but is not exactly zero either)."""
    out = {}
    for metric, base in STATUS_QUO.items():
        if metric == PROBABILITY:  # a probability in every run, shifted by the shared shock
            out[metric] = min(1.0, max(0.0, base + change.get(metric, 0.0) + 0.02 * z))
            continue
        scale = 0.05 * base
        out[metric] = (base + change.get(metric, 0.0) + scale * z
                       + 0.02 * scale * rng.standard_normal())
    return out


#: The contract folder's systems: units/week before onset, the rise by the end of the ramp,
#: unit cost ($M). ``javelin`` no crisis consumes, so it is not a crisis system.
CONTRACT_SYSTEMS = {"shell_155mm": (100.0, 100.0, 0.008), "pac3_mse": (2.0, 2.0, 4.0),
                    "javelin": (5.0, 0.0, 0.2)}
#: Nations' deliverable capacity ($M/week) and the nameplate above it (a gap of lines starved
#: of inputs: the US 10, each ally 1).
CONTRACT_NATIONS = {"USA": (40.0, 10.0), "DEU": (20.0, 1.0), "JPN": (12.0, 1.0),
                    "POL": (8.0, 1.0), "KOR": (6.0, 1.0), "FRA": (5.0, 1.0), "ITA": (4.0, 1.0),
                    "NOR": (3.0, 1.0), "FIN": (2.0, 1.0)}
#: Each contract scenario's ramp multiplier and whether it has an Indo-Pacific crisis.
CONTRACT_SCENARIOS = {"baseline": (1.0, True), "surge_reform": (1.5, True),
                      "quiet_world": (1.0, False)}


def contract_folder(path: Path, replications: int = 4, root_seed: int = 3) -> Path:
    """A folder of the weekly series of the results contract, with known values.

    Per run of a scenario with ramp multiplier *k* and onset week *o* (12, 13 or 14; NaN in
    ``quiet_world``), ``ramp = clip((week − o)/20, 0, 1)``:
    ``output.<s> = base_s + k·rise_s·ramp`` exactly (no noise), ``deliverable.<s>`` and
    ``capacity.<s>`` 10% and 20% above it, ``deliverable_nation.<ISO>`` as
    :data:`CONTRACT_NATIONS` × (1 + 0.5·(k − 1)·ramp) and ``capacity_nation.<ISO>`` that plus the
    nation's gap, ``deterrence.indo_pacific = 0.7 − 0.3·ramp`` (Europe stays 0.8) and
    ``crisis_active.indo_pacific`` 1 from the onset on. The manifest's resolved scenarios carry
    the unit costs and a crisis consuming shells and interceptors.
    """
    rows, series, entries = [], [], []
    weeks = np.arange(WEEKS + 1)
    for i, (name, (k, crisis)) in enumerate(CONTRACT_SCENARIOS.items()):
        for rep in range(replications):
            row = _fixed(name, 0, rep, run_seed(root_seed, rep))
            onset = float(ONSET + rep % 3) if crisis else np.nan
            row |= {VALUE_12M: 100.0 * k + rep, "onset_week": onset}
            rows.append(row)
            ramp = np.clip((weeks - onset) / 20, 0, 1) if crisis else np.zeros(weeks.size)
            data = {}
            for s, (base, rise, _) in CONTRACT_SYSTEMS.items():
                data[f"output.{s}"] = base + k * rise * ramp
                data[f"deliverable.{s}"] = 1.1 * data[f"output.{s}"]
                data[f"capacity.{s}"] = 1.2 * data[f"output.{s}"]
            for iso, (deliverable, gap) in CONTRACT_NATIONS.items():
                data[f"deliverable_nation.{iso}"] = deliverable * (1 + 0.5 * (k - 1) * ramp)
                data[f"capacity_nation.{iso}"] = data[f"deliverable_nation.{iso}"] + gap
            data["deterrence.indo_pacific"] = 0.7 - 0.3 * ramp
            data["deterrence.europe"] = np.full(weeks.size, 0.8)
            data["crisis_active.indo_pacific"] = (weeks >= onset).astype(float)
            data["crisis_active.europe"] = np.zeros(weeks.size)
            series += [pd.DataFrame({"run_id": row["run_id"], "week": weeks, "series": key,
                                     "value": np.asarray(v, dtype=float)})
                       for key, v in data.items()]
        crises = ([{"region": "indo_pacific", "start_week": ONSET,
                    "consumption_per_week": {"shell_155mm": 50.0, "pac3_mse": 1.0}}]
                  if crisis else [])
        items = {s: {"kind": "system", "unit_cost_musd": c}
                 for s, (_, _, c) in CONTRACT_SYSTEMS.items()}
        items["energetics"] = {"kind": "component", "unit_cost_musd": 1e-5}
        entries.append({"name": name, "hash": f"h{i}", "description": f"synthetic {name}",
                        "question": "", "design": {"kind": "single", "paths": []},
                        "resolved": {"items": items, "crises": crises, "adversaries": {}}})
    ts = pd.concat(series, ignore_index=True)
    return write_folder(path, pd.DataFrame(rows), _manifest(entries, root_seed), ts)
