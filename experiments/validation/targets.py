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


class TargetsFile(_Strict):
    """One replay's observed targets (the schema of ``*.targets.yaml``)."""

    format: Literal["dibsim-targets/1"]
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    scenario: str = Field(min_length=1, description="the replay scenario, relative to this file")
    item: str
    nations: tuple[str, ...] = Field(min_length=1)
    measure: Literal["output", "deliverable"] = "output"
    unit: Literal["month", "year"]
    title: str
    calibrated: str = Field(min_length=1, description="what was calibrated on this replay")
    sources: str = ""
    goal: float | None = None
    goal_source: str = ""
    observations: tuple[ObservedRate, ...] = ()
    milestones: tuple[ObservedMilestone, ...] = ()


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
    if not targets.observations and not targets.milestones:
        raise ScenarioError([f"{path}: observations: a replay needs at least one observation or milestone"])
    return targets


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
    problems = []
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
