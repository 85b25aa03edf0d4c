"""A tiny world for the dashboard's tests: the mini alliance (a war in Europe from week 10,
70 weeks) written as a scenario file, and the keys of the What-if page's widgets."""

from pathlib import Path

import yaml
from dibsim.experiments.validation.fact_worlds import mini_alliance

#: Replications the tests run per arm (both arms on the same seeds).
REPS = 3


def tiny_world(folder: Path) -> Path:
    """The mini alliance as a YAML file in ``folder``."""
    path = folder / "mini_alliance.yaml"
    path.write_text(yaml.safe_dump(mini_alliance(), sort_keys=False), encoding="utf-8")
    return path


def key(path: str, scenario: str = "mini_alliance") -> str:
    """The What-if page's widget key of a dotted setting."""
    return f"{scenario}:{path}"
