"""The regulatory pipeline: cases move through the barrier stages that apply to them.

Regulators' phase of the week (docs/ODD.md §3, step 1), in this order: every barrier resets its
weekly intake; cases whose processing has ended are denied, returned for resubmission or
passed to their next stage; then every barrier admits queued cases, earlier weeks first, up to
its capacity. Cases submitted while agents act wait in the queue until the phase ends
(``admit``), so cases of one week enter together, in an order drawn from their stable keys
(``Barrier.intake``), never in the order the agents are listed or act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .barrier_base import Barrier
from .barriers import BARRIERS
from .cases import Case, CaseStatus
from .fms import fold_notification
from .summation import plain_sum

if TYPE_CHECKING:

    from .schema import Scenario
    from .world import World


class Pipeline:
    """All barriers of a scenario and the book of finished cases.

    Args:
        scenario: the resolved scenario (barrier settings, resubmission time).
        world: static facts the barriers consult.
        stream: maps a stream name to its generator (one stream per barrier and pair of
            nations, see ``Barrier``).
    """

    def __init__(self, scenario: "Scenario", world: "World", stream) -> None:
        self.barriers: list[Barrier] = [
            cls(getattr(scenario.barriers, key), world, stream)
            for key, cls in BARRIERS.items()
        ]
        self.resubmit_weeks = scenario.pipeline.resubmit_weeks
        self.finished = 0
        self.denied = 0
        self.delay_sum = 0
        #: hold submitted cases until :meth:`admit` (the model's simultaneous phases); direct
        #: users of the pipeline get the case admitted at once
        self.deferred = False

    def submit(self, case: Case, week: int) -> None:
        """Open a case: route it through the stages that apply, or approve it at once."""
        case.submitted_week = week
        case.stages, case.notice = self.stages(case, week)
        if not case.stages:
            self._finish(case, CaseStatus.APPROVED, week)
            return
        first = case.stages[0]
        first.enqueue(case, week)
        if not self.deferred:
            first.intake(week)

    def admit(self, week: int) -> None:
        """Admit the cases submitted since the last admission (end of an agents' phase)."""
        for b in self.barriers:
            if b.queue:
                b.intake(week)

    def submit_in_flight(self, case: Case, age_weeks: int, week: int = 0) -> None:
        """Open a case that was submitted ``age_weeks`` before ``week`` (the warm start): the
        stages that apply in ``week`` are walked from the back-dated submission with their own
        drawn processing times; a stage whose time has run out was passed (a case still open at
        ``week`` was not denied on its way), and the case waits in the stage it has reached with
        its drawn end. A case past every stage is approved in ``week``.
        """
        case.submitted_week = week - age_weeks
        case.stages, case.notice = self.stages(case, week)
        started = case.submitted_week
        for i, b in enumerate(case.stages):
            end = b.resume(case, started)
            if end > week:
                case.stage_index = i
                return
            started = end
        self._finish(case, CaseStatus.APPROVED, week)

    def advance(self, week: int) -> None:
        """The regulators' phase: complete, route and admit cases for this week."""
        for b in self.barriers:
            b.start_week()
        for b in self.barriers:
            for case in b.pop_due(week):
                self._route(b, case, week)
        for b in self.barriers:
            b.intake(week)

    def _route(self, barrier: Barrier, case: Case, week: int) -> None:
        verdict = barrier.decide(case)
        if verdict == "deny":
            self._finish(case, CaseStatus.DENIED, week)
        elif verdict == "return":
            case.returns += 1
            barrier.enqueue(case, week, week + self.resubmit_weeks)
        elif case.stage_index + 1 < len(case.stages):
            case.stage_index += 1
            case.stages[case.stage_index].enqueue(case, week)
        else:
            self._finish(case, CaseStatus.APPROVED, week)

    def _finish(self, case: Case, status: CaseStatus, week: int) -> None:
        case.status = status
        case.finished_week = week
        self.finished += 1
        self.delay_sum += case.delay_weeks
        if status is CaseStatus.DENIED:
            self.denied += 1
        if case.on_finish is not None:
            case.on_finish(case, week)

    def open_cases(self) -> dict[str, int]:
        """Open cases per barrier key (queued, waiting or in process)."""
        return {b.key: b.open_cases() for b in self.barriers}

    def stages(self, case: Case, week: int) -> tuple[list[Barrier], Barrier | None]:
        """The stages a case submitted in ``week`` passes in turn, and the congressional
        notification run inside its FMS stage (``model/fms.py``), if any.
        """
        return fold_notification([b for b in self.barriers if b.needed(case, week)])

    def expected_weeks(self, case: Case, week: int) -> float:
        """Nominal regulatory time of a case from the stages' medians (a buyer's prior)."""
        stages, notice = self.stages(case, week)
        case.notice = notice
        total = plain_sum(max(1.0, b.nominal_days(case, week) / 7.0) for b in stages)
        case.notice = None
        return total
