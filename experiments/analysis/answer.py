"""The answer of a barrier/reform study: what each barrier costs and what each reform buys.

A study folder (``dibsim study``) holds the status quo of each headline scenario, each barrier
removed and made stricter, and each reform variant, all on common random numbers; its
``study.json`` says which arm is which. Every arm is compared with its status quo by the
paired differences of :mod:`experiments.analysis.compare`, in the headline metrics that
``study.json`` records (``headline_metrics``; the study config is
:data:`experiments.study.HEADLINE_METRICS`), and oriented by the metric's *better* direction so that

* a barrier's **cost** = better × (removed − status quo): what the barrier takes away
  (positive: it costs; negative: the barrier helps in this model);
* its **stricter cost** = better × (status quo − stricter): what tightening it takes away more;
* a reform's **gain** = better × (reform − status quo).

An effect is *resolved* when its interval excludes zero, and "not resolved" otherwise. The
interval is the 95% paired t interval, except in a study run until resolved (``study.json``
records its rule, experiments.sequential): there each effect's interval is at the level the
rule spent on the look its replications reached (at least 95%, so that every interval the rule
may have looked at covers with 95% together), and an effect inside ± the rule's practical
threshold is *negligible* (shown smaller than matters) rather than merely not resolved.
The written answer on top of the report is generated from this table by
:mod:`experiments.analysis.answer_text`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, load_results
from ..errors import UserError
from ..study import (
    HEADLINE_METRICS,
    ORIENTATION,
    RANKED_KINDS,
    REFORM_KINDS,
    STUDY_FILE,
    headline_metric_names,
)
from .catalog import (
    arm_label,
    better_direction,
    metric_label,
    metric_spec,
    plain_label,
    ranked_label,
    subject_label,
)
from .compare import Arm, build_arms, difference
from .contest import Contest, contest_of
from .stats import LEVEL

ANSWER_CSV, ANSWER_MD = "answer.csv", "answer.md"
#: The verdict of an effect whose every paired difference is exactly zero.
NO_CHANGE = "not resolved (no run changed)"
#: The cell of a metric a headline does not measure (a scripted war's failure probability).
NOT_MEASURED = "not measured here"
#: Width of the printed ranked table (characters; cells wrap inside it).
CONSOLE_WIDTH = 160


@dataclass(frozen=True)
class Study:
    """A results folder read as a study: its arms and what the study file says of them."""

    folder: ResultsFolder
    arms: tuple[dict[str, Any], ...]
    headlines: tuple[str, ...]
    contested: dict[str, str | None]
    stricter_rule: str
    metric_templates: tuple[str, ...] = ()
    alternatives: dict[str, dict[str, Any]] | None = None
    rule: Any = None
    contests: dict[str, Contest] = field(default_factory=dict)

    def arms_of(self, headline: str, kind: str) -> list[dict[str, Any]]:
        """The arms of one kind for one headline, in the study's order."""
        return [a for a in self.arms if a["headline"] == headline and a["kind"] == kind]


def load_study(path: str | Path | ResultsFolder) -> Study | None:
    """The study of a results folder, or ``None`` when the folder is not a study.

    Raises:
        UserError: when ``study.json`` is unreadable or names scenarios the runs do not hold.
    """
    folder = path if isinstance(path, ResultsFolder) else load_results(path)
    target = folder.path / STUDY_FILE
    if not target.is_file():
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        arms = tuple(data["arms"])
        heads = tuple(data["headlines"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{target}: unreadable study file ({exc}); rerun dibsim study") from None
    missing = sorted({a["name"] for a in arms} - set(folder.runs["scenario"]))
    if missing:
        raise UserError(f"{target}: names scenarios that {folder.path} does not hold: "
                        f"{', '.join(missing[:5])}; rerun dibsim study into a new --out")
    from ..sequential import rule_from

    templates = tuple(data.get("headline_metrics") or HEADLINE_METRICS)
    contested = dict(data.get("contested_region") or {})
    contests = {h: contest_of(folder.manifest, h, contested.get(h), templates) for h in heads}
    return Study(folder, arms, heads, contested,
                 str((data.get("stricter") or {}).get("rule", "")), templates,
                 dict(data.get("structural_alternatives") or {}), rule_from(data.get("sequential")),
                 contests)


def headline_metrics(runs: pd.DataFrame, region: str | None,
                     templates: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The headline metric columns of a status quo's runs: each template of the study
    (``{region}`` filled with the contested region) that the runs hold with values and the
    model declares, in the study's order. There are no fallbacks to older names.
    """
    names = headline_metric_names(HEADLINE_METRICS if templates is None else templates, region)
    return [m for m in names
            if m in runs.columns and metric_spec(m) is not None and runs[m].notna().any()]


def effects(study: Study, checks: bool = True) -> pd.DataFrame:
    """One row per (headline, arm, headline metric): the paired difference from the status
    quo and the oriented effect (cost, stricter cost or gain) with its 95% interval, flagged
    by the check studies under ``robustness/`` (``checks=False``: not read, every effect
    "not checked"). A metric that measures nothing in a headline (its failure probability
    when its war is scripted: :mod:`experiments.analysis.contest`) is left out of it.
    """
    arms = {a.scenario: a for a in build_arms([study.folder])}
    rows = []
    for head in study.headlines:
        if head not in arms:
            continue
        metrics = headline_metrics(arms[head].runs, study.contested.get(head),
                                   study.metric_templates or None)
        contest = study.contests.get(head)
        metrics = [m for m in metrics if contest is None or contest.measures(m)]
        for arm in study.arms:
            if arm["headline"] != head or arm["kind"] not in ORIENTATION:
                continue
            for rank, metric in enumerate(metrics):
                rows.append(_effect_row(arms[arm["name"]], arms[head], arm, metric, rank == 0,
                                        study.rule))
    if not rows:
        raise UserError(f"{study.folder.path}: the study holds no arm with a headline metric")
    from .robustness import flag, load_checks

    return flag(pd.DataFrame(rows), load_checks(study.folder.path) if checks else {})


def _effect_row(arm: Arm, base: Arm, info: dict[str, Any], metric: str, primary: bool,
                rule: Any = None) -> dict:
    """One effect: oriented, with its interval at the study's level (module docstring)."""
    d = difference(arm, base, metric)
    level = LEVEL if rule is None else rule.level_at(int(d["n"]))
    if rule is not None:
        d = difference(arm, base, metric, level)
    sign = ORIENTATION[info["kind"]] * (better_direction(metric) or 1)
    ends = sorted((sign * d["ci_low"], sign * d["ci_high"]))
    effect = sign * d["difference"]
    resolved = bool(np.isfinite(ends[0]) and (ends[0] > 0 or ends[1] < 0))
    no_change = bool(d["n"] >= 2 and ends[0] == ends[1] == 0)
    margin = np.nan if rule is None else rule.threshold * abs(d["baseline_mean"])
    negligible = bool(not resolved and -margin < ends[0] and ends[1] < margin)  # NaN: never
    return {"headline": info["headline"], "kind": info["kind"], "subject": info["subject"],
            "label": arm_label(info["kind"], info["subject"], info["headline"]),
            "arm": info["name"], "metric": metric, "metric_label": plain_label(metric),
            "primary": primary,
            "status_quo_mean": d["baseline_mean"], "arm_mean": d["scenario_mean"],
            "difference": d["difference"], "ci_low": d["ci_low"], "ci_high": d["ci_high"],
            "effect": effect, "effect_low": ends[0], "effect_high": ends[1],
            "relative_pct": sign * d["relative_pct"], "resolved": resolved,
            "negligible": negligible, "level": level,
            "verdict": verdict(effect, resolved, no_change, info["kind"]),
            "n": d["n"], "method": d["method"]}


def verdict(effect: float, resolved: bool, no_change: bool, kind: str) -> str:
    """The plain word for one effect: costs/helps, buys/loses, or not resolved."""
    if no_change:
        return NO_CHANGE
    if not resolved or not np.isfinite(effect):
        return "not resolved"
    if kind in REFORM_KINDS:
        return "buys" if effect > 0 else "loses"
    return "costs" if effect > 0 else "helps"


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The ranked table: one row per barrier (removed), reform and investment, per headline,
    ranked by the primary metric's effect (largest cost or gain first; undefined last); each
    metric's cell is 'effect [low, high]' with 'not resolved' where the interval includes zero,
    and the stricter cost in the primary metric beside. ``name`` is the barrier's key or the
    reform's name (not shown: :func:`shown_columns`), ``label`` its plain label
    (:func:`~experiments.analysis.catalog.ranked_label`).
    """
    out = []
    for head, g in table.groupby("headline", sort=False):
        metrics = list(dict.fromkeys(g["metric"]))
        primary = g[g["primary"] & g["kind"].isin(RANKED_KINDS)]
        order = primary.sort_values("effect", ascending=False, na_position="last")
        if "standing" in order:  # effects that hold in every check lead, fragile ones last
            from .robustness import STANDING_ORDER

            order = order.assign(_s=order["standing"].map(STANDING_ORDER)).sort_values(
                "_s", kind="stable").drop(columns="_s")
        stricter = g[g["primary"] & (g["kind"] == "stricter")].set_index("subject")
        for rank, r in enumerate(order.itertuples(), start=1):
            cells = g[g["arm"] == r.arm].set_index("metric")
            row = {"rank": rank, "headline": head, "what": WHAT.get(r.kind, r.kind),
                   "name": r.subject, "label": ranked_label(r.kind, r.subject)}
            row |= {m: cell_text(cells.loc[m]) for m in metrics}
            row["stricter"] = (cell_text(stricter.loc[r.subject]) if r.kind == "removed"
                               and r.subject in stricter.index else "")
            if "robust" in primary:
                row["holds"] = _holds_text(primary.loc[r.Index])
            out.append(row)
    wide = pd.DataFrame(out)
    metrics = [m for m in dict.fromkeys(table["metric"]) if m in wide]
    return wide.fillna(dict.fromkeys(metrics, NOT_MEASURED))


#: The ranked table's ``kind`` column per arm kind.
WHAT = {"removed": "barrier", "reform": "reform", "investment": "investment"}


def _holds_text(r: Any) -> str:
    """'yes' when the effect holds in the checks made, 'not checked', or 'no: why'."""
    checked = [r[c] for c in r.index if str(c).startswith("holds_")]
    if not r["robust"]:
        return f"no: {r['fragile_because']}"
    return "yes" if any(c == "yes" for c in checked) else "not checked"


def number(x: float, scale: float, signed: bool = False) -> str:
    """``x`` written to the precision its interval's ``scale`` (largest magnitude) calls for:
    thousands separated from 100 up, three significant figures below, scientific under 1e-3.
    """
    if not np.isfinite(x):
        return "NA"
    x = x + 0.0  # no '-0'
    sign = "+" if signed and x > 0 else ""
    if scale >= 100:
        return f"{sign}{x:,.0f}"
    if scale >= 1e-3:
        return f"{sign}{x:.{max(0, 2 - int(np.floor(np.log10(scale))))}f}"
    return f"{sign}{x:.2g}" if x else "0"


def interval(r: Any) -> str:
    """'+1.23 [0.80, 1.66]' for an effect row."""
    lo, hi, eff = r["effect_low"], r["effect_high"], r["effect"]
    scale = max(abs(v) for v in (eff, lo, hi) if np.isfinite(v)) if np.isfinite(eff) else 0.0
    if not np.isfinite(lo):
        return f"{number(eff, scale, True)} [no interval]"
    return f"{number(eff, scale, True)} [{number(lo, scale)}, {number(hi, scale)}]"


def cell_text(r: Any) -> str:
    """'+1.2 [0.8, 1.6]', with 'not resolved' when the interval includes zero."""
    if not np.isfinite(r["effect"]):
        return "no values"
    if r["resolved"]:
        return interval(r)
    if r["verdict"] == NO_CHANGE:
        return "0, no run changed"
    if bool(r.get("negligible", False)):
        return f"{interval(r)} negligible"
    return f"{interval(r)} not resolved"


def column_titles(table: pd.DataFrame, short: bool = False) -> dict[str, str]:
    """Ranked-table column → header: the metric's label and unit with its range (``short``:
    its plain label and unit, for the console; :mod:`experiments.analysis.catalog`).
    """
    titles = {"rank": "#", "headline": "headline", "what": "kind", "label": "barrier or reform"}
    metrics = list(dict.fromkeys(table["metric"]))
    title = plain_label if short else metric_label
    titles |= {m: title(m) for m in metrics}
    if metrics:
        titles["stricter"] = f"made stricter: extra cost in {title(metrics[0])}"
    titles["holds"] = "holds (plausible sets, assumptions, structure)"
    return titles


def shown_columns(wide: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The ranked table as every reader sees it (console, answer.md, report): no key column
    (``name``), the headline in words and only when the study has several.
    """
    shown = wide.drop(columns=[c for c in ("name",) if c in wide])
    if len(study.headlines) < 2:
        return shown.drop(columns="headline", errors="ignore")
    return shown.assign(headline=shown["headline"].str.replace("_", " "))


def to_markdown(table: pd.DataFrame, study: Study, dec: pd.DataFrame | None = None) -> str:
    """``answer.md``: the written answer, how to read the table, the ranked table, then the
    barriers made stricter in every headline metric.
    """
    wide = shown_columns(ranked(table), study)
    titles = column_titles(table)
    head = "| " + " | ".join(titles.get(c, c) for c in wide.columns) + " |"
    lines = [head, "|" + "---|" * len(wide.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in wide.itertuples(index=False)]
    from .answer_text import written_answer

    answer = written_answer(table, study.stricter_rule, dec, study.contests).markdown()
    from .robustness import fragile_lines

    fragile = "".join(f"\n{line}\n" for line in fragile_lines(table))
    return (f"# What each barrier costs and each reform buys\n\n{answer}\n## Ranked table\n\n"
            f"{reading_note(study)}\n\n" + "\n".join(lines) + "\n" + fragile
            + stricter_markdown(table, titles))


def stricter_markdown(table: pd.DataFrame, titles: dict[str, str]) -> str:
    """The barriers made stricter: their extra cost in every headline metric (Markdown)."""
    rows = table[table["kind"] == "stricter"]
    if rows.empty:
        return ""
    metrics = list(dict.fromkeys(rows["metric"]))
    lines = ["| headline | barrier | " + " | ".join(titles[m] for m in metrics) + " |",
             "|" + "---|" * (len(metrics) + 2)]
    for (head, subject), g in rows.groupby(["headline", "subject"], sort=False):
        cells = g.set_index("metric")
        lines.append(f"| {head.replace('_', ' ')} | {subject_label('stricter', subject)} | "
                     + " | ".join(cell_text(cells.loc[m]) if m in cells.index else NOT_MEASURED
                                  for m in metrics) + " |")
    return ("\n## Barriers made stricter: extra cost (status quo minus stricter)\n\n"
            + "\n".join(lines) + "\n")


def reading_note(study: Study) -> str:
    """How to read the numbers (one paragraph)."""
    return ("Each cell is a paired difference from the status quo over common random numbers "
            "with its 95% interval, oriented so that positive is bad for a barrier (its cost: "
            "removed minus status quo, in the metric's better direction) and good for a reform "
            "or an industrial investment (its gain: reform minus status quo; an investment "
            "changes producers alone, so it buys capacity rather than removing friction). 'not resolved': the interval includes zero; "
            "'no run changed': every paired difference is exactly zero. "
            f"Made stricter: {study.stricter_rule}; its extra cost is status quo minus stricter, "
            "oriented the same way. Ranked by the first metric." + sequential_note(study))


def sequential_note(study: Study) -> str:
    """What the intervals of a study run until resolved are (empty for any other study)."""
    rule = study.rule
    if rule is None:
        return ""
    return (" Run until resolved: each interval is at the level the stopping rule spent on the "
            f"look its replications reached ({min(rule.levels()):.1%} to {max(rule.levels()):.2%}, "
            "the 'level' column of answer.csv), so the repeated looks are accounted for; "
            f"'negligible': inside ±{rule.threshold:.1%} of the status quo.")


def write_answer(study: Study, table: pd.DataFrame | None = None,
                 dec: pd.DataFrame | None = None) -> tuple[Path, Path]:
    """Write ``answer.csv`` (every effect, all numbers) and ``answer.md`` into the folder
    (with the decomposition ``dec``, the answer says where the top effects are made).
    """
    table = effects(study) if table is None else table
    csv, md = study.folder.path / ANSWER_CSV, study.folder.path / ANSWER_MD
    table.to_csv(csv, index=False)
    md.write_text(to_markdown(table, study, dec), encoding="utf-8")
    return csv, md


def print_answer(study: Study, table: pd.DataFrame) -> None:
    """Print the ranked table as a rich table on standard output."""
    from rich.console import Console
    from rich.table import Table

    wide = shown_columns(ranked(table), study)
    titles = column_titles(table, short=True)
    out = Table(title="What each barrier costs and each reform buys (95% intervals, paired)",
                caption=reading_note(study), show_lines=True)
    for c in wide.columns:
        out.add_column(titles.get(c, c), justify="right" if c == "rank" else "left",
                       no_wrap=c in ("rank", "what"), overflow="fold")
    for row in wide.itertuples(index=False):
        out.add_row(*(_styled(str(v)) for v in row))
    console = Console(width=CONSOLE_WIDTH)
    console.print(out)
    from .robustness import fragile_lines

    for line in fragile_lines(table):
        console.print(line, markup=False)


def _styled(text: str) -> str:
    from rich.markup import escape

    faded = "not resolved" in text or "no run changed" in text
    return f"[dim]{escape(text)}[/dim]" if faded else escape(text)
