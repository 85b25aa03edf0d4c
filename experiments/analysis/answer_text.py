"""The written answer that heads a study's report, generated from the effects table.

Nothing here is a conclusion written in advance: every sentence names the arms and numbers
that :func:`experiments.analysis.answer.effects` measured, so the text changes when the
numbers do. The assumptions the answer rests on are listed in :data:`ASSUMPTIONS`, each with
where ``docs/`` explains it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..study import RANKED_KINDS
from .answer import NO_CHANGE, interval
from .catalog import metric_spec, probability_valued, ranked_label, subject_label
from .contest import Contest, status_quo_failure, unmeasured_note, worldwide_note

#: The main assumptions the answer rests on: (assumption, where it is explained, and the
#: metric whose use makes it apply, or None when it always applies).
ASSUMPTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("The model compares scenarios on common random numbers; it does not forecast output in "
     "a given month.", "docs/ODD.md §1 Purpose", None),
    ("Barrier times are lognormal around sourced medians; most denial probabilities, all "
     "regulator capacities and the reforms' time factors are assumptions.",
     "docs/ODD.md §7 Barriers; docs/parameters.md", None),
    ("Buyers choose routes by a logit over goal-weighted utility, so they route around a slow "
     "barrier: removing one can move output between US and allied lines rather than add to it.",
     "docs/ODD.md §4 Adaptation; §8 Every barrier can bite", None),
    ("Lines expand only after a lag (18–24 months for a line, years for energetics and motors) "
     "and only when funding is signalled.",
     "docs/ODD.md §4 Basic principles; §7 Production and expansion", None),
    ("Deterrence is the adversary's assessed chance that a campaign fails, from allied stock, "
     "reinforcement and production over a 65-week campaign against a requirement taken from a "
     "wargame's opening three weeks (A5); the baseline is placed where deterrence is contested "
     "by assumption, and the adversary neither learns nor anticipates expansions.",
     "docs/ODD.md §7 Adversary; §9 Known limitations", None),
    ("Prices are fixed: no cost escalation under surge and no labour market.",
     "docs/ODD.md §9 Known limitations", None),
)
#: How many resolved barrier costs the answer names.
TOP_BARRIERS = 3


@dataclass(frozen=True)
class WrittenAnswer:
    """The answer's sentences (plain text) and the assumptions it rests on."""

    sentences: tuple[str, ...]
    assumptions: tuple[tuple[str, str], ...]

    def markdown(self) -> str:
        """The answer as Markdown: one paragraph per sentence, then the assumptions."""
        body = "\n\n".join(self.sentences)
        rests = "\n".join(f"- {text} ({where})" for text, where in self.assumptions)
        return f"{body}\n\n**The answer rests on:**\n\n{rests}\n"


def label(metric: str) -> str:
    """A metric's short label for prose: its spec's label, with the region or system."""
    spec = metric_spec(metric)
    name = spec.label if spec is not None else metric.replace("_", " ")
    if "." in metric:
        name = f"{name} ({metric.split('.', 1)[1].replace('_', ' ')})"
    return name


def amount(r: pd.Series) -> str:
    """'+12,300 units [9,000, 15,000], +2.1% of the status quo'; a probability's change in
    words and absolute terms, never as a percentage of it (:func:`probability_change`).
    """
    if probability_valued(r["metric"]):
        return probability_change(r)
    spec = metric_spec(r["metric"])
    unit = "" if spec is None else f" {spec.unit}"
    effect, bounds = interval(r).split(" ", 1)
    text = f"{effect}{unit} {bounds}"
    pct = r["relative_pct"]
    if np.isfinite(pct):
        text += f", {percent(pct)} of the status quo"
    return text


def agree(n: int, one: str, many: str) -> str:
    """The verb or noun that agrees with a count: ``one`` for 1, ``many`` otherwise."""
    return one if n == 1 else many


def probability_change(r: pd.Series, what: str = "the probability", bounds: bool = True) -> str:
    """What an arm does to a probability, in absolute terms: a barrier 'adds 0.0013 [0.0004,
    0.0022] to the probability: 0.418 without it, 0.419 with it'; a reform or a stricter
    barrier 'lowers the probability by 0.0021 [...]: 0.419 → 0.417'.
    """
    sq, arm, d = r["status_quo_mean"], r["arm_mean"], r["difference"]
    if not np.isfinite(d):
        return "no values"
    lo, hi = r["ci_low"], r["ci_high"]
    if r["kind"] == "removed":  # the barrier's own share: with it minus without it
        d, lo, hi = -d, -hi, -lo
    ends = (lo, hi) if d >= 0 else (-hi, -lo)
    scale = max((abs(v) for v in (d, lo, hi) if np.isfinite(v)), default=0.0)
    places = max(0, 1 - int(np.floor(np.log10(scale)))) if scale > 0 else 3
    size = _fixed(abs(d), places)
    if bounds and np.isfinite(lo):
        size += f" [{_fixed(ends[0], places)}, {_fixed(ends[1], places)}]"
    before, after = _fixed(sq, max(3, places)), _fixed(arm, max(3, places))
    if r["kind"] == "removed":
        verb = f"adds {size} to {what}" if d >= 0 else f"takes {size} off {what}"
        return f"{verb}: {after} without it, {before} with it"
    return f"{'raises' if d >= 0 else 'lowers'} {what} by {size}: {before} → {after}"


def _fixed(x: float, places: int) -> str:
    """``x`` with ``places`` decimals, never '-0'."""
    return f"{round(x, places) + 0.0:.{places}f}"


def percent(pct: float) -> str:
    """'+12%', '+1.5%', '+0.021%'."""
    if abs(pct) >= 10:
        return f"{pct:+.0f}%"
    if abs(pct) >= 1:
        return f"{pct:+.1f}%"
    return f"{pct:+.2g}%"


def _named(rows: pd.DataFrame) -> str:
    items = [f"{ranked_label(r['kind'], r['subject'])} ({amount(r)})" for _, r in rows.iterrows()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _of(g: pd.DataFrame, kind: str, metric: str) -> pd.DataFrame:
    return g[(g["kind"] == kind) & (g["metric"] == metric)]


def _resolved(rows: pd.DataFrame, positive: bool) -> pd.DataFrame:
    keep = rows["resolved"] & ((rows["effect"] > 0) if positive else (rows["effect"] < 0))
    return rows[keep].sort_values("effect", ascending=not positive)


def barrier_sentences(g: pd.DataFrame, metric: str) -> list[str]:
    """Which barriers cost most (the top resolved costs), and any that help."""
    rows = _of(g, "removed", metric)
    costs = _resolved(rows, True)
    what = label(metric)
    if costs.empty:
        out = [f"No barrier has a resolved cost in {what}: removing any one of them changes it "
               "by less than the runs can tell from no change."]
    elif len(costs) < min(TOP_BARRIERS, len(rows)):
        out = [f"Only {len(costs)} of {len(rows)} barriers {agree(len(costs), 'has', 'have')} "
               f"a resolved cost in {what}: {_named(costs)}."]
    else:
        top = costs.head(TOP_BARRIERS)
        out = [f"The {agree(len(top), 'barrier', 'barriers')} that "
               f"{agree(len(top), 'costs', 'cost')} "
               f"most in {what} (removed minus status quo): {_named(top)}."]
    helps = _resolved(rows, False)
    if not helps.empty:
        n = len(helps)
        out.append(f"Removing {agree(n, 'this barrier', 'these barriers')} lowers "
                   f"{what}, so in this model {agree(n, 'it helps', 'they help')}: "
                   f"{_named(helps)}.")
    return out


def reform_sentences(g: pd.DataFrame, metric: str) -> list[str]:
    """Which reform buys most, or that none buys a resolved gain."""
    rows = _of(g, "reform", metric)
    if rows.empty:
        return []
    what = label(metric)
    gains = _resolved(rows, True)
    if not gains.empty:
        best = gains.head(1)
        text = f"The reform that buys most {what} is {_named(best)}"
        if len(gains) > 1:
            text += f"; next, {_named(gains.iloc[1:2])}"
        out = [text + "."]
    else:
        moved = rows[(rows["verdict"] != NO_CHANGE) & rows["effect"].notna()]
        best = moved.sort_values("effect", ascending=False).head(1)
        if best.empty:
            out = [f"No reform changes {what} in any run."]
        elif best["effect"].iloc[0] <= 0:
            out = [f"No reform buys a resolved gain in {what}, and none has a positive estimate."]
        else:
            out = [f"No reform buys a resolved gain in {what}; the largest estimate, "
                   f"{_named(best)}, is not resolved."]
    losses = _resolved(rows, False)
    if not losses.empty:
        out.append(f"Reforms that lower {what}: {_named(losses)}.")
    return out


#: What the answer says of every industrial investment it names.
INVESTMENT_NOTE = ("an industrial investment changes producers alone (lines added or grown), so "
                   "it buys capacity rather than removing friction")


def investment_sentences(g: pd.DataFrame, metric: str) -> list[str]:
    """What each industrial investment (a reform arm that changes producers alone) buys, kept
    apart from the barrier and policy reforms, and that it buys capacity, not less friction.
    """
    what = label(metric)
    out = []
    for _, r in _of(g, "investment", metric).iterrows():
        name = subject_label("investment", r["subject"])
        if r["verdict"] == NO_CHANGE:
            lead = f"The industrial investment {name} changes no run in {what}"
        elif not r["resolved"]:
            lead = f"The industrial investment {name} is not resolved in {what} ({amount(r)})"
        else:
            verb = "buys" if r["effect"] > 0 else "lowers"
            lead = f"The industrial investment {name} {verb} {what}: {amount(r)}"
        out.append(f"{lead}; {INVESTMENT_NOTE}.")
    return out


def stricter_sentence(g: pd.DataFrame, metric: str, rule: str) -> str | None:
    """What tightening a barrier costs most."""
    rows = _of(g, "stricter", metric)
    if rows.empty:
        return None
    worse = _resolved(rows, True)
    how = f" ({rule})" if rule else ""
    if worse.empty:
        return f"Made stricter{how}, no barrier has a resolved extra cost in {label(metric)}."
    return (f"Made stricter{how}, the barrier that costs most in {label(metric)} (status quo "
            f"minus stricter) is {_named(worse.head(1))}.")


def secondary_sentence(g: pd.DataFrame, metric: str) -> str:
    """The largest resolved barrier cost and reform gain in another headline metric, the
    barrier whose removal lowers it most, when one does, and each industrial investment's
    resolved gain (capacity bought, named apart from the reforms).
    """
    removed = _of(g, "removed", metric)
    cost = _resolved(removed, True).head(1)
    helps = _resolved(removed, False).head(1)
    gain = _resolved(_of(g, "reform", metric), True).head(1)
    left = (f"the largest resolved barrier cost is {_named(cost)}" if not cost.empty
            else "no barrier cost is resolved")
    if not helps.empty:
        left += f", and removing {_named(helps)} lowers it most"
    right = (f"the largest resolved reform gain is {_named(gain)}" if not gain.empty
             else "no reform gain is resolved")
    right += investment_clauses(_resolved(_of(g, "investment", metric), True), amount)
    return f"In {label(metric)}, {left}; {right}."


def investment_clauses(rows: pd.DataFrame, how_much: Callable[[pd.Series], str]) -> str:
    """'; the industrial investment X buys <how_much(row)>, capacity rather than friction
    removed' per row: how the answer and the first screen add investments beside the reforms.
    """
    return "".join(f"; the industrial investment {subject_label('investment', r['subject'])} "
                   f"buys {how_much(r)}, capacity rather than friction removed"
                   for _, r in rows.iterrows())


def unresolved_sentence(g: pd.DataFrame, metric: str) -> str:
    """Which barriers and reforms are not resolved in the primary metric, and how many
    effects are not resolved in the whole table.
    """
    rows = g[(g["metric"] == metric) & g["kind"].isin(RANKED_KINDS)]
    still = rows["verdict"] == NO_CHANGE
    names = [ranked_label(r["kind"], r["subject"])
             for _, r in rows[~rows["resolved"] & ~still].iterrows()]
    total, open_ = len(g), int((~g["resolved"]).sum())
    parts = [f"Not resolved in {label(metric)} (the 95% interval includes zero): "
             f"{', '.join(names)}." if names else ""]
    if still.any():
        parts.append(f"No run changed at all in {label(metric)} with "
                     + ", ".join(ranked_label(r["kind"], r["subject"])
                                 for _, r in rows[still].iterrows()) + ".")
    if not names and not still.any():
        parts.append(f"Every barrier and reform effect in {label(metric)} is resolved.")
    parts.append(f"Across the table, {open_} of {total} effects {agree(open_, 'is', 'are')} "
                 "not resolved.")
    return " ".join(p for p in parts if p)


#: How many effects the answer says where they are made.
TOP_WHERE = 3


def where_sentences(g: pd.DataFrame, dec: pd.DataFrame | None) -> list[str]:
    """Where the top effects are made: for the largest barrier costs and reform gains in the
    first decomposable headline metric, the producers carrying at least half of each.
    """
    from .decomposition import WINDOWS, where_made_sentence

    if dec is None or dec.empty:
        return []
    metric = next((m for m in dict.fromkeys(g["metric"]) if m in WINDOWS), None)
    rows = g[(g["metric"] == metric) & g["kind"].isin(RANKED_KINDS) & g["resolved"]]
    top = rows.reindex(rows["effect"].abs().sort_values(ascending=False).index).head(TOP_WHERE)
    out = [where_made_sentence(dec, r, ranked_label(r["kind"], r["subject"]))
           for _, r in top.iterrows()]
    return [s for s in out if s]


def written_answer(table: pd.DataFrame, rule: str = "", dec: pd.DataFrame | None = None,
                   contests: Mapping[str, Contest] | None = None) -> WrittenAnswer:
    """The written answer for every headline of an effects table.

    Args:
        table: :func:`experiments.analysis.answer.effects`.
        rule: how "made stricter" was defined (the study file's rule).
        dec: the decomposition (:func:`experiments.analysis.decomposition.decomposition`);
            with it the answer says where the top effects are made.
        contests: headline → its :class:`~experiments.analysis.contest.Contest` (the study's
            ``contests``); with it the answer says what a scripted war leaves unmeasured, the
            failure probability's ceiling and what output value counts.
    """
    sentences: list[str] = []
    metrics_used: set[str] = set()
    for head, g in table.groupby("headline", sort=False):
        metrics = list(dict.fromkeys(g["metric"]))
        metrics_used |= set(metrics)
        primary = metrics[0]
        n = int(g.loc[g["metric"] == primary, "n"].max())
        sentences.append(f"In {head}, {n} paired replications per arm (common random numbers), "
                         f"ranked by {label(primary)}.")
        sentences += barrier_sentences(g, primary)
        sentences += reform_sentences(g, primary)
        sentences += investment_sentences(g, primary)
        stricter = stricter_sentence(g, primary, rule)
        sentences += [stricter] if stricter else []
        sentences += where_sentences(g, None if dec is None or dec.empty
                                     else dec[dec["headline"] == head])
        sentences += [secondary_sentence(g, m) for m in metrics[1:]]
        contest = (contests or {}).get(str(head))
        sentences += [s for s in (status_quo_failure(g, contest), unmeasured_note(contest),
                                  worldwide_note(contest)) if s]
        sentences.append(unresolved_sentence(g, primary))
    rests = tuple((text, where) for text, where, when in ASSUMPTIONS
                  if when is None or when in metrics_used)
    return WrittenAnswer(tuple(sentences), rests)
