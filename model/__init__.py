"""dibsim model: US-allied defense-industrial cooperation under regulatory friction (Mesa 3).

Public surface::

    from dibsim.model import CooperationModel, load_scenario, METRICS

``CooperationModel`` and the metrics are imported on first use (Mesa's import costs seconds),
so scenario tools such as ``dibsim validate`` and ``dibsim --help`` start quickly.
"""

from __future__ import annotations

import importlib
from typing import Any

from .loader import ScenarioError, load_scenario
from .schema import Scenario

_LAZY = {
    "CooperationModel": ".model",
    "METRICS": ".metrics",
    "MetricSpec": ".metrics",
    "SERIES_DOC": ".series",
}

__all__ = [
    "METRICS",
    "SERIES_DOC",
    "CooperationModel",
    "MetricSpec",
    "Scenario",
    "ScenarioError",
    "load_scenario",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'dibsim.model' has no attribute '{name}'")
