"""What a headline scenario lets its answer say: whether its contested adversary decides, the
ceiling its assumed hazard puts on the failure probability, and where its surge is counted.

Read from the status quo's resolved scenario in the results folder's manifest (what was run,
not what the shipped files say now), so every number the answer prints about them comes from
the scenario:

* a scripted war (the contested adversary has ``decides: false``) has a weekly probability of
  acting of 0 (model/adversary.py), so ``failure_probability.<region>`` is 0 in every run:
  the answer leaves it out and says why (:func:`unmeasured_note`);
* the failure probability is bounded by the assumed hazard: ``1 − (1 − h)^T``, with ``h`` the
  adversary's ``hazard_per_week`` and ``T`` the weeks run (:attr:`Contest.ceiling`);
* output value counts every crisis system the scenario's crises consume, in every region; the
  theatre line counts what reached the onset crisis's region (:attr:`Contest.elsewhere`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..study import headline_metric_names
from .catalog import resolved_scenario

#: Metric families measured from the adversary's own decision to act: with a scripted war
#: they are 0 in every run, so they measure nothing.
DECISION_FAMILIES: tuple[str, ...] = ("failure_probability", "deterrence_failure")
#: The plain sentence said once where a headline's failure probability is left out.
UNMEASURED = ("Deterrence failure probability not measured here: the war is scripted "
              "(the adversary does not decide).")


@dataclass(frozen=True)
class Contest:
    """A headline's contested adversary and its surge's theatre, as the scenario sets them.

    Attributes:
        region: the contested region (study.json), or None.
        region_name: its name in words.
        decides: whether its adversary may start a crisis itself (None: the folder does not say).
        hazard: its weekly chance of acting at a certain success (an assumption), or None.
        weeks: the weeks each run lasted (the ``--steps`` given, else the horizon), or None.
        theatre: the onset crisis's region in words (where the theatre line counts), or None.
        elsewhere: the other regions in words whose scripted crises' systems output value counts.
        left_out: the study's headline metrics that measure nothing here (:meth:`measures`).
    """

    region: str | None
    region_name: str = ""
    decides: bool | None = None
    hazard: float | None = None
    weeks: int | None = None
    theatre: str | None = None
    elsewhere: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def ceiling(self) -> float | None:
        """The highest failure probability the hazard allows: 1 − (1 − h)^T (None: unknown)."""
        if self.hazard is None or self.weeks is None or not self.decides:
            return None
        return 1.0 - (1.0 - self.hazard) ** self.weeks

    def measures(self, metric: str) -> bool:
        """Whether a headline metric measures anything here: not a decision metric of a
        region whose adversary does not decide.
        """
        family, _, member = metric.partition(".")
        return not (self.decides is False and family in DECISION_FAMILIES
                    and member == self.region)


def contest_of(manifest: Mapping[str, Any], headline: str, region: str | None,
               templates: tuple[str, ...] | list[str] = ()) -> Contest:
    """The :class:`Contest` of one headline from a results folder's manifest (an empty one
    when the manifest does not hold the headline's resolved scenario); ``templates``: the
    study's headline metrics (``{region}`` filled with ``region``), for ``left_out``.
    """
    found = _contest(resolved_scenario(manifest, headline), manifest.get("steps"), region)
    return replace(found, left_out=tuple(m for m in headline_metric_names(templates, region)
                                         if not found.measures(m)))


def _contest(scn: dict[str, Any], steps: Any, region: str | None) -> Contest:
    """The contest the resolved scenario ``scn`` sets (run ``steps`` weeks, when given)."""
    if not scn:
        return Contest(region, _words(region))
    names = {k: str(v.get("name") or _words(k)) for k, v in (scn.get("regions") or {}).items()
             if isinstance(v, dict)}
    adv = (scn.get("adversaries") or {}).get(region) if region else None
    horizon = scn.get("horizon_weeks")
    weeks = steps if isinstance(steps, int) and steps > 0 else horizon
    crises = [c for c in scn.get("crises") or () if isinstance(c, dict)]
    onset = _onset(crises, (scn.get("measurement") or {}).get("onset_region"))
    others = dict.fromkeys(c.get("region") for c in crises if onset and c.get("region") != onset)
    return Contest(
        region, names.get(region or "", _words(region)),
        None if not isinstance(adv, dict) else bool(adv.get("decides", True)),
        None if not isinstance(adv, dict) else _float(adv.get("hazard_per_week")),
        weeks if isinstance(weeks, int) else None,
        None if onset is None else names.get(onset, _words(onset)),
        tuple(names.get(r, _words(r)) for r in others if isinstance(r, str)))


def _onset(crises: list[dict[str, Any]], region: str | None) -> str | None:
    """The region of the scripted crisis surge metrics count from (CooperationModel.onset's
    rule on the resolved scenario: the first crisis in ``region``, else the first of all).
    """
    pool = [c for c in crises if region is None or c.get("region") == region]
    first = min(pool, key=lambda c: int(c.get("start_week") or 0), default=None)
    return None if first is None else str(first.get("region"))


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _words(key: str | None) -> str:
    return "" if not key else key.replace("_", " ")


def unmeasured_note(contest: Contest | None) -> str | None:
    """:data:`UNMEASURED` when one of the study's headline metrics is left out of this headline
    because its adversary does not decide, else None.
    """
    return UNMEASURED if contest is not None and contest.left_out else None


def ceiling_text(contest: Contest | None, status_quo: float) -> str:
    """'0.419, of a ceiling of 0.542 = 1 − (1 − 0.003)^260 over 260 weeks (weekly hazard
    0.003: an assumption)'; the value alone when the ceiling is unknown.
    """
    value = f"{status_quo:.3f}"
    ceiling = None if contest is None else contest.ceiling
    if ceiling is None or contest is None:
        return value
    return (f"{value}, of a ceiling of {ceiling:.3f} = 1 − (1 − {contest.hazard:g})^{contest.weeks} "
            f"over {contest.weeks} weeks (weekly hazard {contest.hazard:g}: an assumption)")


def status_quo_failure(g: pd.DataFrame, contest: Contest | None) -> str | None:
    """'Deterrence failure probability (Indo-Pacific), status quo: 0.419, of a ceiling
    of 0.542 = …' for one headline's effects rows, or None without a failure probability.
    """
    rows = g[g["metric"].str.partition(".")[0] == DECISION_FAMILIES[0]]
    if rows.empty or not np.isfinite(rows["status_quo_mean"].iloc[0]):
        return None
    where = f" ({contest.region_name})" if contest is not None and contest.region_name else ""
    return (f"Deterrence failure probability{where}, status quo: "
            f"{ceiling_text(contest, float(rows['status_quo_mean'].iloc[0]))}.")


def worldwide_note(contest: Contest | None) -> str | None:
    """'Output value counts all crisis systems worldwide, including those for the war in
    Europe.' when
    another region's scripted crisis runs beside the onset's, else None.
    """
    if contest is None or not contest.elsewhere or not contest.theatre:
        return None
    wars = " and ".join(f"the war in {name}" for name in contest.elsewhere)
    return f"Output value counts all crisis systems worldwide, including those for {wars}."
