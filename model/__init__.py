"""dibsim model: US-allied defense-industrial cooperation under regulatory friction (Mesa 3).

Public surface::

    from model import CooperationModel, load_scenario, METRICS

``CooperationModel`` and the metrics are imported on first use (Mesa's import costs seconds),
so scenario tools such as ``dibsim validate`` and ``dibsim --help`` start quickly.
"""

from __future__ import annotations

import importlib
from typing import Any

from model.loader import ScenarioError, load_scenario
from model.schema import Scenario

_LAZY = {
    "CooperationModel": "model.model",
    "METRICS": "model.metrics",
    "MetricSpec": "model.metrics",
    "SERIES_DOC": "model.series",
}

__all__ = ["CooperationModel", "load_scenario", "ScenarioError", "Scenario", "METRICS",
           "MetricSpec", "SERIES_DOC"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'model' has no attribute '{name}'")
