"""Depot recertification of stocks and the Regional Sustainment Framework (docs/ODD.md §7).

Missiles in stock are inspected and recertified periodically: each week a share
``recertification_share_per_year / 52`` of what a nation holds of a listed item in each region
leaves service and comes back to the same region after its turnaround. Out of service it is
neither in the theatre's stock nor available to a crisis, though it counts in the nation's
position (it is on its way back), so nobody reorders for it. Today US systems are recertified in
US depots (A12: 95% of systems at the Kadena support centre are still shipped to the US): the
turnaround is the depot work plus the round trip to ``depot_region`` and, for a foreign
customer, a queue behind US work. The pipeline starts full (week 0 holds the steady state).

Under the RSF reform (``policies.rsf_sustainment``, P67, P68, P139) each partner applies for a
sustainment licence per system — maintenance and recertification data, through the
technical-assistance agreement and a DSP-5 (``SUSTAINMENT_LICENCE`` cases), both waived under
blanket approval — and, ``setup_weeks`` after the licence, recertifies its own stock held in
its home region there (depot work plus a round trip inside the region), and US stock held in
that region too where the framework covers US forward stock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cases import Case, CaseKind, CaseStatus

if TYPE_CHECKING:
    from .model import CooperationModel
    from .nation import Nation


class Sustainment:
    """The recertification cycle of every nation's stock, and the RSF cells that shorten it.

    Args:
        model: the model being built (nations, pipeline and world exist).
    """

    def __init__(self, model: "CooperationModel"):
        self.model = model
        self.spec = model.scenario_spec.sustainment
        self.rsf = model.scenario_spec.policies.rsf_sustainment
        self.rates = {k: v / 52.0 for k, v in self.spec.recertification_share_per_year.items() if v > 0}
        self.cells: dict[tuple[str, str], int] = {}  # (partner, item) → week its cell opens
        self.forward: dict[tuple[str, str], int] = {}  # (region, item) → week US stock there is served
        self.partners: dict[str, str] = {}  # partner ISO3 → its home region
        self._terms: dict[tuple[str, str, str], tuple[int | None, int, int]] = {}  # turnaround's, until a cell is licensed
        if not self.rates:
            return
        if self.rsf.enabled:
            for n in model.nation_list:
                if n.iso != "USA" and model.world.member(n.iso, self.rsf.members):
                    self.partners[n.iso] = n.region
                    for item in self.rates:
                        self._apply(n, item)
        self._fill_pipeline()

    def _apply(self, nation: "Nation", item: str) -> None:
        case = Case(CaseKind.SUSTAINMENT_LICENCE, item, "USA", nation.iso, 0.0, 0,
                    on_finish=self._licensed, payload=nation)
        self.model.pipeline.submit(case, 0)

    def _licensed(self, case: Case, week: int) -> None:
        if case.status is not CaseStatus.APPROVED:
            return
        nation = case.payload
        opens = week + self.rsf.setup_weeks
        key = (nation.region, case.item)
        self.cells[(nation.iso, case.item)] = opens
        self._terms.clear()
        if self.rsf.covers_us_forward_stock:
            self.forward[key] = min(self.forward.get(key, opens), opens)

    def turnaround(self, nation: "Nation", region: str, item: str, week: int) -> int:
        """Weeks from leaving service to being back in ``region`` (whole weeks, at least 1)."""
        key = (nation.iso, region, item)
        terms = self._terms.get(key)
        if terms is None:
            terms = self._terms[key] = self._turnaround_terms(nation, region, item)
        cell, in_cell, at_depot = terms
        return in_cell if cell is not None and week >= cell else at_depot

    def _turnaround_terms(self, nation: "Nation", region: str, item: str) -> tuple[int | None, int, int]:
        """The week the stock's RSF cell opens (None: none serves it), and the turnaround
        (weeks) in the cell and through the depot.
        """
        spec = self.spec
        transit = self.model.world.transit
        cell = self.cells.get((nation.iso, item)) if self.partners.get(nation.iso) == region else None
        if cell is None and nation.iso == "USA":
            cell = self.forward.get((region, item))
        in_cell = spec.depot_work_weeks + 2 * transit[(region, region)]
        at_depot = spec.depot_work_weeks + 2 * transit[(region, spec.depot_region)]
        if nation.iso != "USA":
            at_depot += spec.foreign_queue_weeks
        return cell, max(1, round(in_cell)), max(1, round(at_depot))

    def recertify(self, week: int) -> None:
        """This week's share of every listed stock leaves service for its depot."""
        if not self.rates:
            return
        for n in self.model.nation_list:
            for region, at in list(n.held.items()):
                for item, rate in self.rates.items():
                    qty = at[item] * rate
                    if qty > 1e-9:
                        n.move(item, region, region, qty, self.turnaround(n, region, item, week), week)

    def _fill_pipeline(self) -> None:
        """Week 0 holds the steady state: the stock of the last turnaround's weeks is at the
        depot, coming back one week's share at a time.
        """
        for n in self.model.nation_list:
            for region, at in list(n.held.items()):
                for item, rate in self.rates.items():
                    weekly = at[item] * rate
                    if weekly <= 1e-9:
                        continue
                    weeks = self.turnaround(n, region, item, 0)
                    for k in range(1, weeks + 1):
                        n.move(item, region, region, weekly, k, 0)
