"""``dibsim report``: one self-contained HTML file of a study, readable offline.

Everything is inside the file: images as base64 ``data:`` URIs, styles inline, no scripts and
no links to the network. A study folder (``dibsim study``) is headed by its answer: the written
answer, the tornado chart and the ranked table of barrier costs and reform gains. Then the
sections: the scenarios (descriptions and questions), key metrics with 95% intervals, the
comparison with the baseline, the main plots, and, where the design supports them,
sensitivity indices and PRIM discovery.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.results import ResultsFolder, load_results
from ..errors import UserError
from .answer import (
    Study,
    column_titles,
    effects,
    load_study,
    ranked,
    reading_note,
    shown_columns,
    write_answer,
)
from .answer_text import written_answer
from .catalog import (
    better_direction,
    design_info,
    metric_columns,
    metric_label,
    probability_valued,
    scenario_descriptions,
)
from .compare import compare, write_comparison
from .plots import make_plots
from .plots.common import PlotRecord
from .plots.metrics import plot_forest
from .summary import format_value, summarise

#: The metrics a planner reads first; the report's tables and forest plots show these.
KEY_METRICS = ("output_value_12m", "output_value_36m", "surge_ratio", "theatre_delivered_value_12m",
               "allied_share", "mean_regulatory_delay_weeks", "deterrence_index.indo_pacific",
               "failure_probability.indo_pacific")
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{border-bottom:2px solid #0072B2}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.num{text-align:right}.wrap{overflow-x:auto}th{background:#f0f4f8}
.headline li{margin:.3em 0}
figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#333}.note{color:#555;font-size:.9em}
td.nr{color:#888}.answer p{margin:.45em 0}.answer{border-left:4px solid #0072B2;padding-left:1em}
"""


def embed(path: Path) -> str:
    """An ``<img>`` whose source is the PNG itself (base64), so the file needs nothing else."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def figure_html(rec: PlotRecord) -> str:
    """A figure with its title and the one sentence an analyst reads from it."""
    return (f"<figure>{embed(rec.path)}<figcaption><b>{html.escape(rec.title)}.</b> "
            f"{html.escape(rec.caption)}</figcaption></figure>")


def table_html(frame: pd.DataFrame) -> str:
    """An HTML table of already formatted cells."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<div class='wrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>")


def _cell(value: object) -> str:
    text = html.escape(str(value))
    numeric = isinstance(value, (int, float, np.number)) or text[:1].isdigit() or \
        (text[:1] in "-+" and text[1:2].isdigit())
    faded = " nr" if "not resolved" in text or "no run changed" in text else ""
    return f'<td class="num{faded}">{text}</td>' if numeric else f"<td>{text}</td>"


def interval_text(mean: float, low: float, high: float) -> str:
    """'1.23 [1.10, 1.36]', or just the mean when the interval is undefined."""
    if not np.isfinite(low):
        return format_value(mean)
    return f"{format_value(mean)} [{format_value(low)}, {format_value(high)}]"


def scenarios_section(folders: list[ResultsFolder]) -> str:
    """Each scenario's description and question, with its run counts."""
    rows = []
    for f in folders:
        info = scenario_descriptions(f)
        counts = f.runs.groupby("scenario", sort=False).agg(points=("point", "nunique"),
                                                runs=("run_id", "size"),
                                                failed=("status", lambda s: int((s != "ok").sum())))
        for name, c in counts.iterrows():
            d = info.get(str(name), {})
            rows.append({"folder": f.name, "scenario": name, "description": d.get("description", ""),
                         "question": d.get("question", ""), "design points": c["points"],
                         "runs": c["runs"], "failed": c["failed"]})
    notes = [f"<p class='note'><b>{html.escape(f.name)} is incomplete:</b> "
             f"{f.manifest.get('done')} of {f.manifest.get('planned')} runs recorded.</p>"
             for f in folders if f.manifest.get("completed") is False]
    return "<h2>Scenarios</h2>" + "".join(notes) + table_html(pd.DataFrame(rows))


def key_metrics_section(folders: list[ResultsFolder]) -> str:
    """Scenario × key metric table of 'mean [95% interval]' (design points pooled)."""
    parts = ["<h2>Key metrics</h2><p class='note'>Mean over replicate runs with its 95% "
             "interval (Student t; deterrence failure: a probability with Wilson's interval). "
             "Design points of a sweep are pooled.</p>"]
    for f in folders:
        metrics = [m for m in KEY_METRICS if m in f.runs] or metric_columns(f.runs)[:8]
        summary = summarise(f.runs.assign(point=0), metrics)
        wide = summary.assign(cell=[interval_text(r.mean, r.ci_low, r.ci_high)
                                    for r in summary.itertuples()])
        order = list(dict.fromkeys(f.runs["scenario"]))
        wide = wide.pivot(index="scenario", columns="metric", values="cell").loc[order, metrics]
        wide.columns = [metric_label(m) for m in metrics]
        parts.append(f"<h3>{html.escape(f.name)}</h3>" + table_html(wide.reset_index()))
    return "".join(parts)


def single_point_only(folders: list[ResultsFolder]) -> list[ResultsFolder]:
    """The folders restricted to scenarios with one design point (sweeps are left to the
    sensitivity and discovery sections); folders left empty are dropped.
    """
    kept = []
    for f in folders:
        points = f.runs.groupby("scenario")["point"].transform("nunique")
        if (points == 1).any():
            kept.append(replace(f, runs=f.runs[points == 1].reset_index(drop=True)))
    return kept


def comparison_section(folders: list[ResultsFolder], baseline: str | None,
                       plot_dir: Path) -> str:
    """Differences from the baseline with intervals and forest plots of the key metrics,
    among the scenarios that are not sweeps.
    """
    folders = single_point_only(folders)
    arms = sum(f.runs["scenario"].nunique() for f in folders)
    if arms < 2:
        return ("<h2>Comparison</h2><p class='note'>No comparison: fewer than two scenarios "
                "without a sweep.</p>")
    table = compare(folders, baseline)
    write_comparison(table, folders[0].path)
    metrics = [m for m in KEY_METRICS if m in set(table["metric"])]
    shown = table[table["metric"].isin(metrics)]
    cells = shown.assign(difference=[interval_text(r.difference, r.ci_low, r.ci_high)
                                     for r in shown.itertuples()],
                         relative=[relative_text(r.metric, r.difference, r.relative_pct)
                                   for r in shown.itertuples()])
    cells = cells[["scenario", "metric", "difference", "relative", "n", "method"]]
    base = table["baseline"].iloc[0]
    headlines = headlines_html(table)
    figs = "".join(figure_html(plot_forest(table, m, plot_dir)) for m in metrics
                   if table.loc[table["metric"] == m, "difference"].notna().any())
    return (f"<h2>Comparison with {html.escape(base)}</h2><p class='note'>Scenario minus "
            f"baseline, 95% interval. Paired by replicate seed where runs share seeds (common "
            f"random numbers), else Welch / Newcombe.</p>" + headlines + table_html(cells) + figs)


def headline(table: pd.DataFrame, metric: str) -> str | None:
    """'Largest gain in <metric>: <scenario>, +x [lo, hi] (sure / not resolved)' or None."""
    rows = table[(table["metric"] == metric) & table["difference"].notna()]
    sign = better_direction(metric)
    if rows.empty or sign is None:
        return None
    best = rows.loc[(sign * rows["difference"]).idxmax()]
    if sign * best["difference"] <= 0:
        return f"No scenario improves <b>{metric}</b> on {html.escape(best['baseline'])}."
    sure = best["ci_low"] > 0 if sign > 0 else best["ci_high"] < 0
    verdict = ("the 95% interval excludes no change" if sure else
               "but the 95% interval includes no change, so the runs cannot tell it from none")
    return (f"Largest gain in <b>{metric}</b>: <b>{html.escape(best['scenario'])}</b>, "
            f"{interval_text(best['difference'], best['ci_low'], best['ci_high'])} "
            f"({relative_text(metric, best['difference'], best['relative_pct'])}); {verdict}.")


def relative_text(metric: str, difference: float, pct: float) -> str:
    """'+2.1%' of the baseline; a probability's change in percentage points instead (a share
    of a probability reads as a change of the probability itself).
    """
    if probability_valued(metric):
        return f"{100 * difference:+.2g} points" if np.isfinite(difference) else "NA"
    return f"{pct:+.1f}%" if np.isfinite(pct) else "NA"


def headlines_html(table: pd.DataFrame) -> str:
    """The headline per key metric: which scenario buys most, and how sure the runs are."""
    lines = [h for h in (headline(table, m) for m in KEY_METRICS) if h]
    return "<ul class='headline'>" + "".join(f"<li>{h}</li>" for h in lines) + "</ul>"


def answer_section(study: Study, tornadoes: list[PlotRecord],
                   table: pd.DataFrame | None = None, dec: pd.DataFrame | None = None) -> str:
    """The written answer, the primary metric's tornado chart, the ranked table, then the
    other headline metrics' tornado charts.

    ``table`` and ``dec`` are the study's effects and decomposition when the caller has
    already made and written them (``dibsim study``); otherwise they are made here and
    ``answer.csv``, ``answer.md`` and ``decomposition.csv`` are written.
    """
    from .decomposition import decomposition, write_decomposition

    table = effects(study) if table is None else table
    if dec is None:
        dec = decomposition(study)
        write_answer(study, table, dec)
        write_decomposition(study, dec)
    answer = written_answer(table, study.stricter_rule, dec, study.contests)
    text = "".join(f"<p>{html.escape(s)}</p>" for s in answer.sentences)
    rests = "".join(f"<li>{html.escape(t)} <span class='note'>({html.escape(w)})</span></li>"
                    for t, w in answer.assumptions)
    wide = shown_columns(ranked(table), study).rename(columns=column_titles(table))
    figs = [figure_html(r) for r in tornadoes]
    figs[1:1] = [figure_html(r) for r in decomposition_plots(study, table, dec)]
    return ("<h2>The answer: what each barrier costs and each reform buys</h2>"
            f"<div class='answer'>{text}<p><b>The answer rests on:</b></p><ul>{rests}</ul></div>"
            + "".join(figs[:1]) + f"<h3>Ranked table</h3><p class='note'>"
            f"{html.escape(reading_note(study))}</p>" + table_html(wide) + "".join(figs[1:]))


def decomposition_plots(study: Study, table: pd.DataFrame, dec: pd.DataFrame) -> list[PlotRecord]:
    """The stacked bar of where the top effects are made, per headline (value metrics)."""
    from .decomposition import WINDOWS
    from .plots.decomposition import plot_decomposition

    if dec.empty:
        return []
    out = []
    for head in study.headlines:
        metric = next((m for m in dict.fromkeys(table.loc[table["headline"] == head, "metric"])
                       if m in WINDOWS), None)
        rec = None if metric is None else plot_decomposition(
            table, dec, metric, head, study.folder.path / "plots")
        out += [rec] if rec is not None else []
    return out


def plots_section(folder: ResultsFolder, records: list[PlotRecord] | None = None) -> str:
    """The standard plots of a folder (drawn into its ``plots/`` now unless given), the
    study's tornado charts left to the answer.
    """
    records = make_plots(folder.path) if records is None else records
    key = [r for r in records if r.kind not in ("distribution", "tornado")
           or any(r.path.stem == f"dist_{m}" for m in KEY_METRICS)]
    return f"<h2>Plots — {html.escape(folder.name)}</h2>" + "".join(map(figure_html, key))


def sensitivity_section(folder: ResultsFolder) -> str:
    """Sensitivity of the key metrics in each swept scenario, when there is one."""
    from .sensitivity import run_sensitivity

    if folder.runs.groupby("scenario")["point"].nunique().max() < 2:
        return ""
    metrics = [m for m in KEY_METRICS if m in folder.runs]
    try:
        table, records, notes = run_sensitivity(folder.path, metrics or None)
    except UserError as exc:
        return f"<h2>Sensitivity</h2><p class='note'>Not computed: {html.escape(str(exc))}</p>"
    note = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    methods = ", ".join(sorted(table["method"].unique()))
    return (f"<h2>Sensitivity — {html.escape(folder.name)}</h2><p class='note'>Method(s): "
            f"{methods}; each design point's output is its replicate mean.</p>"
            + (f"<ul class='note'>{note}</ul>" if note else "")
            + "".join(map(figure_html, records)))


#: Conditions the report looks for automatically: (metric, below, above).
AUTO_DISCOVERY = (("deterrence_failure.indo_pacific", None, 0.5), ("surge_ratio", 2.0, None))


def discovery_section(folder: ResultsFolder) -> str:
    """PRIM boxes for the standard questions where the design has swept settings, plus any
    box an analyst found earlier with ``dibsim discover`` (kept in ``DIR/discovery``).
    """
    from .discovery import DISCOVERY_DIR, discover

    if not design_info(folder).names:
        return ""
    parts, done = [], set()
    for metric, below, above in AUTO_DISCOVERY:
        if metric not in folder.runs:
            continue
        try:
            found = discover(folder.path, metric, below=below, above=above)
        except UserError as exc:
            parts.append(f"<p class='note'>{html.escape(str(exc))}</p>")
            continue
        done.add(f"{found.records[0].path.stem.removeprefix('prim_tradeoff_')}")
        parts.append(f"<h3>{html.escape(found.condition)}</h3><p class='note'>{found.n_interest}"
                     f" of {found.n_runs} runs are cases of interest; box #{found.chosen}.</p>")
        parts.append(table_html(found.limits.round(4)) if not found.limits.empty else "")
        parts += [figure_html(r) for r in found.records]
    parts += earlier_discoveries(folder.path / DISCOVERY_DIR, done)
    return f"<h2>Scenario discovery (PRIM) — {html.escape(folder.name)}</h2>" + "".join(parts)


def earlier_discoveries(where: Path, done: set[str]) -> list[str]:
    """Tables and images of boxes saved by earlier ``dibsim discover`` runs."""
    parts = []
    for table in sorted(where.glob("prim_*_box.csv")):
        stem = table.name.removeprefix("prim_").removesuffix("_box.csv")
        if stem in done:
            continue
        limits = pd.read_csv(table)
        title = limits.pop("condition").iloc[0] if "condition" in limits and len(limits) else stem
        parts.append(f"<h3>{html.escape(str(title))} (saved by dibsim discover)</h3>")
        parts.append(table_html(limits.round(4)) if not limits.empty else "")
        for kind in ("tradeoff", "box"):
            image = where / f"prim_{kind}_{stem}.png"
            if image.is_file():
                parts.append(f"<figure>{embed(image)}</figure>")
    return parts


def build_report(paths: list[str | Path], out: str | Path | None = None,
                 baseline: str | None = None,
                 answer: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Path:
    """Write the self-contained HTML report of one or several results folders.

    Args:
        paths: results folders.
        out: the HTML file (default ``<first folder>/report.html``).
        baseline: the comparison's baseline (see :func:`experiments.analysis.compare.pick_baseline`).
        answer: the first folder's study effects and decomposition, already written by the
            caller (``dibsim study`` has them; made again here when None).

    Returns:
        The path of the report.
    """
    folders = [load_results(p) for p in paths]
    target = Path(out) if out else folders[0].path / "report.html"
    if target.exists() and target.is_dir():
        raise UserError(f"-o '{target}' is a folder; give a file name such as report.html")
    records = {f.path: make_plots(f.path) for f in folders}
    study = load_study(folders[0])
    tornadoes = [r for r in records[folders[0].path] if r.kind == "tornado"]
    screen, body = "", []
    if study is not None:
        from .first_screen import first_screen_html

        table, dec = answer if answer is not None else (effects(study), None)
        screen = first_screen_html(table, tornadoes[0].path if tornadoes else None, embed,
                                   study.contests)
        body = [answer_section(study, tornadoes, table, dec)]
    body += [scenarios_section(folders), key_metrics_section(folders),
             comparison_section(folders, baseline, folders[0].path / "plots")]
    for f in folders:
        body += [plots_section(f, records[f.path]), sensitivity_section(f), discovery_section(f)]
    names = ", ".join(f.name for f in folders)
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    from .first_screen import CSS as SCREEN_CSS

    title = ("What each barrier costs and each reform buys" if study is not None
             else f"dibsim report: {html.escape(names)}")
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>dibsim report: "
            f"{html.escape(names)}</title><style>{CSS}{SCREEN_CSS}</style></head><body>"
            f"<h1>{title}</h1>{screen}<p class='note'>Generated {stamp} from stored results "
            f"in {html.escape(', '.join(str(f.path) for f in folders))}.</p>"
            + "".join(body) + "</body></html>")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target
