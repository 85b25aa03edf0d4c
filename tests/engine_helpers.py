"""Helpers for the experiment-engine tests: a tiny valid scenario and stand-in run functions.

The stand-ins are module-level functions (they must pickle for worker processes and Dask).
Their outcome depends only on the run's seed and overrides, like the real model's.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from dibsim.model.schema_base import REGIONS

ROOT = Path(__file__).resolve().parent.parent

METRICS = ("m_level", "m_noise", "onset_week")

#: Weeks to each region, the same from every region (the rows of ``transit_weeks``).
_TO = ", ".join(f"{r}: {w}" for r, w in zip(REGIONS, (2, 3, 4, 3), strict=True))
TRANSIT = "\n".join(f"  {a}: {{{_TO}}}" for a in REGIONS)

SCENARIO = """\
name: {name}
horizon_weeks: 8
regions: {{americas: {{name: Americas}}, europe: {{name: Europe}}, indo_pacific: {{name: Indo-Pacific}}, middle_east: {{name: Middle East}}}}
transit_weeks:
{transit}
nations:
  USA: {{name: United States, region: americas}}
  AUS: {{name: Australia, region: indo_pacific, rdp_mou: true}}
  CAN: {{name: Canada, region: americas, rdp_mou: true}}
  GBR: {{name: United Kingdom, region: europe, rdp_mou: true}}
items:
  gmlrs: {{name: GMLRS, unit_cost_musd: 0.16}}
producers:
  us_gmlrs: {{nation: USA, item: gmlrs, capacity_per_week: {capacity}, ceiling_per_week: 200}}
{sweep}"""

GRID_SWEEP = """\
sweep:
  design: grid
  replications: 2
  root_seed: 7
  parameters:
    barriers.export_licence.median_days: {values: [10, 30, 60]}
    barriers.fms_case.median_days: {low: 300, high: 700, levels: 2}
"""


def write_scenario(folder: Path, name: str = "tiny", sweep: str = GRID_SWEEP, capacity: float = 40) -> Path:
    """Write a tiny valid scenario file and return its path."""
    path = Path(folder) / f"{name}.yaml"
    path.write_text(SCENARIO.format(name=name, transit=TRANSIT, sweep=sweep, capacity=capacity))
    return path


def fake_run(scenario, spec):
    """A run whose outcome depends only on the seed and the overrides (and the scenario)."""
    rng = np.random.default_rng(spec.seed)
    level = float(spec.params.get("barriers.export_licence.median_days", 1.0))
    cap = scenario.producers[next(iter(scenario.producers))].capacity_per_week
    weeks = (spec.steps or scenario.horizon_weeks) + 1
    metrics = {"m_level": level + cap, "m_noise": float(rng.normal()), "onset_week": float("nan")}
    series = {"output": list(rng.random(weeks)), "stock": list(np.arange(weeks) * level)}
    return metrics, (series if spec.timeseries else None)


def failing_run(scenario, spec):
    """Like :func:`fake_run`, but point 1, replicate 0 raises."""
    if spec.point == 1 and spec.replicate == 0:
        raise RuntimeError("boom at point 1")
    return fake_run(scenario, spec)


def slow_run(scenario, spec):
    """Like :func:`fake_run`, but each run takes 40 ms (for the kill test)."""
    time.sleep(0.04)
    return fake_run(scenario, spec)
