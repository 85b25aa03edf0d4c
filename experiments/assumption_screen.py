"""Which assumptions the headline depends on most: a one-at-a-time screening of the
assumption-tagged fields, stored for the study's robustness checks.

An **assumption-tagged field** is a numeric scenario field whose schema description gives
*assumption* as its source (the ``source`` column of docs/parameters.md). A field under a
mapping or a list (``producers.<producer>.input_cover_weeks``) is one field: its ends scale
every value it has in the scenario together. Its **ends** are half and one and a half times
the scenario's values (assumption: an unsourced setting could as well be half or half as much
again), clipped to the field's range; a field whose values are all zero has no ends and is
left out.

The **screening** runs the headline's status quo and each field at each end on common random
numbers (the engine gives replicate *r* the same seed everywhere) and scores each field by
its *influence*: the larger over its two ends of |mean paired difference| in the headline's
primary metric, as a share of the status quo's mean. ``dibsim screen-assumptions`` writes the
ranking to :data:`SCREEN_FILE` (``format: dibsim-assumption-screen/1``, with a ``version``);
the study checks each top effect at the low and high end of the :data:`TOP` most influential
fields, one at a time (:func:`top_fields`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..model.loader import SCENARIO_DIR

SCREEN_FILE = Path(SCENARIO_DIR) / "screening" / "assumptions.json"
SCREEN_FORMAT, SCREEN_VERSION = "dibsim-assumption-screen/1", 1
#: The ends of a field, as factors on its values (assumption; module docstring).
LOW_FACTOR, HIGH_FACTOR = 0.5, 1.5
#: How many of the most influential fields the study checks each top effect against.
TOP = 5


@dataclass(frozen=True)
class Leaf:
    """One value of an assumption-tagged field in a scenario."""

    pattern: str  # the schema path, e.g. producers.<producer>.input_cover_weeks
    path: str  # the concrete dotted path, e.g. producers.usa_rtx_amraam.input_cover_weeks
    value: float
    integer: bool
    low: float  # the field's range
    high: float


def _bounds(info: Any) -> tuple[float, float, bool]:
    """(lowest, highest, strict low) allowed by a field's constraints."""
    lo, hi, strict = -math.inf, math.inf, False
    for m in getattr(info, "metadata", []):
        if getattr(m, "ge", None) is not None:
            lo = float(m.ge)
        if getattr(m, "gt", None) is not None:
            lo, strict = float(m.gt), True
        if getattr(m, "le", None) is not None:
            hi = float(m.le)
        if getattr(m, "lt", None) is not None:
            hi = float(m.lt)
    return lo, hi, strict


def _tagged(info: Any, name: str) -> bool:
    from .docs_gen import split_description

    return "assumption" in split_description(info.description or "", name)[2].lower()


def leaves(obj: BaseModel, prefix: str = "", pattern: str = "") -> Iterator[Leaf]:
    """Every numeric value of an assumption-tagged field in a validated scenario (or a part)."""
    from .docs_gen import KEY_NAMES

    for name, info in type(obj).model_fields.items():
        value = getattr(obj, name)
        path, pat = f"{prefix}{name}", f"{pattern}{name}"
        if isinstance(value, BaseModel):
            yield from leaves(value, path + ".", pat + ".")
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, BaseModel):
                    yield from leaves(v, f"{path}.{k}.", f"{pat}.{KEY_NAMES.get(name, '<key>')}.")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                if isinstance(v, BaseModel):
                    yield from leaves(v, f"{path}.{i}.", f"{pat}.<i>.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and _tagged(info, name):
            lo, hi, strict = _bounds(info)
            yield Leaf(pat, path, float(value), isinstance(value, int), lo + (1e-9 if strict else 0), hi)


def fields(scenario: BaseModel) -> dict[str, list[Leaf]]:
    """Assumption-tagged fields with a non-zero value in the scenario: pattern → its values."""
    out: dict[str, list[Leaf]] = {}
    for leaf in leaves(scenario):
        out.setdefault(leaf.pattern, []).append(leaf)
    return {p: ls for p, ls in out.items() if any(x.value != 0 for x in ls)}


def end_overrides(scenario: BaseModel, pattern: str, end: str) -> dict[str, Any]:
    """Dotted path → value setting one field of ``scenario`` at its ``low`` or ``high`` end
    (each of its values scaled by the end's factor and clipped to the field's range); empty
    when the end changes nothing.
    """
    factor = LOW_FACTOR if end == "low" else HIGH_FACTOR
    out: dict[str, Any] = {}
    for leaf in fields(scenario).get(pattern, []):
        v = min(leaf.high, max(leaf.low, leaf.value * factor))
        v = round(v) if leaf.integer else v
        if v != leaf.value:
            out[leaf.path] = int(v) if leaf.integer else float(v)
    return out


def end_transform(pattern: str, end: str) -> Callable[[Any], dict[str, Any]]:
    """The overrides of one field's end, computed from each arm's own scenario (so a reform's
    own value of the field is scaled, not replaced by the headline's).
    """
    return lambda scenario: end_overrides(scenario, pattern, end)


def read_screen(path: Path = SCREEN_FILE) -> dict[str, Any] | None:
    """The stored screening (None when none is stored).

    Raises:
        UserError: on a file that is not a screening of the version this code reads
            (:func:`experiments.stored_json.read_versioned`).
    """
    from .stored_json import read_versioned

    return read_versioned(path, SCREEN_FORMAT, SCREEN_VERSION, "rerun dibsim screen-assumptions")


def top_fields(n: int = TOP, path: Path = SCREEN_FILE) -> list[str]:
    """The ``n`` most influential assumption-tagged fields of the stored screening."""
    data = read_screen(path)
    return [] if data is None else [r["field"] for r in data["ranking"][:n]]


#: Fields the screening leaves out: the measurement windows define the metrics rather than the
#: world, so their "influence" would be a change of what is measured.
EXCLUDED_PREFIXES = ("measurement.",)


def screen_plan(headline: str, replications: int, steps: int | None, root_seed: int | None
                ) -> tuple[Any, list[tuple[str, str, str]]]:
    """The screening's plan (status quo, then each field at each end) and, per scenario of the
    plan after the first, (scenario name, field, end).
    """
    from dataclasses import replace

    from ..model.loader import load_scenario, scenario_hash
    from .engine.plan import ScenarioPlan, make_plan

    plan = make_plan([headline], replications=replications, root_seed=root_seed, steps=steps,
                     use_sweeps=False, timeseries=False)
    base = plan.scenarios[0]
    scenarios, what = [base], []
    for k, pattern in enumerate(p for p in fields(base.scenario) if not p.startswith(EXCLUDED_PREFIXES)):
        for end in ("low", "high"):
            overrides = end_overrides(base.scenario, pattern, end)
            if not overrides:
                continue
            scn = load_scenario(base.scenario, overrides)
            name = f"{base.name}~screen_{k:02d}_{end}"
            scn = scn.model_copy(update={"name": name})
            scenarios.append(ScenarioPlan(name, f"{headline} ({pattern} at its {end} end)", scn,
                                          scenario_hash(scn), base.design, replications))
            what.append((name, pattern, end))
    return replace(plan, scenarios=tuple(scenarios)), what


def influence(runs: Any, headline: str, what: list[tuple[str, str, str]], metric: str) -> list[dict[str, Any]]:
    """Each field's paired differences at its ends and its influence, most influential first."""
    import numpy as np

    ok = runs[runs["status"] == "ok"]
    base = ok[ok["scenario"] == headline].set_index("replicate")[metric]
    scale = abs(float(base.mean())) or 1.0
    by_field: dict[str, dict[str, Any]] = {}
    for name, pattern, end in what:
        mine = ok[ok["scenario"] == name].set_index("replicate")[metric]
        pairs = base.to_frame("b").join(mine.to_frame("a"), how="inner").dropna()
        diff = float(np.mean(pairs["a"] - pairs["b"])) if len(pairs) else math.nan
        row = by_field.setdefault(pattern, {"field": pattern, "low": math.nan, "high": math.nan})
        row[end] = diff
    out = []
    for row in by_field.values():
        ends = [abs(v) for v in (row["low"], row["high"]) if math.isfinite(v)]
        out.append({**row, "influence": max(ends) / scale if ends else 0.0})
    return sorted(out, key=lambda r: (-r["influence"], r["field"]))


def write_screen(ranking: list[dict[str, Any]], meta: dict[str, Any], path: Path = SCREEN_FILE) -> Path:
    """Write the stored screening (``format``/``version`` say how to read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"format": SCREEN_FORMAT, "version": SCREEN_VERSION, **meta,
           "ends": {"low": LOW_FACTOR, "high": HIGH_FACTOR},
           "influence": "max over the two ends of |mean paired difference| / |status-quo mean|",
           "ranking": ranking}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path
