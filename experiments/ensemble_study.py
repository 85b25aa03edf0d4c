"""``dibsim study --ensemble results/<calibration>``: the study over the calibration's plausible set.

Each plausible parameter set (``ensemble.json`` of a calibration folder: the points history
matching keeps, :mod:`experiments.validation.history_matching`; their ``study_overrides``)
is applied to every arm of the default study, which runs as usual (status quo, barriers removed
and stricter, reforms; common random numbers within the set: the engine gives replicate *r* the
same seed in every arm) into ``<out>/set_<k>/``, a default-study folder each. The effects of the
sets are then combined per (headline, arm, metric):

* ``effect``: the mean over sets of the paired effect;
* ``effect_low``/``effect_high``: the envelope of the sets' 95 % intervals, so the interval
  includes both the sampling error and the calibration's spread;
* ``sign_share``: the share of sets whose effect has the sign of the mean effect;
* ``rank_share``: the share of sets in which the arm holds the rank (among arms of its kind,
  by effect on that metric) that it holds on the mean effects;
* ``holds``: whether sign and rank hold in every set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import UserError

ENSEMBLE_TABLE = "ensemble_answer.csv"
ENSEMBLE_MARKDOWN = "ensemble_answer.md"


def read_ensemble(calibration: Path | str) -> dict[str, Any]:
    """The plausible set of a calibration folder (its ``ensemble.json``), with ``sets`` the
    points the study carries.

    Reads version 2 (history matching; ``carried`` names the points the study runs) and
    version 1 (a file without ``version``: trials within a loss tolerance of the best, every
    set carried); a newer version is refused with one line rather than misread.

    Raises:
        UserError: when the folder holds no readable ``ensemble.json``, of a version this code
            does not read, or no carried set changes the study.
    """
    from .validation.history_matching import READABLE_VERSIONS

    path = Path(calibration) / "ensemble.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--ensemble: {calibration} is not a finished calibration (no ensemble.json)") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"--ensemble: {path} is unreadable ({exc})") from None
    version = data.get("version", 1) if isinstance(data, dict) else None
    if version not in READABLE_VERSIONS:
        raise UserError(f"--ensemble: {path}: version {version!r} is not one this dibsim reads "
                        f"({', '.join(map(str, READABLE_VERSIONS))}); rerun dibsim calibrate")
    sets = list(data.get("sets") or [])
    if version >= 2:
        sets = [sets[i] for i in data.get("carried", range(len(sets))) if 0 <= i < len(sets)]
    if not sets:
        raise UserError(f"--ensemble: {path}: the plausible set is empty (no calibration point has "
                        f"implausibility at most {data.get('cutoff', 3)} on every target)")
    if not any(s.get("study_overrides") for s in sets):
        raise UserError(f"--ensemble: {path}: no parameter of the calibration has study_paths, so "
                        f"its sets do not change the study")
    return {**data, "sets": sets, "version": version}


def describe_set(data: dict[str, Any]) -> str:
    """How the plausible set was chosen, in a few words (both versions)."""
    if data.get("version", 1) >= 2:
        return (f"history matching: implausibility at most {data.get('cutoff')} on every target, "
                f"{data.get('plausible')} of {data.get('points')} points plausible")
    return f"loss within {data.get('tolerance')} of the best"


def run_ensemble_study(calibration: Path | str, out: Path, *, executor_factory: Callable[[], Any],
                       replications: int | None = None, steps: int | None = None,
                       root_seed: int | None = None, headlines: Sequence[str] | None = None,
                       say: Callable[[str], None] = print) -> pd.DataFrame:
    """Run the study once per plausible set and combine; write the table; return it."""
    from .analysis.answer import effects, load_study
    from .engine.runner import run_experiment
    from .study import study_plan, write_study_file

    data = read_ensemble(calibration)
    tables = []
    for k, s in enumerate(data["sets"]):
        plan, arms, _ = study_plan(replications, steps, root_seed, headlines,
                                   overrides=s["study_overrides"])
        folder = Path(out) / f"set_{k:02d}"
        say(f"set {k} (calibration trial {s['trial']}, loss {s['loss']:.4f}): {s['study_overrides']}")
        summary = run_experiment(plan, folder, executor=executor_factory(), resume=True, progress=False)
        write_study_file(folder, plan, arms)
        if summary.failed:
            say(f"  {summary.failed} runs failed; the set's effects use the others")
        study = load_study(folder)
        assert study is not None  # write_study_file wrote it just now
        table = effects(study)
        tables.append(table.assign(set=k, calibration_trial=s["trial"]))
    combined = combine(tables)
    out.mkdir(parents=True, exist_ok=True)
    combined.to_csv(out / ENSEMBLE_TABLE, index=False)
    (out / ENSEMBLE_MARKDOWN).write_text(to_markdown(combined, data, len(tables)), encoding="utf-8")
    write_ensemble_report(out, combined, data, len(tables))
    return combined


def combine(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The ensemble's effects: mean, interval envelope, sign and rank agreement (module doc)."""
    every = pd.concat(tables, ignore_index=True)
    every["rank"] = every.groupby(["set", "headline", "kind", "metric"])["effect"].rank(
        ascending=False, method="min")
    keys = ["headline", "kind", "subject", "label", "arm", "metric", "primary"]
    rows = []
    for key, g in every.groupby(keys, sort=False):
        mean = float(g["effect"].mean())
        sign = np.sign(mean)
        rows.append({**dict(zip(keys, key)), "sets": len(g), "effect": mean,
                     "effect_low": float(g["effect_low"].min()), "effect_high": float(g["effect_high"].max()),
                     "set_min": float(g["effect"].min()), "set_max": float(g["effect"].max()),
                     "sign_share": float((np.sign(g["effect"]) == sign).mean()) if sign != 0 else 0.0,
                     "_ranks": g["rank"].to_numpy()})
    table = pd.DataFrame(rows)
    table["pooled_rank"] = table.groupby(["headline", "kind", "metric"])["effect"].rank(
        ascending=False, method="min")
    table["rank_share"] = [float((r["_ranks"] == r["pooled_rank"]).mean()) for _, r in table.iterrows()]
    table["holds"] = (table["sign_share"] == 1.0) & (table["rank_share"] == 1.0)
    return table.drop(columns="_ranks")


ENSEMBLE_REPORT = "report.html"


def write_ensemble_report(out: Path, table: pd.DataFrame, data: dict[str, Any], n_sets: int) -> Path:
    """``report.html`` of the ensemble: each barrier cost and reform gain with its mean over the
    plausible sets, the envelope of their intervals, and whether its sign and its rank hold in
    every set; each set's results folder is listed below (``dibsim report`` draws its own).
    """
    import html

    from .analysis.catalog import plain_label
    from .analysis.report import CSS, table_html

    rows = table.sort_values(["primary", "kind", "pooled_rank"], ascending=[False, True, True])
    shown = pd.DataFrame({
        "headline": rows["headline"], "kind": rows["kind"], "barrier or reform": rows["label"],
        "metric": rows["metric"].map(plain_label), "effect (mean over sets)": [f"{v:.4g}" for v in rows["effect"]],
        "interval (envelope of the sets' 95% intervals)":
            [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in zip(rows["effect_low"], rows["effect_high"])],
        "sign holds in": [f"{v:.0%} of sets" for v in rows["sign_share"]],
        "rank holds in": [f"{v:.0%} of sets" for v in rows["rank_share"]],
        "holds across the set": ["yes" if h else "no" for h in rows["holds"]],
    })
    held = int(rows.loc[rows["primary"], "holds"].sum())
    total = int(rows["primary"].sum())
    sets = data.get("sets", [])
    links = "".join(f"<li><code>set_{k:02d}/</code>: calibration trial {s.get('trial')}, overrides "
                    f"{html.escape(str(s.get('study_overrides')))}</li>" for k, s in enumerate(sets[:n_sets]))
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>dibsim ensemble study</title>"
            f"<style>{CSS}</style></head><body>"
            f"<h1>What each barrier costs and each reform buys, across the plausible set</h1>"
            f"<div class='answer'><p>{n_sets} parameter sets of calibration "
            f"'{html.escape(str(data.get('calibration')))}' ({html.escape(describe_set(data))}). "
            f"On the primary metric, {held} of {total} effects keep their sign and their rank "
            "in every set; the rest depend on calibration choices and are marked 'no'.</p></div>"
            f"{table_html(shown)}<h2>The sets' results folders</h2><ul>{links}</ul></body></html>")
    path = Path(out) / ENSEMBLE_REPORT
    path.write_text(page, encoding="utf-8")
    return path


def to_markdown(table: pd.DataFrame, data: dict[str, Any], n_sets: int) -> str:
    """The ensemble answer as a Markdown table, primary metric first (plain labels)."""
    from .analysis.catalog import plain_label

    lines = [f"# The study over the plausible set of calibration '{data.get('calibration')}'", "",
             f"{n_sets} parameter sets ({describe_set(data)}). "
             "Effect: mean over sets; interval: the envelope of the sets' 95 % intervals "
             "(sampling and calibration spread); sign / rank: share of sets agreeing with the mean.", "",
             "| arm | metric | effect | interval | sign holds | rank holds |", "|---|---|---|---|---|---|"]
    for _, r in table.sort_values(["primary", "kind", "pooled_rank"], ascending=[False, True, True]).iterrows():
        lines.append(f"| {r['label']} | {plain_label(r['metric'])} | {r['effect']:.4g} | "
                     f"[{r['effect_low']:.4g}, {r['effect_high']:.4g}] | {r['sign_share']:.0%} | "
                     f"{r['rank_share']:.0%} |")
    return "\n".join(lines) + "\n"
