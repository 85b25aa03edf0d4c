"""The default study behind ``make run``: the baseline and the reform variants, a few replicates.

Each scenario runs as one design point (its own sweep block, if any, is not expanded), all with
the same seeds, so differences between scenarios are the reforms' effects and not noise.
A second ``make run`` resumes the folder: it finishes missing runs and otherwise does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Scenarios of the default study, in the order tables list them; missing files are skipped.
STUDY_SCENARIOS: tuple[str, ...] = (
    "baseline",
    "aukus_exemption_widened",
    "fms_reform",
    "rdp_reciprocity",
    "indo_pacific_coproduction",
    "us_alone",
)
STUDY_DIR = Path("results") / "default_study"
STUDY_REPLICATIONS = 5


def study_scenarios(scenario_dir: Path | None = None) -> list[str]:
    """The study's scenarios that exist in ``scenarios/``."""
    from ..model.loader import SCENARIO_DIR

    folder = Path(scenario_dir or SCENARIO_DIR)
    return [name for name in STUDY_SCENARIOS if (folder / f"{name}.yaml").exists()]


def study_plan(replications: int | None = None, steps: int | None = None, root_seed: int | None = None) -> Any:
    """The plan of the default study.

    Raises:
        UserError: when not even the baseline scenario exists.
    """
    from .errors import UserError
    from .engine.plan import make_plan

    names = study_scenarios()
    if "baseline" not in names:
        raise UserError("the default study needs scenarios/baseline.yaml, which does not exist")
    return make_plan(names, replications=replications or STUDY_REPLICATIONS, root_seed=root_seed,
                     steps=steps, use_sweeps=False)
