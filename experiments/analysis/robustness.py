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
``fragile_because``) and the ranked table leads with effects that hold everywhere checked.
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


def load_checks(folder: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """The effects tables of the check studies under ``<folder>/robustness`` (group → name →
    table); empty groups are left out.
    """
    from .answer import effects, load_study

    out: dict[str, dict[str, pd.DataFrame]] = {}
    root = Path(folder) / ROBUSTNESS_DIR
    for group in GROUPS:
        for sub in sorted((root / group).glob("*")) if (root / group).is_dir() else []:
            study = load_study(sub) if (sub / "runs.parquet").is_file() else None
            if study is not None:
                out.setdefault(group, {})[sub.name] = effects(study)
    return out


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
            failed = [name for name, t in tables.items() if _fails(row, t)]
            col.append("no" if failed else "yes")
            if failed:
                why[i].append(f"its sign does not hold under {GROUP_WORDS[group]} "
                              f"({', '.join(failed[:3])})")
        out[f"holds_{group}"] = col
    out["robust"] = [all(out.loc[i, f"holds_{g}"] != "no" for g in GROUPS) for i in out.index]
    out["fragile_because"] = ["; ".join(w) for w in why]
    return out


def fragile_lines(table: pd.DataFrame) -> list[str]:
    """One line per primary barrier cost or reform gain that does not hold, and why."""
    from .catalog import subject_label

    if "robust" not in table:
        return []
    rows = table[table["primary"] & ~table["robust"] & table["kind"].isin(["removed", "reform"])]
    return [f"Does not hold: {subject_label(r['kind'], r['subject'])} — {r['fragile_because']}."
            for _, r in rows.iterrows()]
