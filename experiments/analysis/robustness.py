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

**The rule** (a sign check, docs/experiments.md "Whether each effect holds"). Only an effect
the main study *resolved* has a sign to hold; any other is "not checked". A check world runs
at a few replications, so it is read for its sign, not as a new estimate. In a group, an
effect

* **does not hold** when one of the group's check worlds resolves it on the other side of
  zero (its 95% interval there excludes zero with the opposite sign), or when fewer than
  :data:`HOLD_SHARE` of the group's worlds that ran it estimate it with the main study's sign;
* **holds** otherwise (at least one world ran it);
* is **not checked** when no world of the group ran it.

The flags join ``answer.csv`` (``holds_<group>``: ``yes``, ``no`` or ``not checked``; ``robust``;
``fragile_because``; ``standing``) and the ranked table leads with effects that held in the
checks made, then those not checked, then those that do not hold (one line each says why).
``robustness/plan.json`` (written by the study, experiments.study_checks) names the worlds
the study ran; a folder it does not name (left from an earlier session) is not read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROBUSTNESS_DIR = "robustness"
#: The share of a group's check worlds that must show the main study's sign (assumption: two
#: in three, so one of a group's three worlds may come out the other way, unresolved, from
#: noise at 3–5 replications; a world that resolves the other sign fails the group alone).
HOLD_SHARE = 2 / 3
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


def _check_row(row: pd.Series, check: pd.DataFrame) -> pd.Series | None:
    """One check study's estimate of one effect (None when it did not run it or has no value)."""
    hit = check[(check["arm"] == row["arm"]) & (check["metric"] == row["metric"])]
    if hit.empty or not np.isfinite(hit["effect"].iloc[0]):
        return None
    return hit.iloc[0]


def judge_group(row: pd.Series, tables: dict[str, pd.DataFrame]) -> tuple[str, str]:
    """The flag of one effect in one group by the sign rule (module docstring), and why not.

    Returns:
        (``yes`` | ``no`` | ``not checked``, the reason when ``no``: the worlds that disagree).
    """
    sign = np.sign(row["effect"]) if np.isfinite(row["effect"]) else 0.0
    if not bool(row["resolved"]) or sign == 0:
        return "not checked", ""
    seen = {name: got for name, t in tables.items() if (got := _check_row(row, t)) is not None}
    if not seen:
        return "not checked", ""
    against = {n: g for n, g in seen.items() if bool(g["resolved"]) and np.sign(g["effect"]) == -sign}
    same = sum(np.sign(g["effect"]) == sign for g in seen.values())
    if not against and same >= HOLD_SHARE * len(seen):
        return "yes", ""
    other = against or {n: g for n, g in seen.items() if np.sign(g["effect"]) != sign}
    listed = "; ".join(f"{n}: {_signed(g['effect'])}" for n, g in list(other.items())[:3])
    how = (f"resolved the other way in {len(against)} of {len(seen)} worlds" if against else
           f"the same sign in only {same} of {len(seen)} worlds")
    return "no", f"{how} ({listed}, against {_signed(row['effect'])} here)"


def flag(table: pd.DataFrame, checks: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """The effects table with ``holds_<group>``, ``robust`` and ``fragile_because`` columns."""
    out = table.copy()
    why: list[list[str]] = [[] for _ in range(len(out))]
    for group in GROUPS:
        col = []
        for i, (_, row) in enumerate(out.iterrows()):
            verdict, reason = judge_group(row, checks.get(group, {}))
            col.append(verdict)
            if reason:
                why[i].append(f"its sign does not hold under {GROUP_WORDS[group]}: {reason}")
        out[f"holds_{group}"] = col
    out["robust"] = [all(out.loc[i, f"holds_{g}"] != "no" for g in GROUPS) for i in out.index]
    out["fragile_because"] = ["; ".join(w) for w in why]
    out["standing"] = [standing(r) for _, r in out.iterrows()]
    return out


#: How a flagged effect stands, in the order the ranking shows them.
HOLDS_EVERYWHERE, NOT_CHECKED, FRAGILE = "holds in the checks", "not checked", "does not hold"
STANDING_ORDER = {HOLDS_EVERYWHERE: 0, NOT_CHECKED: 1, FRAGILE: 2}


def standing(row: pd.Series) -> str:
    """An effect's standing: it held in every group that checked it (at least one), it was
    not checked, or it does not hold in a group.
    """
    if not row["robust"]:
        return FRAGILE
    return HOLDS_EVERYWHERE if any(row[f"holds_{g}"] == "yes" for g in GROUPS) else NOT_CHECKED


def fragile_lines(table: pd.DataFrame) -> list[str]:
    """One line per primary barrier cost or reform gain that does not hold, and why."""
    from ..study import RANKED_KINDS
    from .catalog import ranked_label

    if "robust" not in table:
        return []
    rows = table[table["primary"] & ~table["robust"] & table["kind"].isin(RANKED_KINDS)]
    return [f"Does not hold: {ranked_label(r['kind'], r['subject'])} — {r['fragile_because']}."
            for _, r in rows.iterrows()]
