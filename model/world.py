"""Static facts of a scenario's world that agents and barriers consult every week.

Memberships (ISO3 code and group tokens), understanding of US processes, transit times in
whole weeks and congressional thresholds are computed once here so the weekly step does
dictionary look-ups only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .schema import Scenario


class World:
    """Look-up tables built once from the scenario.

    Args:
        scenario: the resolved scenario.
    """

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.items = scenario.items
        self.policies = scenario.policies
        self.tokens: dict[str, frozenset[str]] = {
            iso: _tokens(iso, n.rdp_mou, n.groups) for iso, n in scenario.nations.items()
        }
        self.understanding = {iso: n.understanding for iso, n in scenario.nations.items()}
        self.understanding["USA"] = 1.0
        self.export_control_factor = {
            iso: n.export_control_time_factor for iso, n in scenario.nations.items()
        }
        self.return_probability = scenario.pipeline.return_probability_no_understanding
        self.transit = {
            (a, b): max(0, math.ceil(w - 1e-9))
            for a, row in scenario.transit_weeks.items()
            for b, w in row.items()
        }
        cr = scenario.barriers.congressional_review  # type: ignore[attr-defined]  # block built from the registry
        index = 1.0 + cr.inflation_since_fy2003 if scenario.policies.index_congressional_thresholds else 1.0
        self._threshold = (cr.threshold_musd * index, cr.nato_plus_threshold_musd * index)

    def member(self, iso: str, tokens: Iterable[str]) -> bool:
        """Whether nation ``iso`` is named by any of ``tokens`` (its code or a group)."""
        mine = self.tokens.get(iso)
        if mine is None:
            return iso in tokens
        return any(t in mine for t in tokens)

    def nato_plus(self, iso: str) -> bool:
        """Whether the nation has NATO+ treatment under AECA §36 (CRS RL31675, P16)."""
        return "nato_plus" in self.tokens.get(iso, ())

    def notification_threshold(self, iso: str) -> float:
        """Sale value at or above which Congress is notified ($M), indexed if the policy says."""
        return self._threshold[1] if self.nato_plus(iso) else self._threshold[0]


def _tokens(iso: str, rdp: bool, groups: tuple[str, ...]) -> frozenset[str]:
    out = {iso, *groups}
    if rdp:
        out.add("rdp_mou")
    if iso != "USA":
        out.add("allies")
    return frozenset(out)
