"""The calibration config (``format: dibsim-calibration/1``): what to fit, to which replays, how.

A config names

* ``parameters``: each a range (``low``, ``high``, ``type``, optional ``log``) and the dotted
  scenario path(s) it sets: a list (the same paths in every replay) or a mapping replay → paths
  (a parameter that is one thing under different names, e.g. a producer's own override in one
  replay and a profile in another). ``shared: true`` fits one value for every replay;
  ``shared: false`` fits one value per fitted replay (a replay-specific quantity);
* ``replays``: the replays fitted (shipped names, or paths to ``*.targets.yaml`` files relative
  to the config); ``report``: replays only reported, out of sample;
* ``loss``: seeds per replay per trial (the median over them is compared with each target);
* ``budget``: trials and/or minutes, and trials asked per round (part of the result);
* ``root_seed`` (the sampler's and the runs'), and ``ensemble`` (the history-matching cut-off
  of the plausible set, and how many of its points the ensemble study carries).

Validated strictly: one line per problem naming the file, the field path and the bad value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ...model.loader import ScenarioError, load_scenario, read_yaml
from .targets import format_errors

FORMAT = "dibsim-calibration/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ParameterSpec(_Strict):
    """One fitted parameter: its range and the scenario path(s) it sets."""

    paths: tuple[str, ...] | dict[str, tuple[str, ...]] = Field(
        description="dotted scenario paths, the same in every replay, or replay → paths")
    low: float
    high: float
    type: Literal["float", "int"] = "float"
    log: bool = False
    shared: bool = Field(True, description="one value for every replay (else one per fitted replay)")
    description: str = Field(min_length=1, description="what it is and where its range comes from")
    study_paths: tuple[str, ...] = Field(
        (), description="where a shared parameter lives in the study's headline scenarios "
        "(dibsim study --ensemble applies the plausible sets there)")

    @model_validator(mode="after")
    def _range(self) -> "ParameterSpec":
        if self.study_paths and not self.shared:
            raise ValueError("study_paths: only a shared parameter carries into the study "
                             "(a per-replay value is one replay's, not the world's)")
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got low {self.low}, high {self.high})")
        if self.log and self.low <= 0:
            raise ValueError(f"a log range needs low > 0 (got {self.low})")
        if not self.paths:
            raise ValueError("paths: give at least one dotted scenario path")
        return self

    def paths_for(self, replay: str) -> tuple[str, ...]:
        """The paths this parameter sets in ``replay`` (none: it does not reach that replay)."""
        if isinstance(self.paths, dict):
            return tuple(self.paths.get(replay, ()))
        return tuple(self.paths)


class LossSpec(_Strict):
    """Each target's error is |simulated median / observed − 1| ÷ its tolerance (rates) or
    |simulated median week − observed week| ÷ its tolerance in weeks (milestones); a replay's
    error is the mean over its targets, the loss the mean over the fitted replays.
    """

    seeds: int = Field(3, ge=1, le=100, description="replications per replay per trial")
    statistic: Literal["median"] = "median"
    missing_penalty: float = Field(10.0, gt=0, description="error of a milestone that never happens")


class BudgetSpec(_Strict):
    """When to stop: after ``trials`` trials and/or ``minutes`` of wall time."""

    trials: int | None = Field(None, ge=1)
    minutes: float | None = Field(None, gt=0)
    trials_per_round: int = Field(2, ge=1, le=64, description="trials asked and evaluated together")
    startup_trials: int = Field(10, ge=1, description="random trials before TPE models the loss")

    @model_validator(mode="after")
    def _some_limit(self) -> "BudgetSpec":
        if self.trials is None and self.minutes is None:
            raise ValueError("give trials, minutes or both")
        return self


class EnsembleSpec(_Strict):
    """The plausible set by history matching: every trial whose implausibility is at most
    ``cutoff`` on every target (experiments.validation.history_matching); ``dibsim study
    --ensemble`` carries at most ``max_sets`` of them, spread across the set.
    """

    cutoff: float = Field(3.0, gt=0, description="implausibility cut-off (3: the three-sigma rule)")
    max_sets: int = Field(8, ge=1, description="plausible points carried into the ensemble study")


class CalibrationConfig(_Strict):
    """A calibration config file."""

    format: Literal["dibsim-calibration/1"]
    name: str = Field(pattern=r"^[a-z0-9_\-]+$")
    description: str = Field(min_length=1)
    replays: tuple[str, ...] = Field(min_length=1)
    report: tuple[str, ...] = ()
    parameters: dict[str, ParameterSpec] = Field(min_length=1)
    loss: LossSpec = LossSpec.model_validate({})
    budget: BudgetSpec
    root_seed: int = Field(ge=0)
    ensemble: EnsembleSpec = EnsembleSpec.model_validate({})

    @model_validator(mode="after")
    def _replays(self) -> "CalibrationConfig":
        both = [r for r in self.replays if r in self.report]
        if both:
            raise ValueError(f"report: {both[0]!r} is also fitted (in replays)")
        refs = (*self.replays, *self.report)
        if any(r.endswith(".targets.yaml") for r in refs):
            return self  # a key may be a targets file's ``name:``: make_setup checks it once read
        known = set(refs)
        for name, p in self.parameters.items():
            if isinstance(p.paths, dict):
                extra = sorted(set(p.paths) - known)
                if extra:
                    raise ValueError(f"parameters.{name}.paths: {extra[0]!r} is not a listed replay")
        return self

    def fingerprint(self) -> str:
        """What a resumed folder must share: everything but the budget (which may grow)."""
        data = self.model_dump(mode="json", exclude={"budget"})
        data["trials_per_round"] = self.budget.trials_per_round
        data["startup_trials"] = self.budget.startup_trials
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def read_config(path: Path | str) -> CalibrationConfig:
    """Read and validate a calibration config.

    Raises:
        ScenarioError: one line per problem (file, field path, bad value).
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([f"{path}: no such calibration config"])
    data = read_yaml(path)
    try:
        return CalibrationConfig.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(str(path), exc)) from None


def check_paths(config: CalibrationConfig, scenarios: Mapping[str, object], origin: str) -> None:
    """Each parameter's ends must validate in each replay it reaches (one line otherwise).

    Args:
        config: the config.
        scenarios: replay name → its loaded scenario.
        origin: the config file, for messages.
    """
    for name, p in config.parameters.items():
        for replay, scenario in scenarios.items():
            paths = p.paths_for(replay)
            for end in (p.low, p.high) if paths else ():
                value = round(end) if p.type == "int" else end
                try:
                    load_scenario(scenario, dict.fromkeys(paths, value))  # type: ignore[arg-type]
                except ScenarioError as exc:
                    why = exc.problems[0].split(": ", 1)[-1]
                    raise ScenarioError([f"{origin}: parameters.{name}.paths: {', '.join(paths)} = "
                                         f"{value!r} is invalid in {replay}: {why}"]) from None
