"""What a YAML file under ``scenarios/`` is, told by its ``format:`` key, and its validation.

Three kinds of file live side by side: scenarios (no ``format:`` key), replay targets
(``format: dibsim-targets/1``, :mod:`.targets`) and calibration configs
(``format: dibsim-calibration/1``, :mod:`.calib_config`). ``dibsim validate`` validates each as
what it is: a targets file against its replay (dates inside the horizon, its item and nations
in the replay's scenario), a calibration config through the replays it fits and reports (each
parameter path valid at both ends of its range in each replay it reaches).
"""

from __future__ import annotations

from pathlib import Path

from ...model.loader import ScenarioError, load_scenario, read_yaml
from . import calib_config, targets

#: ``format:`` value → kind of file.
KINDS = {targets.FORMAT: "targets", calib_config.FORMAT: "calibration"}


def kind_of(source: str) -> str:
    """'targets', 'calibration' or 'scenario' (a shipped name or a file without ``format:``).

    Raises:
        ScenarioError: an unknown ``format:`` value (one line naming the known ones).
    """
    path = Path(source)
    if not path.is_file():
        return "scenario"  # a shipped scenario's name, or a missing file the loader reports
    data = read_yaml(path)
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt is None:
        return "scenario"
    if fmt not in KINDS:
        raise ScenarioError([f"{path}: format: unknown format (got {fmt!r}); known: "
                             f"{', '.join(KINDS)}, or no format key for a scenario"])
    return KINDS[fmt]


def validate_file(source: str) -> str:
    """Validate one file as what it is; return its one-line summary.

    Raises:
        ScenarioError: one line per problem, naming the file, the field and the bad value.
    """
    kind = kind_of(source)
    if kind == "targets":
        t, scn = targets.read_checked_targets(source)
        what = (f"{len(t.durations)} durations, {len(t.cases)} cases" if t.measure == "fms_process"
                else f"{len(t.observations)} observations, {len(t.milestones)} milestones")
        return (f"{source}: ok (targets {t.name}: {what}, inside the "
                f"{scn.horizon_weeks}-week replay {t.scenario})")  # type: ignore[attr-defined]
    if kind == "calibration":
        from ..errors import UserError
        from .calibration import make_setup

        config = calib_config.read_config(source)
        try:
            setup = make_setup(config, source)
        except UserError as exc:
            raise ScenarioError([f"{source}: {exc}"]) from None
        return (f"{source}: ok (calibration {config.name}: {len(setup.variables)} variables over "
                f"{', '.join(setup.fitted)}; reported {', '.join(setup.reported) or 'none'})")
    scn = load_scenario(source)
    sweep = f", sweep: {scn.sweep.design} over {len(scn.sweep.parameters)} parameters" if scn.sweep else ""
    return f"{source}: ok ({scn.name}: {len(scn.nations)} nations, {len(scn.producers)} producers{sweep})"
