"""Observed targets of a historical replay, as data: ``<replay>.targets.yaml`` beside its scenario.

A targets file (``format: dibsim-targets/1``) says which line(s) a replay observes and what the
public record says about them: dated rates (value, source keys listed in ``docs/sources.md``,
relative tolerance) and dated milestones (tolerance in weeks). The replays
(:mod:`experiments.validation.history`), the tests and the calibrator read the same files, so a
figure is written once. The file is validated strictly: an unknown field, a date that is not an
ISO date or a negative tolerance is one line naming file, field and value (exit 2 in the CLI).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ...model.loader import SCENARIO_DIR, ScenarioError, format_error, read_yaml

#: The format tag every targets file carries; a change of layout is a new number.
FORMAT = "dibsim-targets/1"
#: Suffix of a targets file (``historical/us_155mm_2022.targets.yaml``).
SUFFIX = ".targets.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _iso(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


class ObservedRate(_Strict):
    """A reported production rate on a date (units per the file's ``unit``)."""

    date: str = Field(description="ISO date of the report")
    value: float = Field(gt=0, description="units per the file's unit")
    source: str = Field(min_length=1, description="source keys (docs/sources.md)")
    tolerance: float = Field(0.15, gt=0, le=1, description="relative tolerance of the comparison")

    _date = field_validator("date")(_iso)


class ObservedMilestone(_Strict):
    """A dated event: 'first_output', 'licence' or 'reaches' (rate first at ``threshold``)."""

    label: str = Field(min_length=1)
    date: str
    source: str = Field(min_length=1)
    kind: Literal["first_output", "licence", "reaches"]
    tolerance_weeks: float = Field(gt=0)
    threshold: float = Field(0.0, ge=0, description="units per the file's unit ('reaches' only)")

    _date = field_validator("date")(_iso)


#: FMS intervals a targets file may state (``durations``) or derive from a case's dates.
INTERVALS = {
    "lor_to_loa": ("lor", "loa"), "notified_to_loa": ("notified", "loa"),
    "loa_to_contract": ("loa", "contract"), "loa_to_delivery": ("loa", "first_delivery"),
    "notified_to_delivery": ("notified", "first_delivery"),
}
Interval = Literal["lor_to_loa", "notified_to_loa", "loa_to_contract", "loa_to_delivery",
                   "notified_to_delivery"]


class ObservedDuration(_Strict):
    """An aggregate FMS process time (``measure: fms_process``): a stage's typical days."""

    label: str = Field(min_length=1)
    interval: Interval
    days: float = Field(gt=0, description="the published figure (days)")
    source: str = Field(min_length=1)
    tolerance: float = Field(0.25, gt=0, le=2, description="relative tolerance of the comparison")


class ObservedCase(_Strict):
    """A named FMS case with its public dates (``measure: fms_process``); each interval between
    two given dates (:data:`INTERVALS`) is compared with the simulated case of the same buyer
    and item.
    """

    label: str = Field(min_length=1)
    nation: str = Field(min_length=1)
    item: str = Field(min_length=1)
    lor: str | None = None
    notified: str | None = None
    loa: str | None = None
    contract: str | None = None
    first_delivery: str | None = None
    source: str = Field(min_length=1)
    tolerance: float = Field(0.25, gt=0, le=2, description="relative tolerance of each interval")
    interval_tolerance: dict[Interval, float] = Field(
        {}, description="relative tolerance of named intervals, where they differ from tolerance")

    @field_validator("lor", "notified", "loa", "contract", "first_delivery")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else _iso(value)

    def tolerance_of(self, interval: str) -> float:
        """The relative tolerance of one interval's comparison."""
        return self.interval_tolerance.get(interval, self.tolerance)  # type: ignore[call-overload]

    def intervals(self) -> dict[str, float]:
        """Interval name → observed days, for every pair of dates the case gives."""
        out = {}
        for name, (a, b) in INTERVALS.items():
            start, end = getattr(self, a), getattr(self, b)
            if start is not None and end is not None:
                out[name] = float((dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days)
        return out


class TargetsFile(_Strict):
    """One replay's observed targets (the schema of ``*.targets.yaml``)."""

    format: Literal["dibsim-targets/1"]
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    scenario: str = Field(min_length=1, description="the replay scenario, relative to this file")
    item: str
    nations: tuple[str, ...] = Field(min_length=1)
    measure: Literal["output", "deliverable", "fms_process"] = "output"
    unit: Literal["month", "year", "week"]
    title: str
    calibrated: str = Field(min_length=1, description="what was calibrated on this replay")
    sources: str = ""
    goal: float | None = None
    goal_source: str = ""
    observations: tuple[ObservedRate, ...] = ()
    milestones: tuple[ObservedMilestone, ...] = ()
    durations: tuple[ObservedDuration, ...] = ()
    cases: tuple[ObservedCase, ...] = ()
    end_to_end_tolerance: float = Field(
        0.25, gt=0, le=2, description="relative tolerance of the cases' median notified → first "
        "delivery (the 90th percentile is allowed twice it)")


def format_errors(origin: str, exc: ValidationError) -> list[str]:
    """One line per problem of a data file (file, field path, bad value)."""
    lines = []
    for e in exc.errors():
        if e.get("type") == "extra_forbidden":
            loc = ".".join(str(x) for x in e.get("loc", ()))
            lines.append(f"{origin}: {loc}: unknown field (got {e.get('input')!r:.60}); see the file's format")
        else:
            lines.append(format_error(origin, e))
    return lines


def read_targets(path: Path | str) -> TargetsFile:
    """Read and validate one targets file.

    Raises:
        ScenarioError: one line per problem, naming the file, the field path and the bad value.
    """
    path = Path(path)
    data = read_yaml(path)
    try:
        targets = TargetsFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(str(path), exc)) from None
    if not (path.parent / targets.scenario).is_file():
        raise ScenarioError([f"{path}: scenario: no such file beside it (got {targets.scenario!r})"])
    problems = _fms_problems(path, targets)
    if problems:
        raise ScenarioError(problems)
    if not (targets.observations or targets.milestones or targets.durations or targets.cases):
        raise ScenarioError([f"{path}: observations: a replay needs at least one observation or milestone"])
    return targets


def _fms_problems(path: Path, t: TargetsFile) -> list[str]:
    """The FMS sections belong to ``measure: fms_process``, and a case's dates run in order."""
    fms = t.measure == "fms_process"
    if fms and (t.observations or t.milestones):
        return [f"{path}: measure: fms_process compares durations and cases, not observations or milestones"]
    if not fms and (t.durations or t.cases):
        return [f"{path}: measure: durations and cases need measure: fms_process (got {t.measure!r})"]
    out = []
    for i, c in enumerate(t.cases):
        days = c.intervals()
        if not days:
            out.append(f"{path}: cases.{i}: {c.label!r} gives no two dates to compare")
        bad = [k for k, v in days.items() if v < 0]
        if bad:
            out.append(f"{path}: cases.{i}: {c.label!r}: {bad[0]} is negative (dates out of order)")
    return out


def shipped_targets(folder: Path = SCENARIO_DIR) -> list[Path]:
    """The targets files shipped under ``scenarios/`` (sorted by path)."""
    return sorted(folder.rglob(f"*{SUFFIX}")) if folder.is_dir() else []


def check_against_replay(path: Path | str, targets: TargetsFile, scenario: object) -> None:
    """Refuse a target the replay can never be compared with (one line, file and field named).

    Every observation and milestone must fall inside the replay's horizon (from its week 0 to
    its last week; a date outside is never compared as NaN nor clamped to week 0), and the
    observed item and nations must exist in the replay's scenario.

    Args:
        path: the targets file, for messages.
        targets: its validated contents.
        scenario: the replay's resolved scenario (a ``model.schema.Scenario``).

    Raises:
        ScenarioError: one line per problem.
    """
    start = dt.date.fromisoformat(scenario.start_date)  # type: ignore[attr-defined]
    horizon = scenario.horizon_weeks  # type: ignore[attr-defined]
    end = start + dt.timedelta(weeks=horizon)
    problems = _case_problems(path, targets, scenario)
    if targets.item not in scenario.items:  # type: ignore[attr-defined]
        problems.append(f"{path}: item: {targets.item!r} is not an item of the replay {targets.scenario}")
    for i, iso in enumerate(targets.nations):
        if iso not in scenario.nations:  # type: ignore[attr-defined]
            problems.append(f"{path}: nations.{i}: {iso!r} is not a nation of the replay {targets.scenario}")
    dated = [(f"observations.{i}.date", o.date) for i, o in enumerate(targets.observations)]
    dated += [(f"milestones.{i}.date", m.date) for i, m in enumerate(targets.milestones)]
    for where, date in dated:
        if not start <= dt.date.fromisoformat(date) <= end:
            problems.append(f"{path}: {where}: {date} is outside the replay's horizon "
                            f"({start.isoformat()} to {end.isoformat()}, {horizon} weeks)")
    if problems:
        raise ScenarioError(problems)


def _case_problems(path: Path | str, t: TargetsFile, scenario: object) -> list[str]:
    """An FMS case's buyer and item must exist in the replay, and every interval it is compared
    on must fit in the replay's horizon (cases all open in the replay's first weeks).
    """
    out = []
    horizon = scenario.horizon_weeks  # type: ignore[attr-defined]
    for i, c in enumerate(t.cases):
        if c.nation not in scenario.nations:  # type: ignore[attr-defined]
            out.append(f"{path}: cases.{i}.nation: {c.nation!r} is not a nation of the replay {t.scenario}")
        if c.item not in scenario.items:  # type: ignore[attr-defined]
            out.append(f"{path}: cases.{i}.item: {c.item!r} is not an item of the replay {t.scenario}")
        long = {k: v for k, v in c.intervals().items() if v / 7.0 > horizon - 2}
        if long:
            name, days = next(iter(long.items()))
            out.append(f"{path}: cases.{i}: {name} of {days:g} days does not fit in the replay's "
                       f"{horizon}-week horizon")
    for i, d in enumerate(t.durations):
        if d.days / 7.0 > horizon - 2:
            out.append(f"{path}: durations.{i}: {d.days:g} days do not fit in the replay's {horizon}-week horizon")
    return out


def read_checked_targets(path: Path | str) -> tuple[TargetsFile, object]:
    """Read a targets file, load its replay scenario and check one against the other.

    Returns:
        The targets and the replay's resolved scenario.

    Raises:
        ScenarioError: one line per problem (the targets file's, then its scenario's).
    """
    from ...model.loader import load_scenario

    path = Path(path)
    targets = read_targets(path)
    scenario = load_scenario(path.parent / targets.scenario)
    check_against_replay(path, targets, scenario)
    return targets, scenario
