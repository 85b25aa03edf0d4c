"""dibsim model: US-allied defense-industrial cooperation under regulatory friction (Mesa 3).

Public surface::

    from model import CooperationModel, load_scenario, METRICS
"""

from model.loader import ScenarioError, load_scenario
from model.metrics import METRICS, MetricSpec
from model.model import CooperationModel
from model.schema import Scenario
from model.series import SERIES_DOC

__all__ = [
    "CooperationModel",
    "load_scenario",
    "ScenarioError",
    "Scenario",
    "METRICS",
    "MetricSpec",
    "SERIES_DOC",
]
