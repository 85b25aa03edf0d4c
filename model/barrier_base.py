"""The barrier plug-in: one stage of the regulatory pipeline.

A barrier decides whether it applies to a case, draws the case's processing time, admits at
most ``capacity_per_week`` cases a week into processing (first come, first served, so a surge
of cases congests it), and at the end of processing denies, returns or passes the case.
Subclasses define only what differs: ``applies`` and, where the regulation says so, ``plan``;
each declares its scenario key, its settings model, a short description and its stage
position, and is registered with :func:`model.barriers.register` (the one registry).
"""

from __future__ import annotations

import math
import zlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from .cases import Case
from .schema_barriers import BarrierSettings

if TYPE_CHECKING:
    import numpy as np

    from .world import World

#: Cases returned more often than this are processed as they stand (assumption).
MAX_RETURNS = 3
#: "Made stricter", the one rule every study, fact and table uses (:func:`stricter_settings`):
#: every median time (fields ending in ``median_days``) × this factor, from at least a week
#: (four times slower, as the stylised facts of docs/ODD.md use; assumption) …
STRICTER_TIME_FACTOR = 4.0
STRICTER_MIN_DAYS = 7.0
#: … and the denial probability doubled, capped at 1; a barrier that never denies gets this
#: probability instead, so it too gets stricter (assumption).
STRICTER_DENIAL_FACTOR = 2.0
STRICTER_DENIAL_STEP = 0.05
#: The aspects of "stricter": slower, more denials, or both.
STRICTER_ASPECTS = ("both", "delay", "denial")


def median_time_fields(settings: BarrierSettings) -> tuple[str, ...]:
    """The fields of a barrier's settings that hold a median time (days): the ones the
    stricter rule and the barrier-delay sweep scale.
    """
    return tuple(n for n in type(settings).model_fields if n.endswith("median_days"))


def stricter_settings(settings: BarrierSettings, aspect: str = "both") -> dict[str, float]:
    """The settings (field → value) that make a barrier stricter: the one declaration.

    Args:
        settings: the barrier's current settings.
        aspect: ``delay`` (median times only), ``denial`` (denial probability only) or ``both``.

    Raises:
        ValueError: on an unknown aspect.
    """
    if aspect not in STRICTER_ASPECTS:
        raise ValueError(f"stricter aspect must be one of {STRICTER_ASPECTS}, not {aspect!r}")
    out: dict[str, float] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if name.endswith("median_days") and aspect != "denial":
            out[name] = max(STRICTER_MIN_DAYS, float(value)) * STRICTER_TIME_FACTOR
        elif name == "denial_probability" and aspect != "delay":
            p = float(value)
            out[name] = min(1.0, p * STRICTER_DENIAL_FACTOR) if p > 0 else STRICTER_DENIAL_STEP
    return out


def stricter_rule() -> str:
    """The stricter rule in words, as tables and the written answer state it."""
    return (f"every median time × {STRICTER_TIME_FACTOR:g} (from at least "
            f"{STRICTER_MIN_DAYS:g} days) and the denial probability × "
            f"{STRICTER_DENIAL_FACTOR:g}, capped at 1 ({STRICTER_DENIAL_STEP:g} where it is 0)")


def _queue_key(case: Case) -> tuple[int, int, str]:
    """Intake order: ready week, then a stable hash of the case's key and that week."""
    return (case.ready_week, zlib.crc32(f"{case.key}|{case.kind.value}|{case.ready_week}".encode()), case.key)


class Barrier:
    """Base class of the barrier plug-ins.

    Args:
        settings: this barrier's validated scenario settings.
        world: static facts of the world (memberships, items, policies).
        streams: maps a stream name to its generator. A case's draws come from the stream
            ``barrier.<key>.<buyer>.<seller>``, so one pair of nations' cases never shift the
            draws of another's (adding a nation leaves every other nation's draws unchanged);
            ``rng`` is the stream of the case being admitted.

    Attributes:
        key: the scenario key (``barriers.<key>``), also the first part of its random streams' names.
        settings_model: the pydantic model of its settings (a :class:`BarrierSettings`).
        description: a few words for the schema and docs/parameters.md.
        label: the plain name reports use ("ITAR export licence (DSP-5)").
        stage: its position in the pipeline; a case meets the stages in increasing order.
    """

    key: ClassVar[str] = ""
    settings_model: ClassVar[type[BarrierSettings]] = BarrierSettings
    description: ClassVar[str] = ""
    #: a planner's name for the barrier in tables, charts and the written answer
    label: ClassVar[str] = ""
    stage: ClassVar[int] = 0

    def __init__(self, settings: BarrierSettings, world: "World",
                 streams: "Callable[[str], np.random.Generator]"):
        #: this barrier's settings: an instance of the plug-in's own ``settings_model``
        self.s: Any = settings
        self.world = world
        self.streams = streams
        #: the stream of the case being planned; every case draws from its own (see case_stream)
        self._rng: np.random.Generator | None = None
        self._case_streams: dict[tuple[str, str], np.random.Generator] = {}
        self.queue: deque[Case] = deque()
        self.waiting: list[Case] = []
        self.in_process: list[Case] = []
        self.intake_left = settings.capacity_per_week
        self.entered = 0

    @property
    def rng(self) -> "np.random.Generator":
        """The random stream of the case being planned (a barrier draws only while planning)."""
        if self._rng is None:
            raise RuntimeError(f"barrier {self.key} drew a random number outside case planning")
        return self._rng

    # -- what the regulation says ------------------------------------------------------------
    def applies(self, case: Case) -> bool:
        """Whether this kind of case falls under the barrier at all."""
        raise NotImplementedError

    def plan(self, case: Case, week: int) -> tuple[float, float]:
        """Processing time (days) and denial probability for a case entering processing."""
        z = self.rng.standard_normal()
        days = self.s.median_days * math.exp(self.s.spread * z) * self.time_factor(case, week)
        return days, self.s.denial_probability

    def nominal_days(self, case: Case, week: int) -> float:
        """Processing time from the medians, without a draw (a buyer's prior)."""
        return self.s.median_days * self.time_factor(case, week)

    def planned(self, case: Case, week: int) -> tuple[float, float]:
        """``plan`` on the case's own stream (see ``case_stream``)."""
        self._rng = self.case_stream(case)
        return self.plan(case, week)

    # -- the common mechanism ----------------------------------------------------------------
    def active(self, week: int) -> bool:
        """Whether the barrier exists in the given week (enabled and inside its window)."""
        s = self.s
        return s.enabled and s.active_from_week <= week and (
            s.active_until_week is None or week <= s.active_until_week
        )

    def exempt(self, case: Case, week: int) -> bool:
        """Whether the case's foreign party is on the exemption list in that week."""
        return week >= self.s.exempt_from_week and self.world.member(case.partner, self.s.exempt)

    def needed(self, case: Case, week: int) -> bool:
        """Whether a case submitted in ``week`` must pass this stage (an earlier decision that
        stands for the case, its ``precedent``, spares it).
        """
        return (self.applies(case) and self.active(week) and not self.exempt(case, week)
                and self.key not in case.precedent)

    def time_factor(self, case: Case, week: int) -> float:
        """Product of the fast-track factors that cover the case's foreign party."""
        f = 1.0
        for ft in self.s.fast_track:
            if week >= ft.from_week and self.world.member(case.partner, ft.members):
                f *= ft.time_factor
        return f

    def return_probability(self, case: Case) -> float:
        """Chance the application comes back incomplete: rises as understanding falls (A1)."""
        if not self.s.us_process:
            return 0.0
        understanding = self.world.understanding.get(case.partner, 1.0)
        return self.world.return_probability * (1.0 - understanding)

    def enqueue(self, case: Case, week: int, ready_week: int | None = None) -> None:
        """Put a case in line now, or (a returned case) once it is resubmitted."""
        case.ready_week = week if ready_week is None else ready_week
        if case.ready_week <= week:
            self.queue.append(case)
        else:
            self.waiting.append(case)

    def open_cases(self) -> int:
        """Cases queued, waiting for resubmission or in process."""
        return len(self.queue) + len(self.waiting) + len(self.in_process)

    def start_week(self) -> None:
        """Reset the weekly intake allowance (regulators' phase)."""
        self.intake_left = self.s.capacity_per_week

    def release_waiting(self, week: int) -> None:
        """Move cases whose (re)submission date has come to the back of the queue."""
        if not self.waiting:
            return
        ready = [c for c in self.waiting if c.ready_week <= week]
        if ready:
            self.waiting = [c for c in self.waiting if c.ready_week > week]
            self.queue.extend(ready)

    def intake(self, week: int) -> None:
        """Start processing queued cases up to the weekly capacity: cases ready in earlier
        weeks first; cases ready in the same week in an order drawn from their keys and the
        week (a stable hash: the same cases in any listing order enter in the same order, and
        no name is always first).
        """
        self.release_waiting(week)
        if len(self.queue) > 1:
            self.queue = deque(sorted(self.queue, key=_queue_key))
        while self.queue and (self.intake_left is None or self.intake_left > 0):
            case = self.queue.popleft()
            self._start(case, week)
            if self.intake_left is not None:
                self.intake_left -= 1

    def _start(self, case: Case, week: int) -> None:
        """Draw a case's processing time and verdicts and put it in process from ``week``."""
        days, deny_p = self.planned(case, week)
        case.end_week = week + max(1, math.ceil(days / 7.0 - 1e-9))
        case.stage_deny_p = deny_p
        case.u_deny, case.u_return = self.rng.random(2)
        self.in_process.append(case)
        self.entered += 1

    def resume(self, case: Case, started: int) -> int:
        """A case open before the run (warm start) that entered this stage in week ``started``
        (negative): its processing time is drawn as usual; if it ends after week 0 the case is
        in process here, else it has passed. Returns the week its processing ends.
        """
        self._rng = self.case_stream(case)
        days, deny_p = self.plan(case, max(0, started))
        self._rng = None
        end = started + max(1, math.ceil(days / 7.0 - 1e-9))
        if end > 0:
            case.end_week = end
            case.stage_deny_p = deny_p
            case.u_deny, case.u_return = self.case_stream(case).random(2)
            self.in_process.append(case)
            self.entered += 1
        return end

    def case_stream(self, case: Case) -> np.random.Generator:
        """The stream a case draws from: one per (barrier, buyer, seller)."""
        pair = (case.buyer, case.seller)
        gen = self._case_streams.get(pair)
        if gen is None:
            gen = self._case_streams[pair] = self.streams(f"barrier.{self.key}.{case.buyer}.{case.seller}")
        return gen

    def pop_due(self, week: int) -> list[Case]:
        """Remove and return the cases whose processing ends by ``week``, in entry order."""
        if not self.in_process:
            return []
        due = [c for c in self.in_process if c.end_week <= week]
        if due:
            self.in_process = [c for c in self.in_process if c.end_week > week]
        return due

    def decide(self, case: Case) -> str:
        """'deny', 'return' or 'pass' for a case whose processing ended."""
        if case.u_deny < case.stage_deny_p:
            return "deny"
        if case.returns < MAX_RETURNS and case.u_return < self.return_probability(case):
            return "return"
        return "pass"
