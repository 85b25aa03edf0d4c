"""What the What-if page computes, without Streamlit: a variant of a scenario, its run and the
status quo's on the same seeds through the engine, their paired differences, and the variant
written back as an ``extends:`` scenario file.

Each arm runs into its own results folder in the view's cache (:func:`cache_dir`), named by
the arm's scenario hash, replications, root seed and horizon, so the status quo runs once per
scenario and seed and moving a slider runs only the variant; an arm read back is kept in
memory (:data:`KEPT_ARMS` of them). The runs go to the executor the caller hands in (the
page's kept worker pool, :mod:`experiments.view.pool`), else run in this process. The paired
differences are computed from both arms' runs tables joined in memory; the figures, which the
report's plotting functions draw from a folder, get one results folder of both arms holding
only the series they plot (:func:`pair_folder`), written when a figure is first asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The variant's scenario name: ``<status quo>~what_if`` (the study's arm separator).
VARIANT_SUFFIX = "what_if"
#: Where the arms' folders go unless ``DIBSIM_VIEW_CACHE`` says (one folder per arm).
DEFAULT_CACHE = Path.home() / ".cache" / "dibsim" / "view"


@dataclass(frozen=True)
class Variant:
    """A what-if: a scenario, the reform variants applied to it, and dotted overrides.

    Attributes:
        source: the status quo's scenario name or file path.
        reforms: reform variant names applied in order (their own settings, as the study does).
        overrides: dotted path → value applied after the reforms.
    """

    source: str
    reforms: tuple[str, ...] = ()
    overrides: tuple[tuple[str, Any], ...] = ()

    @property
    def changes(self) -> bool:
        """Whether the variant differs from the status quo at all."""
        return bool(self.reforms or self.overrides)


@dataclass(frozen=True)
class PairResult:
    """The two arms run on common seeds: both arms' runs, their folders and the failed runs.

    Attributes:
        runs: both arms' runs tables, the status quo's first (the variant's renamed to
            ``variant`` when it is the status quo's own runs).
        status_quo: the status quo's scenario name.
        variant: the variant's scenario name.
        failures: the failed runs as (run id, error) pairs.
        arms: the status quo's and the variant's results folders (the same folder when the
            variant changes nothing).
        renamed: the variant's name when its runs are the status quo's own, else ``None``.
    """

    runs: Any
    status_quo: str
    variant: str
    failures: tuple[tuple[str, str], ...]
    arms: tuple[str, str]
    renamed: str | None = None

    @property
    def folder(self) -> Any:
        """Both arms as one results folder in memory (runs only, no series: what the
        comparison reads); its path is where :func:`pair_folder` writes it for the figures.
        """
        from ..engine.results import ResultsFolder

        return ResultsFolder(path=pair_path(self), runs=self.runs)


def cache_dir() -> Path:
    """The view's cache folder (``DIBSIM_VIEW_CACHE``, else ``~/.cache/dibsim/view``)."""
    return Path(os.environ.get("DIBSIM_VIEW_CACHE") or DEFAULT_CACHE)


def status_quo_scenario(source: str) -> Any:
    """The validated status quo.

    Raises:
        model.loader.ScenarioError: with the validator's one-line messages.
    """
    from ...model.loader import load_scenario

    return load_scenario(source)


def variant_scenario(variant: Variant) -> Any:
    """The validated variant, named ``<status quo>~what_if``.

    Raises:
        model.loader.ScenarioError: when a reform does not merge or a value does not validate.
    """
    from ...model.loader import ScenarioError, load_raw, resolve_path, set_dotted, validate
    from ...model.variants import MergeError, merge_variant
    from ..study import ARM_SEPARATOR, _own_settings

    base_path = resolve_path(variant.source)
    data = load_raw(base_path)
    name = str(data.get("name", base_path.stem))
    origin = f"{base_path} (what if)"
    for reform in variant.reforms:
        path = resolve_path(reform)
        own = {k: v for k, v in _own_settings(path).items() if k not in ("extends", "name")}
        try:
            data = merge_variant(data, own, str(path), str(base_path))
        except MergeError as exc:
            raise ScenarioError([str(exc)]) from None
    for dotted, value in variant.overrides:
        set_dotted(data, dotted, value, origin=origin)
    data["name"] = f"{name}{ARM_SEPARATOR}{VARIANT_SUFFIX}"
    data["description"] = describe(variant)
    return validate(data, origin)


def describe(variant: Variant) -> str:
    """The variant in one line (its description in the results and the saved file)."""
    parts = [f"reform {r}" for r in variant.reforms]
    parts += [f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}" for k, v in variant.overrides]
    return f"{variant.source} with " + ("; ".join(parts) if parts else "no change")


#: Arms kept in memory once read back (the status quo's among them): path → (folder, failures).
KEPT_ARMS = 32
_kept: "OrderedDict[Path, tuple[Any, tuple[tuple[str, str], ...]]]" = OrderedDict()


def arm_folder(scenario: Any, replications: int, root_seed: int, steps: int | None,
               executor: Any = None) -> Any:
    """Run one arm into its cached folder (or reuse it, from memory when read before).

    Args:
        scenario: the arm's validated scenario.
        replications: runs of the arm.
        root_seed: the engine's root seed.
        steps: a shorter horizon in weeks.
        executor: where the runs execute (an engine executor, e.g. the page's kept pool);
            this process when ``None``, or when the run function cannot be sent to a worker.

    Returns:
        (the results folder, the failed runs as (run id, error) pairs).
    """
    from ...model.loader import scenario_hash
    from ..engine import worker
    from ..engine.results import load_results
    from ..engine.runner import run_experiment
    from .pool import sendable

    digest = scenario_hash(scenario)
    out = cache_dir() / f"{scenario.name}-{digest[:16]}-r{replications}-s{root_seed}-h{steps or 0}"
    kept = _kept.get(out)
    if kept is not None and _complete(out):
        _kept.move_to_end(out)
        return kept
    if not _complete(out):
        plan = _plan_for(scenario, digest, replications, root_seed, steps)
        run_fn = worker.model_run
        run_experiment(plan, out, resume=True, progress=False, run_fn=run_fn,
                       executor=executor if executor is not None and sendable(run_fn) else None)
    folder = load_results(out)
    bad = folder.runs[folder.runs["status"] != "ok"]
    _kept[out] = folder, tuple(zip(bad["run_id"], bad["error"]))
    while len(_kept) > KEPT_ARMS:
        _kept.popitem(last=False)
    return _kept[out]


def _plan_for(scenario: Any, digest: str, replications: int, root_seed: int, steps: int | None) -> Any:
    """A one-scenario plan of a validated scenario (no sweep, the engine's seeds)."""
    from ..engine.designs import expand
    from ..engine.plan import Plan, ScenarioPlan, default_metric_names

    design = expand(None, root_seed)
    arm = ScenarioPlan(scenario.name, scenario.name, scenario, digest, design, replications)
    return Plan((arm,), root_seed, steps, True, default_metric_names([scenario]))


def _complete(out: Path) -> bool:
    try:
        return bool(json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("completed"))
    except (OSError, ValueError):
        return False


def pair_path(pair: PairResult) -> Path:
    """Where :func:`pair_folder` writes a pair (in the view's cache, beside the arms)."""
    a, b = (Path(p).resolve() for p in pair.arms)
    key = hashlib.sha256(f"{a}|{b}|{pair.renamed}".encode()).hexdigest()[:16]
    return cache_dir() / f"pair-{key}"


def pair_folder(pair: PairResult) -> Any:
    """One results folder on disk holding both arms' runs and the series the page's figures
    plot (:data:`experiments.view.figures.PLOTTED_SERIES`), for the report's plotting
    functions, which read a folder; written once, read back as a results folder.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ..engine import results as store
    from .figures import plotted

    out = pair_path(pair)
    if _complete(out):
        return store.load_results(out)
    out.mkdir(parents=True, exist_ok=True)
    a, b = (Path(p) for p in pair.arms)
    old = pair.status_quo
    for file in (store.RUNS_FILE, store.TIMESERIES_FILE):
        if not (a / file).is_file():
            continue
        tables = [pq.read_table(a / file), pq.read_table(b / file)]
        if file == store.TIMESERIES_FILE:
            keep = pa.array([n for n in tables[0]["series"].unique().to_pylist() if plotted(n)], pa.string())
            tables = [t.filter(pc.is_in(t["series"], value_set=keep)) for t in tables]
        if pair.renamed is not None:
            tables[1] = _renamed_table(tables[1], old, pair.renamed)
        store.write_table_atomic(pa.concat_tables(tables, promote_options="default"), out / file, sync=False)
    first, second = (json.loads((p / "manifest.json").read_text(encoding="utf-8")) for p in (a, b))
    entries = [dict(e, name=pair.renamed or e.get("name")) for e in second.get("scenarios", [])]
    manifest = {**first, "scenarios": [*first.get("scenarios", []), *entries], "completed": True}
    store.write_json_atomic(manifest, out / "manifest.json")
    return store.load_results(out)


def _renamed(table: Any, old: str, new: str | None) -> Any:
    """A runs table with its scenario (and run ids) renamed."""
    if new is None:
        return table
    table = table.copy()
    if "scenario" in table:
        table["scenario"] = new
    table["run_id"] = table["run_id"].astype(str).str.replace(f"{old}:", f"{new}:", n=1, regex=False)
    return table


def _renamed_table(table: Any, old: str, new: str) -> Any:
    """An Arrow runs or series table with its scenario (and run ids) renamed, as :func:`_renamed`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.replace_substring(table["run_id"], f"{old}:", f"{new}:", max_replacements=1)
    table = table.set_column(table.schema.get_field_index("run_id"), "run_id", ids)
    if "scenario" in table.column_names:
        i = table.schema.get_field_index("scenario")
        table = table.set_column(i, "scenario", pa.array([new] * table.num_rows, table.schema.field(i).type))
    return table


def run_pair(variant: Variant, replications: int, root_seed: int, steps: int | None = None,
             base: Any = None, executor: Any = None) -> PairResult:
    """Run the status quo and the variant on the same seeds (each cached) and join their runs.

    Args:
        variant: the what-if.
        replications: runs per arm.
        root_seed: the engine's root seed (replicate *r* gets the same seed in both arms).
        steps: a shorter horizon in weeks.
        base: the status quo already loaded (loaded from ``variant.source`` otherwise).
        executor: where the runs execute (:func:`arm_folder`).

    Raises:
        model.loader.ScenarioError: when the status quo or the variant does not validate.
    """
    import pandas as pd

    base = base if base is not None else status_quo_scenario(variant.source)
    var = variant_scenario(variant)
    base_folder, base_bad = arm_folder(base, replications, root_seed, steps, executor)
    if not variant.changes:  # the variant is the status quo: its runs are the same runs
        runs = pd.concat([base_folder.runs, _renamed(base_folder.runs, base.name, var.name)],
                         ignore_index=True)
        arms = (str(base_folder.path), str(base_folder.path))
        return PairResult(runs, base.name, var.name, base_bad, arms, var.name)
    var_folder, var_bad = arm_folder(var, replications, root_seed, steps, executor)
    runs = pd.concat([base_folder.runs, var_folder.runs], ignore_index=True)
    return PairResult(runs, base.name, var.name, base_bad + var_bad,
                      (str(base_folder.path), str(var_folder.path)))


def differences(pair: PairResult, metrics: list[str]) -> Any:
    """The paired difference (variant − status quo) of each metric with its 95% interval, as
    the report's comparison computes it (:func:`experiments.analysis.compare.difference`).
    """
    import pandas as pd

    from ..analysis.compare import build_arms, difference

    arms = {arm.scenario: arm for arm in build_arms([pair.folder])}
    base, var = arms.get(pair.status_quo), arms.get(pair.variant)
    if base is None or var is None:
        return pd.DataFrame()
    return pd.DataFrame([difference(var, base, m) for m in metrics])


def headline_metrics(pair: PairResult, scenario: Any) -> list[str]:
    """The study's headline metrics for this scenario (its contested region's included)."""
    from ..analysis.answer import headline_metrics as study_headlines
    from ..study import contested_region

    return study_headlines(pair.runs, contested_region(scenario))


def variant_yaml(variant: Variant, name: str) -> str:
    """The variant as a scenario file: ``extends:`` the status quo, the reforms' own
    settings and the overrides, lists written as ``{replace: [...]}`` (the merge rule).
    """
    import yaml

    from ...model.loader import SCENARIO_DIR, resolve_path, set_dotted
    from ...model.variants import merge_variant
    from ..study import _own_settings

    base_path = resolve_path(variant.source)
    shipped = base_path.resolve().parent == SCENARIO_DIR.resolve()
    own: dict[str, Any] = {}
    for reform in variant.reforms:
        path = resolve_path(reform)
        settings = {k: v for k, v in _own_settings(path).items()
                    if k not in ("extends", "name", "description", "question")}
        own = merge_variant(own, settings, str(path), "the variant") if own else settings
    for dotted, value in variant.overrides:
        set_dotted(own, dotted, {"replace": list(value)} if isinstance(value, (list, tuple)) else value)
    head = {"extends": base_path.name if shipped else str(base_path.resolve()), "name": name,
            "description": describe(variant),
            "question": f"What changes when {describe(variant)}?"}
    return ("# Written by dibsim view (What if); check it with: dibsim validate <this file>\n"
            + yaml.safe_dump({**head, **own}, sort_keys=False, allow_unicode=True))


def save_variant(variant: Variant, path: Path) -> str:
    """Write the variant's scenario file and check it as ``dibsim validate`` does.

    Returns:
        The validator's verdict line.

    Raises:
        model.loader.ScenarioError: when the written file does not validate (it is removed).
    """
    from ...model.loader import ScenarioError, load_scenario

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(variant_yaml(variant, path.stem), encoding="utf-8")
    try:
        scn = load_scenario(tmp)
    except ScenarioError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return f"{path}: ok ({scn.name}: {len(scn.nations)} nations, {len(scn.producers)} producers)"
