"""dibsim: an agent-based simulation (Mesa 3) of US–allied defense-industrial cooperation.

The package maps the repository's rooms onto one import name: ``dibsim.model`` (the
simulation, top-level ``model/``), ``dibsim.experiments`` (sweeps, results, analysis, the CLI,
top-level ``experiments/``) and ``dibsim.scenarios`` (the shipped YAML files, package data).
This module is the small front door::

    from dibsim import CooperationModel, load_scenario, METRICS, run_experiment, make_plan

    model = CooperationModel("baseline", rng=1).run()
    model.metrics()["surge_ratio"]

Names are imported on first use, so ``import dibsim`` and ``dibsim --help`` stay quick
(Mesa and pandas take seconds to import).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name → the module that defines it.
_API: dict[str, str] = {
    "CooperationModel": "dibsim.model.model",
    "load_scenario": "dibsim.model.loader",
    "ScenarioError": "dibsim.model.loader",
    "available_scenarios": "dibsim.model.loader",
    "Scenario": "dibsim.model.schema",
    "METRICS": "dibsim.model.metrics",
    "MetricSpec": "dibsim.model.metrics",
    "make_plan": "dibsim.experiments.engine.plan",
    "run_experiment": "dibsim.experiments.engine.runner",
    "make_executor": "dibsim.experiments.engine.executors",
    "load_results": "dibsim.experiments.engine.results",
    "study_plan": "dibsim.experiments.study",
}

__all__ = sorted(_API)  # noqa: PLE0605 - derived from the one table above


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'dibsim' has no attribute '{name}'")


def __dir__() -> list[str]:
    return __all__
