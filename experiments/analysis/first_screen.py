"""A planner's first screen: what the report shows before any scrolling (1366×768).

One short headline sentence per question — what today's barriers cost in surge (at 12 and 36
months), in the theatre when another war runs beside it, in the probability that deterrence
fails (beside its ceiling), which three matter most, which reform buys most (and what an
industrial investment buys, kept apart: it adds capacity, not less friction) — in plain labels
(the metric specs' labels, the barrier registry's names), and the primary metric's tornado
chart sized to fit beside them. The long text follows below. Which metric answers which
question is read from the effects table: the primary (first) headline metric and
:data:`SURGE_METRICS` for surge, the first headline metric measured as a probability for
deterrence failure, so a study that changes its headline metrics changes this screen. A
failure probability a scripted war leaves unmeasured is not in the table; the screen says so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .answer import interval
from .answer_text import agree, investment_clauses, probability_change
from .catalog import metric_spec, plain_label, probability_valued, subject_label
from .contest import Contest, status_quo_failure, unmeasured_note, worldwide_note

#: The id of the first screen's block and of its chart (the browser test looks for them).
SCREEN_ID, CHART_ID = "first-screen", "first-chart"
#: The sentences take 45% of the width: the chart is capped at 540 px high and drawn about
#: square, so the rest (~585 px) still holds it at full size, and the two-headline text of the
#: real study ends above the chart's foot in Chromium's 1366×768 window (its viewport 625 px).
CSS = ("h1{font-size:1.5em;margin:0.2em 0 0.4em}body{margin-top:0.5em}"
       f"#{SCREEN_ID}{{display:flex;gap:1.2em;align-items:flex-start}}"
       f"#{SCREEN_ID} ul{{flex:0 0 45%;margin:0;padding-left:1.1em;font-size:0.9em}}"
       f"#{SCREEN_ID} li{{margin-bottom:0.3em}}"
       f"#{CHART_ID}{{flex:1 1 0;min-width:0;width:55%;height:auto;max-height:540px;"
       "object-fit:contain}")


#: The surge windows the first screen gives, beside the primary metric: a crisis from week 0
#: makes the first 12 months today's industry, so the 36 months are where effects resolve.
SURGE_METRICS: tuple[str, ...] = ("output_value_12m", "output_value_36m")
#: The theatre line given next to the surge when another region's war runs beside it.
THEATRE_METRIC = "theatre_delivered_value_12m"


def _effect(r: pd.Series) -> str:
    if probability_valued(r["metric"]):
        return probability_change(r, "the failure probability", bounds=False)
    spec = metric_spec(r["metric"])
    return interval(r).split(" ", 1)[0] + ("" if spec is None else f" {spec.unit}")


def _best(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["resolved"] & (rows["effect"] > 0)].sort_values("effect", ascending=False)


def _costs(g: pd.DataFrame, metric: str) -> str:
    """'none of 10 has a resolved cost' / '3 of 10 have a resolved cost, the largest Y
    (+1,200 $M)'; a probability's largest cost says what the barrier adds to it.
    """
    rows = g[(g["metric"] == metric) & (g["kind"] == "removed")]
    costs = _best(rows)
    n = len(costs)
    text = f"{n or 'none'} of {len(rows)} {agree(n or 1, 'has', 'have')} a resolved cost"
    if not n:
        return text
    top = costs.iloc[0]
    name = subject_label("removed", top["subject"])
    if probability_valued(metric):
        return f"{text}; the largest, {name}, {_effect(top)}"
    return f"{text}, the largest {name} ({_effect(top)})"


def _when(metric: str) -> tuple[str, str]:
    """(what, window) of a metric's label: ('output value', 'first 12 months')."""
    spec = metric_spec(metric)
    what, _, when = (plain_label(metric) if spec is None else spec.label).partition(", ")
    return what, when


def _surge(g: pd.DataFrame, metrics: list[str]) -> str:
    """'Today's barriers cost in surge (output value, $M): in the first 12 months …; in the
    first 36 months …' (each metric by its full label when they measure different things).
    """
    whats = {_when(m)[0] for m in metrics}
    if len(whats) == 1 and all(_when(m)[1] for m in metrics):
        spec = metric_spec(metrics[0])
        unit = f", {spec.unit}" if spec is not None and spec.unit else ""
        parts = [f"in the {_when(m)[1]} {_costs(g, m)}" for m in metrics]
        return f"Today's barriers cost in surge ({whats.pop()}{unit}): {'; '.join(parts)}."
    parts = [f"in {plain_label(m)} {_costs(g, m)}" for m in metrics]
    return f"Today's barriers cost in surge: {'; '.join(parts)}."


def headline_sentences(table: pd.DataFrame, head: str, contest: Contest | None = None) -> list[str]:
    """The first screen's sentences for one headline scenario (plain text); with its
    :class:`~experiments.analysis.contest.Contest` they say what a scripted war leaves
    unmeasured, the failure probability's ceiling and what output value counts.
    """
    g = table[table["headline"] == head]
    metrics = list(dict.fromkeys(g["metric"]))
    if not metrics:
        return []
    primary = metrics[0]
    out = [_surge(g, list(dict.fromkeys([primary] + [m for m in SURGE_METRICS if m in metrics])))]
    if contest is not None and contest.elsewhere and THEATRE_METRIC in metrics:
        out.append(f"Delivered to the {contest.theatre} theatre in the {_when(THEATRE_METRIC)[1]}: "
                   f"{_costs(g, THEATRE_METRIC)}. {worldwide_note(contest)}")
    failure = next((m for m in metrics if probability_valued(m)), None)
    if failure is not None:
        status = status_quo_failure(g[g["metric"] == failure], contest)
        out.append(f"{status} Barriers: {_costs(g, failure)}." if status else
                   f"Today's barriers cost in failure probability: {_costs(g, failure)}.")
    note = unmeasured_note(contest)
    out += [note] if note else []
    costs = _best(g[(g["metric"] == primary) & (g["kind"] == "removed")]).head(3)
    if len(costs) > 1:  # one is the surge sentence's largest already
        names = "; ".join(f"{subject_label('removed', r['subject'])} ({_effect(r)})"
                          for _, r in costs.iterrows())
        out.append(f"The barriers that matter most: {names}.")
    gains = _best(g[(g["metric"] == primary) & (g["kind"] == "reform")])
    if gains.empty:
        text = f"No reform buys a resolved gain in {plain_label(primary)}"
    else:
        r = gains.iloc[0]
        text = (f"The reform that buys most: {subject_label('reform', r['subject'])} "
                f"({_effect(r)} in {plain_label(primary)})")
    out.append(text + _investments(g, primary) + ".")
    return out


def _investments(g: pd.DataFrame, metric: str) -> str:
    """'; the industrial investment X buys +1,100 $M, capacity rather than friction removed'
    for each investment with a resolved gain (kept apart from the reforms: it adds lines).
    """
    return investment_clauses(_best(g[(g["metric"] == metric) & (g["kind"] == "investment")]),
                              _effect)


def screen_text(table: pd.DataFrame, contests: Mapping[str, Contest] | None = None) -> str:
    """The first screen as plain text for the console ('In short:', then each headline's
    sentences), so ``dibsim study`` ends on what the report opens with.
    """
    lines = ["", "In short:"]
    for head in dict.fromkeys(table["headline"]):
        lines.append(f"{head.replace('_', ' ')}:")
        lines += [f"  - {s}" for s in headline_sentences(table, head, (contests or {}).get(head))]
    return "\n".join(lines)


def first_screen_html(table: pd.DataFrame, chart: Path | None, embed,
                      contests: Mapping[str, Contest] | None = None) -> str:
    """The first screen: the headline sentences of every headline, then the chart beside."""
    items = []
    heads = list(dict.fromkeys(table["headline"]))
    for head in heads:
        prefix = f"<b>{html.escape(head.replace('_', ' '))}:</b> " if len(heads) > 1 else ""
        lines = headline_sentences(table, head, (contests or {}).get(head))
        items += [f"<li>{prefix if i == 0 else ''}{html.escape(s)}</li>"  # named once
                  for i, s in enumerate(lines)]
    img = "" if chart is None else embed(chart).replace("<img ", f"<img id='{CHART_ID}' ", 1)
    return f"<div id='{SCREEN_ID}'><ul>{''.join(items)}</ul>{img}</div>"
