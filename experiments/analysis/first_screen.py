"""A planner's first screen: what the report shows before any scrolling (1366×768).

One short headline sentence per question — what today's barriers cost in surge, what they
cost in the probability that deterrence fails, which three matter most, which reform buys
most — in plain labels (the metric specs' labels, the barrier registry's names), and the
primary metric's tornado chart sized to fit beside them. The long text follows below.
Which metric answers which question is read from the effects table: the primary (first)
headline metric for surge, the first headline metric the model declares a probability for
deterrence failure, so a study that changes its headline metrics changes this screen.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from .answer import interval
from .catalog import metric_spec, plain_label, subject_label

#: The id of the first screen's block and of its chart (the browser test looks for them).
SCREEN_ID, CHART_ID = "first-screen", "first-chart"
CSS = ("h1{font-size:1.5em;margin:0.2em 0 0.4em}body{margin-top:0.5em}"
       f"#{SCREEN_ID}{{display:flex;gap:1.2em;align-items:flex-start}}"
       f"#{SCREEN_ID} ul{{flex:0 0 38%;margin:0;padding-left:1.1em;font-size:0.95em}}"
       f"#{SCREEN_ID} li{{margin-bottom:0.5em}}"
       f"#{CHART_ID}{{flex:1 1 0;min-width:0;width:60%;height:auto;max-height:540px;"
       "object-fit:contain}")


def _is_probability(spec: Any) -> bool:
    """A metric measured as a probability: a 0/1 outcome per run, or a probability in each run."""
    return spec is not None and (bool(getattr(spec, "probability", False))
                                 or getattr(spec, "unit", "") == "probability")


def _effect(r: pd.Series) -> str:
    spec = metric_spec(r["metric"])
    unit = "" if spec is None else (" in probability" if spec.probability else f" {spec.unit}")
    return interval(r).split(" ", 1)[0] + unit


def _best(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["resolved"] & (rows["effect"] > 0)].sort_values("effect", ascending=False)


def headline_sentences(table: pd.DataFrame, head: str) -> list[str]:
    """The first screen's sentences for one headline scenario (plain text)."""
    g = table[table["headline"] == head]
    metrics = list(dict.fromkeys(g["metric"]))
    if not metrics:
        return []
    primary = metrics[0]
    failure = next((m for m in metrics if _is_probability(metric_spec(m))), None)
    out = []
    for metric, what in ((primary, "surge"), (failure, "failure probability")):
        if metric is None:
            continue
        rows = g[(g["metric"] == metric) & (g["kind"] == "removed")]
        costs = _best(rows)
        if costs.empty:
            out.append(f"Today's barriers cost in {what}: none of {len(rows)} has a resolved "
                       f"cost in {plain_label(metric)}.")
            continue
        top = costs.iloc[0]
        out.append(f"Today's barriers cost in {what}: {len(costs)} of {len(rows)} have a resolved "
                   f"cost in {plain_label(metric)}; the largest is "
                   f"{subject_label('removed', top['subject'])} ({_effect(top)}).")
    costs = _best(g[(g["metric"] == primary) & (g["kind"] == "removed")]).head(3)
    if not costs.empty:
        names = "; ".join(f"{subject_label('removed', r['subject'])} ({_effect(r)})"
                          for _, r in costs.iterrows())
        out.append(f"The barriers that matter most: {names}.")
    gains = _best(g[(g["metric"] == primary) & (g["kind"] == "reform")])
    if gains.empty:
        out.append(f"No reform buys a resolved gain in {plain_label(primary)}.")
    else:
        r = gains.iloc[0]
        out.append(f"The reform that buys most: {subject_label('reform', r['subject'])} "
                   f"({_effect(r)} in {plain_label(primary)}).")
    return out


def first_screen_html(table: pd.DataFrame, chart: Path | None, embed) -> str:
    """The first screen: the headline sentences of every headline, then the chart beside."""
    items = []
    heads = list(dict.fromkeys(table["headline"]))
    for head in heads:
        prefix = f"<b>{html.escape(head.replace('_', ' '))}:</b> " if len(heads) > 1 else ""
        items += [f"<li>{prefix}{html.escape(s)}</li>" for s in headline_sentences(table, head)]
    img = "" if chart is None else embed(chart).replace("<img ", f"<img id='{CHART_ID}' ", 1)
    return f"<div id='{SCREEN_ID}'><ul>{''.join(items)}</ul>{img}</div>"
