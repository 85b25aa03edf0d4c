"""``dibsim sensitivity``: which swept settings move a metric, by the method the design allows.

* ``sobol`` design → SALib's Sobol first-order and total indices with bootstrap intervals
  (Saltelli et al. 2010). Points must be in SALib's Saltelli order (the engine keeps them so;
  the block structure is checked here before analysis).
* ``morris`` design → SALib's Morris μ*, μ and σ (Campolongo et al. 2007), on the engine's raw
  sample matrix when the manifest holds it, else on the stored parameter columns.
* ``lhs``, ``grid`` (or an unknown design with swept columns) → EMA Workbench's extra-trees
  feature scores (Jaxa-Rozen & Kwakkel 2018).

Each design point's output is the mean of its replicates (ok runs), so the indices describe
the expected metric; replicate noise that does not average out inflates total indices.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, load_results
from ..errors import UserError
from .catalog import DesignInfo, design_info, metric_columns
from .plots.common import PlotRecord

METHODS = ("auto", "sobol", "morris", "scores")
METHOD_FOR_DESIGN = {"sobol": "sobol", "morris": "morris", "lhs": "scores", "grid": "scores",
                     "unknown": "scores"}
SENSITIVITY_DIR = "sensitivity"


def choose_method(design: DesignInfo, asked: str, where: str) -> str:
    """The method to use, or a UserError saying why the design cannot support the one asked."""
    if asked not in METHODS:
        raise UserError(f"--method '{asked}' is not known (choose from {', '.join(METHODS)})")
    if not design.parameters:
        raise UserError(f"{where}: no swept parameters (design '{design.kind}'), so there is "
                        "nothing to attribute a metric to; run a scenario with a sweep: block")
    natural = METHOD_FOR_DESIGN.get(design.kind, "scores")
    if asked == "auto" or asked == natural or asked == "scores":
        return natural if asked == "auto" else asked
    raise UserError(f"{where}: --method {asked} needs the '{asked}' design but the sweep used "
                    f"'{design.kind}'; use --method scores (feature scoring) or rerun with "
                    f"design: {asked}")


def design_problem(design: DesignInfo, where: str) -> dict:
    """The SALib problem: the one the engine recorded, else the engine's own
    :func:`~experiments.engine.designs.salib_problem` of the parameters in the manifest.
    """
    if design.problem and design.problem.get("names") == design.names:
        return dict(design.problem)
    from ...model.schema_sweep import SweepParameter
    from ..engine.designs import salib_problem

    params = {}
    for p in design.parameters:
        try:
            params[p.name] = SweepParameter(values=p.values, low=p.low, high=p.high,
                                            type=p.kind)  # type: ignore[arg-type]  # pydantic checks it
        except ValueError:  # pydantic's ValidationError: no range and no values
            raise UserError(f"{where}: parameter '{p.name}' has no numeric bounds in the "
                            "manifest, so SALib cannot analyse it") from None
    return salib_problem(params)


def point_outputs(runs: pd.DataFrame, names: list[str], metric: str) -> tuple[pd.DataFrame,
                                                                              np.ndarray]:
    """Per design point (sorted by point): the parameter values and the replicate mean."""
    ok = runs[runs["status"] == "ok"]
    grouped = ok.groupby("point", sort=True)
    x = grouped[names].first()
    y = grouped[metric].mean().reindex(x.index)
    return x, y.to_numpy(dtype=float)


def check_complete(y: np.ndarray, n_points: int, expected: int, where: str, metric: str) -> None:
    """Sobol and Morris need every point of the design with a finite output."""
    if n_points != expected:
        raise UserError(f"{where}: {n_points} design points have ok runs but the design has "
                        f"{expected}; Sobol/Morris need every point (rerun the failed ones)")
    bad = int((~np.isfinite(y)).sum())
    if bad:
        raise UserError(f"{where}: metric '{metric}' is missing at {bad} of {y.size} design "
                        "points, so Sobol/Morris indices cannot be computed; try --method scores")


def check_saltelli_order(x: np.ndarray, second_order: bool, where: str) -> None:
    """Check the Saltelli block structure: in each block of D+2 (2D+2) rows, row 1+j equals
    row 0 except in column j. Catches points stored out of SALib's order.
    """
    d = x.shape[1]
    step = 2 * d + 2 if second_order else d + 2
    if x.shape[0] % step:
        raise UserError(f"{where}: {x.shape[0]} points is not a multiple of {step}, so they are "
                        "not a Saltelli sample")
    for block in x.reshape(-1, step, d)[: min(8, x.shape[0] // step)]:
        for j in range(d):
            others = np.delete(np.arange(d), j)
            if not np.allclose(block[1 + j, others], block[0, others]):
                raise UserError(f"{where}: design points are not in SALib's Saltelli order")


def sobol_indices(design: DesignInfo, x: np.ndarray, y: np.ndarray, where: str,
                  seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% bootstrap half-widths."""
    from SALib.analyze import sobol

    problem = design_problem(design, where)
    check_saltelli_order(x, design.second_order, where)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = sobol.analyze(problem, y, calc_second_order=design.second_order, seed=seed)
    return pd.DataFrame({"parameter": design.names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                         "ST": si["ST"], "ST_conf": si["ST_conf"]})


def morris_indices(design: DesignInfo, x: np.ndarray, y: np.ndarray, where: str,
                   seed: int = 0) -> pd.DataFrame:
    """Morris μ*, its 95% interval half-width, μ and σ per parameter."""
    from SALib.analyze import morris

    problem = design_problem(design, where)
    if x.shape[0] % (len(design.names) + 1):
        raise UserError(f"{where}: {x.shape[0]} points do not form Morris trajectories of "
                        f"{len(design.names) + 1} points")
    si = morris.analyze(problem, x, y, num_levels=design.morris_levels, seed=seed)
    return pd.DataFrame({"parameter": design.names, "mu_star": si["mu_star"],
                         "mu_star_conf": si["mu_star_conf"], "mu": si["mu"],
                         "sigma": si["sigma"]})


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """EMA Workbench extra-trees feature scores (regression), highest first."""
    from ema_workbench.analysis import feature_scoring
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

    keep = np.isfinite(y)
    if keep.sum() < 4:
        raise UserError(f"feature scoring needs at least 4 design points with values; got "
                        f"{int(keep.sum())}")
    scores, _ = feature_scoring.get_ex_feature_scores(
        x[keep].reset_index(drop=True), y[keep], mode=RuleInductionType.REGRESSION,
        random_state=seed)
    scores = scores.iloc[:, 0].rename("score").rename_axis("parameter").reset_index()
    return scores.sort_values("score", ascending=False, ignore_index=True)


def design_matrix(design: DesignInfo, x: pd.DataFrame) -> np.ndarray:
    """The sample matrix in point order: the engine's raw one when recorded (uncast ints and
    category indices), else the stored parameter values.
    """
    if design.matrix is not None and len(design.matrix) == len(x):
        return np.asarray(design.matrix, dtype=float)[x.index.to_numpy()]
    try:
        return x.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise UserError("categorical parameters need the engine's sample matrix in the "
                        "manifest for Sobol/Morris; use --method scores") from exc


def analyse_metric(folder: ResultsFolder, scenario: str, metric: str, method: str,
                   seed: int = 0) -> tuple[str, pd.DataFrame]:
    """The chosen method's indices of one metric in one scenario's sweep."""
    design = design_info(folder, scenario)
    where = f"results folder '{folder.path}', scenario '{scenario}'"
    method = choose_method(design, method, where)
    runs = folder.runs[folder.runs["scenario"] == scenario]
    x, y = point_outputs(runs, design.names, metric)
    if np.nanstd(y) == 0:
        raise UserError(f"{where}: metric '{metric}' is constant over the design points, so "
                        "there is no variation to attribute")
    if method == "scores":
        return method, feature_scores(x, y, seed)
    expected = len(design.matrix) if design.matrix is not None else runs["point"].nunique()
    check_complete(y, len(x), expected, where, metric)
    matrix = design_matrix(design, x)
    table = (sobol_indices if method == "sobol" else morris_indices)(design, matrix, y, where,
                                                                      seed)
    return method, table


def swept_scenarios(folder: ResultsFolder, scenario: str | None) -> list[str]:
    """Scenarios with more than one design point (or the one named, checked)."""
    names = list(dict.fromkeys(folder.runs["scenario"]))
    if scenario is not None:
        if scenario not in names:
            raise UserError(f"--scenario '{scenario}' is not in '{folder.path}' "
                            f"(known: {', '.join(names)})")
        return [scenario]
    swept = [s for s in names if folder.runs.loc[folder.runs["scenario"] == s, "point"].nunique() > 1]
    if not swept:
        raise UserError(f"results folder '{folder.path}' has no swept scenario (every scenario "
                        "has one design point), so there is no sensitivity to analyse")
    return swept


#: Below this Sobol base sample size the bootstrap intervals are too wide to rank settings.
MIN_SOBOL_N = 64


def small_sample_notes(folder: ResultsFolder, tables: list[pd.DataFrame]) -> list[str]:
    """A warning per Sobol scenario whose base sample is too small for stable indices."""
    notes = []
    for name in {t["scenario"].iloc[0] for t in tables if t["method"].iloc[0] == "sobol"}:
        n = design_info(folder, name).base_samples
        if n is not None and n < MIN_SOBOL_N:
            notes.append(f"{name}: Sobol with N={n} base samples gives wide intervals; "
                         f"use N ≥ {MIN_SOBOL_N} (ideally 256+) before ranking settings")
    return notes


def run_sensitivity(path: str | Path, metrics: list[str] | None = None, method: str = "auto",
                    scenario: str | None = None, out: str | Path | None = None,
                    formats: tuple[str, ...] = ("png",)
                    ) -> tuple[pd.DataFrame, list[PlotRecord], list[str]]:
    """Sensitivity indices of each metric in each swept scenario, with their plots.

    Metrics named in ``metrics`` must be analysable (else a UserError says why); when all
    metrics are taken by default, those that cannot be analysed are skipped with a note.

    Returns:
        A long table (scenario, metric, method, parameter and the method's columns) also
        written to ``<out>/sensitivity.csv``, one plot record per (scenario, metric), and
        the notes on skipped metrics.
    """
    from .plots import check_formats, check_metrics
    from .plots.sensitivity import plot_indices

    folder = load_results(path)
    formats = check_formats(formats)
    target = Path(out) if out else folder.path / SENSITIVITY_DIR
    chosen = check_metrics(metrics, metric_columns(folder.runs, design_info(folder).names))
    tables, records, notes = [], [], []
    for name in swept_scenarios(folder, scenario):
        choose_method(design_info(folder, name), method, f"results folder '{folder.path}', "
                      f"scenario '{name}'")  # a design that cannot serve the method: stop here
        for metric in chosen:
            try:
                used, table = analyse_metric(folder, name, metric, method)
            except UserError as exc:
                if metrics:
                    raise
                notes.append(f"{name} / {metric} skipped: {exc}")
                continue
            tables.append(table.assign(scenario=name, metric=metric, method=used))
            records.append(plot_indices(table, used, name, metric, target, formats))
    notes += small_sample_notes(folder, tables)
    if not tables:
        raise UserError(f"results folder '{folder.path}': no metric could be analysed "
                        f"({'; '.join(notes[:2])})")
    result = pd.concat(tables, ignore_index=True)
    target.mkdir(parents=True, exist_ok=True)
    result.to_csv(target / "sensitivity.csv", index=False)
    return result, records, notes
