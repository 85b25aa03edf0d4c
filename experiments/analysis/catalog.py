"""What a results folder holds: its metrics (with units), swept parameters and design.

Metric names, labels, units, which way is better and which are probabilities come from the
model's one declaration (``model.metrics.METRICS``). The design is read from the manifest's
``design`` block and, failing that, from a resolved scenario's ``sweep`` block, then from the
runs table itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from ...model.metrics import METRICS
from ..engine.results import RUN_COLUMNS, ResultsFolder

#: Metrics that are 0/1 per run, so their mean is a probability with a binomial interval.
BINARY_METRICS: frozenset[str] = frozenset(m for m, s in METRICS.items() if s.probability)
NON_METRIC_COLUMNS: frozenset[str] = frozenset(RUN_COLUMNS) | {"onset_week", "source"}


def metric_spec(metric: str) -> Any:
    """The model's spec of a metric column, or ``None``: the one resolver of a column.

    A plain column is its own key of ``METRICS``; a per-system or per-region column
    (``output_12m.<system>``, ``deterrence_index.<region>``) takes the spec of the family key
    written with a placeholder (``deterrence_index.<region>``). A bare family name (a column
    of a folder written before the metrics became per region) is not a metric any more.
    """
    spec = METRICS.get(metric)
    if spec is not None or "." not in metric:
        return spec
    family = metric.split(".", 1)[0]
    return next((s for k, s in METRICS.items() if "<" in k and k.split(".", 1)[0] == family), None)


def recorded_metrics(folder: ResultsFolder) -> list[str]:
    """The metric columns the folder's manifest records (``metrics``), in its order, that the
    runs table holds; the runs table's own declared metric columns when the manifest has none.
    """
    listed = folder.manifest.get("metrics") if isinstance(folder.manifest, dict) else None
    if isinstance(listed, list) and listed:
        return [m for m in listed if m in folder.runs.columns]
    return [c for c in folder.runs.columns if metric_spec(c) is not None]


def recorded_parameters(folder: ResultsFolder) -> list[str]:
    """The swept parameter paths the manifest records (``parameters``), else the design's."""
    listed = folder.manifest.get("parameters") if isinstance(folder.manifest, dict) else None
    if isinstance(listed, list) and listed:
        return [p for p in listed if p in folder.runs.columns]
    return design_info(folder).names


def subject_label(kind: str, subject: str) -> str:
    """A planner's name of a study arm's subject: a barrier's label from the barrier registry
    ("ITAR export licence (DSP-5)"), a reform's or an investment's file name in words.
    """
    from ...model.barriers import BARRIERS
    from ..study import REFORM_KINDS

    if kind not in REFORM_KINDS and subject in BARRIERS and BARRIERS[subject].label:
        return str(BARRIERS[subject].label)
    return subject.replace("_", " ")


#: How an arm's kind reads after its subject's label (an investment: a reform arm that changes
#: producers alone, experiments.study.reform_kind).
ARM_KIND_WORDS = {"removed": "removed", "stricter": "made stricter", "reform": "(reform)",
                  "investment": "(industrial investment)"}


def arm_label(kind: str, subject: str, headline: str = "") -> str:
    """A planner's name of a study arm: its subject's :func:`subject_label` and what was done
    to it ("ITAR export licence (DSP-5) removed", "fms reform (reform)", "japan lines investment
    (industrial investment)"); the status quo is its headline's name in words.
    """
    if kind not in ARM_KIND_WORDS:
        return f"{headline.replace('_', ' ')} (status quo)".strip()
    return f"{subject_label(kind, subject)} {ARM_KIND_WORDS[kind]}"


def ranked_label(kind: str, subject: str) -> str:
    """How a ranked row or a sentence names a barrier, reform or investment: the subject's
    plain label; an investment says it is one ("japan lines investment (industrial
    investment)"), so it is not read as a barrier reform.
    """
    return arm_label(kind, subject) if kind == "investment" else subject_label(kind, subject)


def plain_label(metric: str) -> str:
    """A planner's label of a metric column: 'output value, first 12 months ($M)'; a
    per-region or per-system column names its member; a probability says so.
    """
    spec = metric_spec(metric)
    if spec is None:
        return metric.replace("_", " ")
    label = spec.label
    if "." in metric and metric not in METRICS:
        label = f"{label}, {metric.split('.', 1)[1].replace('_', ' ')}"
    unit = "probability" if spec.probability else spec.unit
    return f"{label} ({unit})" if unit else label


def is_probability(metric: str) -> bool:
    """Whether a metric column is 0/1 per run (its mean a probability), family included."""
    spec = metric_spec(metric)
    return bool(spec is not None and spec.probability)


def probability_valued(metric: str) -> bool:
    """Whether a metric column is measured as a probability: 0/1 per run (:func:`is_probability`)
    or a probability in each run (unit ``probability``), so its change is said in absolute terms.
    """
    spec = metric_spec(metric)
    return spec is not None and (bool(spec.probability) or spec.unit == "probability")


def better_direction(metric: str) -> int | None:
    """+1 when higher is better, −1 when lower is better, ``None`` for an undeclared column."""
    spec = metric_spec(metric)
    return None if spec is None else int(spec.better)


def metric_label(metric: str) -> str:
    """'label (unit)' for an axis or a table header; a column the model does not declare is
    shown by its name. A per-system or per-region column names its system or region.
    """
    spec = metric_spec(metric)
    if spec is None:
        return metric.replace("_", " ")
    if "." in metric and metric not in METRICS:
        spec = replace(spec, label=f"{spec.label}, {metric.split('.', 1)[1].replace('_', ' ')}")
    if spec.probability:
        unit = f"probability; runs are {spec.unit}"
    elif math.isfinite(spec.low) and math.isfinite(spec.high):
        unit = f"{spec.unit} {spec.low:g}–{spec.high:g}"
    else:
        unit = spec.unit
    return f"{spec.label} ({unit})"


@dataclass(frozen=True)
class ParamSpec:
    """One swept parameter: its dotted path, bounds (or values) and type."""

    name: str
    low: float | None = None
    high: float | None = None
    kind: str = "float"
    values: tuple[Any, ...] | None = None

    @property
    def bounds(self) -> tuple[float, float] | None:
        """(low, high), or the range of numeric values, or None for categorical ones."""
        if self.low is not None and self.high is not None:
            return float(self.low), float(self.high)
        if self.values and all(isinstance(v, (int, float)) for v in self.values):
            return float(min(self.values)), float(max(self.values))
        return None


@dataclass(frozen=True)
class DesignInfo:
    """The sweep design of a results folder, as far as the manifest and runs tell.

    Attributes:
        kind: ``grid``, ``lhs``, ``sobol``, ``morris``, ``single``/``none`` (no sweep) or
            ``unknown`` (swept columns but no design in the manifest).
        parameters: the swept parameters in design order (SALib's column order).
        base_samples: the base sample size N of a sampled design.
        second_order: whether a Sobol sample has the second-order blocks (2D + 2 rows per N).
        morris_levels: the Morris grid levels.
        problem: the SALib problem the engine sampled on (names, bounds), when recorded.
        matrix: the raw sample matrix, one row per point, when recorded.
    """

    kind: str = "none"
    parameters: tuple[ParamSpec, ...] = ()
    base_samples: int | None = None
    second_order: bool = False
    morris_levels: int = 4
    problem: dict[str, Any] | None = None
    matrix: list[list[float]] | None = None

    @property
    def names(self) -> list[str]:
        """Dotted paths of the swept parameters, in design order."""
        return [p.name for p in self.parameters]


def metric_columns(runs: pd.DataFrame, params: list[str] | None = None) -> list[str]:
    """Metric columns of a runs table: the model's metrics first, then other numeric ones."""
    swept = set(params or []) | {c for c in runs.columns if "." in c and metric_spec(c) is None}
    known = [m for m in METRICS if m in runs.columns]
    known += [c for c in runs.columns if "." in c and c not in swept and c not in METRICS]
    other = [c for c in runs.columns if c not in NON_METRIC_COLUMNS and c not in swept
             and c not in known and pd.api.types.is_numeric_dtype(runs[c])
             and not pd.api.types.is_bool_dtype(runs[c])]
    return known + other


def _param_from(name: str, spec: Any) -> ParamSpec:
    if not isinstance(spec, dict):
        return ParamSpec(name=name, values=tuple(spec) if isinstance(spec, (list, tuple)) else None)
    values = spec.get("values")
    return ParamSpec(name=name, low=spec.get("low"), high=spec.get("high"),
                     kind=str(spec.get("type", "float")),
                     values=tuple(values) if values is not None else None)


def _design_from_block(block: dict[str, Any]) -> DesignInfo:
    """Parse the engine's ``Design.to_dict()`` or a scenario's ``sweep`` block."""
    spec: dict[str, Any] = block["spec"] if isinstance(block.get("spec"), dict) else block
    kind = block.get("kind", spec.get("design", "none"))
    params = spec.get("parameters") or {}
    order = block.get("paths") or list(params)
    matrix = block.get("samples") if isinstance(block.get("samples"), list) else None
    n = spec.get("samples") if isinstance(spec.get("samples"), int) else None
    return DesignInfo(
        kind=str(kind).lower(),
        parameters=tuple(_param_from(str(k), params.get(k, {})) for k in order),
        base_samples=n,
        second_order=bool(spec.get("second_order", False)),
        morris_levels=int(spec.get("morris_levels") or 4),
        problem=block.get("problem") if isinstance(block.get("problem"), dict) else None,
        matrix=matrix,
    )


def _looks_like_design(d: Any) -> bool:
    return isinstance(d, dict) and ("kind" in d or "parameters" in d or "spec" in d)


def _entries(block: Any) -> dict[str, Any]:
    """A name → entry mapping from a dict keyed by name or a list of entries with 'name'."""
    if isinstance(block, dict):
        return block
    if isinstance(block, list):
        return {str(e.get("name")): e for e in block if isinstance(e, dict) and "name" in e}
    return {}


def _design_blocks(manifest: dict[str, Any], scenario: str | None) -> list[dict[str, Any]]:
    """Candidate design blocks for a scenario, most specific first."""
    found: list[dict[str, Any]] = []
    for key in ("designs", "design"):
        block: Any = manifest.get(key)
        if _looks_like_design(block) and not (scenario and scenario in block):
            found.append(block)
        entries = _entries(block)
        names = [scenario] if scenario in entries else list(entries)
        found += [entries[n] for n in names if n is not None and _looks_like_design(entries[n])]
    entries = _entries(manifest.get("scenarios"))
    names = [scenario] if scenario in entries else list(entries)
    for name in names:
        entry = entries[name] if name is not None and isinstance(entries[name], dict) else {}
        resolved = entry.get("scenario", entry.get("resolved", entry))
        for cand in (entry.get("design"), resolved.get("sweep") if isinstance(resolved, dict)
                     else None, entry.get("sweep")):
            if isinstance(cand, dict) and _looks_like_design(cand):
                found.append(cand)
    return found


def design_info(folder: ResultsFolder, scenario: str | None = None) -> DesignInfo:
    """The design of a folder (or of one scenario in it), falling back on the runs table.

    When no manifest block names the design, swept parameters are the dotted-path columns
    of ``runs.parquet`` and the kind is ``"unknown"`` (enough for feature scoring and PRIM).
    """
    for block in _design_blocks(folder.manifest, scenario):
        info = _design_from_block(block)
        if info.parameters:
            present = tuple(p for p in info.parameters if p.name in folder.runs.columns)
            return replace(info, parameters=present)
        if info.kind in ("single", "none") and scenario is not None:
            break
    cols = [c for c in folder.runs.columns
            if "." in c and c not in NON_METRIC_COLUMNS and metric_spec(c) is None]  # not output_12m.<system>
    if scenario is not None and cols:
        sub = folder.runs[folder.runs["scenario"] == scenario]
        cols = [c for c in cols if sub[c].notna().any()]
    return DesignInfo(kind="unknown" if cols else "none",
                      parameters=tuple(ParamSpec(name=c) for c in cols))


def resolved_scenario(manifest: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The resolved scenario (every setting as run) a results folder's manifest records under
    ``name`` (an empty dict when it holds none of that name): what the analysis reads of one
    scenario's settings (decomposition, contract plots, a headline's contest).
    """
    for entry in manifest.get("scenarios") or ():
        if isinstance(entry, dict) and entry.get("name") == name:
            found = entry.get("resolved") or entry.get("scenario") or {}
            return found if isinstance(found, dict) else {}
    return {}


def scenario_descriptions(folder: ResultsFolder) -> dict[str, dict[str, str]]:
    """Scenario → {'description', 'question'} from the manifest's resolved scenarios."""
    out: dict[str, dict[str, str]] = {}
    for name, raw in _entries(folder.manifest.get("scenarios")).items():
        entry = raw if isinstance(raw, dict) else {}
        resolved = entry.get("scenario", entry.get("resolved", entry))
        resolved = resolved if isinstance(resolved, dict) else {}
        out[str(name)] = {
            "description": str(resolved.get("description") or entry.get("description") or ""),
            "question": str(resolved.get("question") or entry.get("question") or ""),
        }
    for name in folder.runs["scenario"].unique():
        out.setdefault(str(name), {"description": "", "question": ""})
    return out
