"""Whether each effect holds: robustness flags per ranked effect.

A study folder may hold *check studies* beside its own runs, each a study folder of the same
arms run under a changed world: ``robustness/<group>/<name>/`` where the group is one of
:data:`GROUPS` —

* ``plausible_set``: one folder per calibrated plausible parameter set (reduced replications);
* ``assumptions``: one folder per low or high end of an assumption the effect depends on most
  (``<dotted.path>@low`` / ``@high``);
* ``structure``: one folder per structural alternative of the study config
  (``experiments.study.STRUCTURAL_ALTERNATIVES``: demand rule, initial order book, expansion
  response).

An effect **holds** in a group when, in every check study of the group that has it, its
estimate has the sign it has in the main study and no check resolves the opposite sign. The
flags join ``answer.csv`` (``holds_<group>``: ``yes``, ``no`` or ``not checked``; ``robust``;
``fragile_because``; ``standing``) and the ranked table leads with effects that held in every
check made, then those not checked, then those that fail a check (one line each says why).
``robustness/plan.json`` (written by the study, experiments.study_checks) names the worlds
the study ran; a folder it does not name (left from an earlier session) is not read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROBUSTNESS_DIR = "robustness"
GROUPS = ("plausible_set", "assumptions", "structure")
GROUP_WORDS = {"plausible_set": "a calibrated plausible set", "assumptions": "an assumption's end",
               "structure": "a structural alternative"}
KEYS = ["headline", "arm", "metric"]
PLAN_FILE = "plan.json"


def _folder(name: str) -> str:
    from ..study_checks import CheckWorld

    return CheckWorld("", name, "").folder


def load_checks(folder: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """The effects tables of the check studies under ``<folder>/robustness`` (group → name →
    table); empty groups are left out.
    """
    import json

    from .answer import effects, load_study

    out: dict[str, dict[str, pd.DataFrame]] = {}
    root = Path(folder) / ROBUSTNESS_DIR
    try:  # the study's plan of checks: only the worlds it ran this time count
        ran = {(w["group"], _folder(w["name"])) for w in
               json.loads((root / PLAN_FILE).read_text(encoding="utf-8"))["run"]}
    except (OSError, ValueError, KeyError, TypeError):
        ran = None
    for group in GROUPS:
        for sub in sorted((root / group).glob("*")) if (root / group).is_dir() else []:
            if ran is not None and (group, sub.name) not in ran:
                continue
            study = load_study(sub) if (sub / "runs.parquet").is_file() else None
            if study is not None:
                out.setdefault(group, {})[sub.name] = effects(study)
    return out


def _signed(x: float) -> str:
    from .answer import number

    return number(float(x), abs(float(x)), signed=True)


def _effect_text(check: pd.DataFrame, row: pd.Series) -> str:
    """The check's estimate of one effect, signed ('-2,950')."""
    hit = check[(check["arm"] == row["arm"]) & (check["metric"] == row["metric"])]
    return _signed(hit["effect"].iloc[0])


def _has(row: pd.Series, check: pd.DataFrame) -> bool:
    """Whether a check study ran this effect (the checks run the top effects only)."""
    return bool(((check["arm"] == row["arm"]) & (check["metric"] == row["metric"])).any())


def _fails(row: pd.Series, check: pd.DataFrame) -> bool:
    """Whether one check study contradicts one effect (opposite sign, or opposite resolved)."""
    hit = check[(check["arm"] == row["arm"]) & (check["metric"] == row["metric"])]
    if hit.empty or not np.isfinite(hit["effect"].iloc[0]) or not np.isfinite(row["effect"]):
        return False
    other = hit.iloc[0]
    if np.sign(other["effect"]) != np.sign(row["effect"]) and row["effect"] != 0:
        return True
    return bool(other["resolved"] and np.sign(other["effect"]) == -np.sign(row["effect"]))


def flag(table: pd.DataFrame, checks: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """The effects table with ``holds_<group>``, ``robust`` and ``fragile_because`` columns."""
    out = table.copy()
    why: list[list[str]] = [[] for _ in range(len(out))]
    for group in GROUPS:
        col = []
        for i, (_, row) in enumerate(out.iterrows()):
            tables = checks.get(group, {})
            if not tables:
                col.append("not checked")
                continue
            having = {name: t for name, t in tables.items() if _has(row, t)}
            failed = [name for name, t in having.items() if _fails(row, t)]
            col.append("no" if failed else "yes" if having else "not checked")
            if failed:
                seen = "; ".join(f"{name}: {_effect_text(having[name], row)}" for name in failed[:3])
                why[i].append(f"its sign does not hold under {GROUP_WORDS[group]} ({seen}, "
                              f"against {_signed(row['effect'])} here)")
        out[f"holds_{group}"] = col
    out["robust"] = [all(out.loc[i, f"holds_{g}"] != "no" for g in GROUPS) for i in out.index]
    out["fragile_because"] = ["; ".join(w) for w in why]
    out["standing"] = [standing(r) for _, r in out.iterrows()]
    return out


#: How a flagged effect stands, in the order the ranking shows them.
HOLDS_EVERYWHERE, NOT_CHECKED, FRAGILE = "holds in every check", "not checked", "does not hold"
STANDING_ORDER = {HOLDS_EVERYWHERE: 0, NOT_CHECKED: 1, FRAGILE: 2}


def standing(row: pd.Series) -> str:
    """An effect's standing: it held in every check made (at least one), it was not checked,
    or it failed a check.
    """
    if not row["robust"]:
        return FRAGILE
    return HOLDS_EVERYWHERE if any(row[f"holds_{g}"] == "yes" for g in GROUPS) else NOT_CHECKED


def fragile_lines(table: pd.DataFrame) -> list[str]:
    """One line per primary barrier cost or reform gain that does not hold, and why."""
    from .catalog import subject_label

    if "robust" not in table:
        return []
    rows = table[table["primary"] & ~table["robust"] & table["kind"].isin(["removed", "reform"])]
    return [f"Does not hold: {subject_label(r['kind'], r['subject'])} — {r['fragile_because']}."
            for _, r in rows.iterrows()]
