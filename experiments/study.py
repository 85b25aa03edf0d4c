"""The default study behind ``make run``: what each barrier costs and what each reform buys.

For each headline scenario (:data:`STUDY_HEADLINES`) the study runs, as *arms* on common random
numbers (the engine gives replicate *r* the same seed in every scenario of a plan):

* the **status quo**: the headline scenario as shipped;
* each registered barrier **removed** (``barriers.<key>.enabled: false``);
* each barrier made **stricter** by the one rule declared with the barriers
  (:func:`model.barrier_base.stricter_settings`: slower and more denials);
* each **reform variant** shipped in ``scenarios/`` (:func:`reform_variants`), its own settings
  applied onto the headline: kind ``reform``, or ``investment`` when what it changes in the
  headline is producers alone (industrial capacity bought, no barrier or policy changed:
  :func:`reform_kind`).

Every arm is its own scenario in the results, named ``<headline>~<arm>`` (for example
``baseline~no_export_licence``, ``baseline~stricter_fms_case``, ``baseline~fms_reform``), so
the runs table needs no column per overridden setting. ``study.json`` beside the results says
which arm is which (:func:`write_study_file`); :mod:`experiments.analysis.answer` reads it.
A second ``make run`` resumes the folder: it finishes missing runs and otherwise does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

#: The headline scenarios (docs/scenarios.md; ``--scenario`` replaces the list): the
#: baseline, where Indo-Pacific deterrence is contested (its adversary decides for itself) and
#: the European war's surge is measured from week 0; and the Indo-Pacific contingency, where a
#: war's surge is measured in 2029, after three years in which reforms could build capacity.
STUDY_HEADLINES: tuple[str, ...] = ("baseline", "indo_pacific_contingency")
STUDY_DIR = Path("results") / "default_study"
#: Replicates per arm. Sized from measurement: a baseline run takes ~0.3 s and a contingency
#: run (312 weeks) ~0.37 s, so two headlines × 28 arms × 20 runs = 1,120 runs fit with the
#: report inside 5 minutes on two cores (measured: see docs/experiments.md).
STUDY_REPLICATIONS = 20
#: The headline metrics of the answer, in order: the first is *primary* (it ranks the table
#: and the chart). ``{region}`` is the headline's contested region (:func:`contested_region`).
#: ``study.json`` records the list and the analysis reads it from there, so changing the
#: answer's headline (for instance to ``failure_probability.{region}``) is this one line.
HEADLINE_METRICS: tuple[str, ...] = (
    "output_value_12m", "output_value_36m", "theatre_delivered_value_12m",
    "deterrence_index.{region}", "failure_probability.{region}")
#: The structural alternatives an effect is checked against (robustness flags): name →
#: dotted scenario path → value, applied to every arm. Each is a rule a reviewer could
#: reasonably set otherwise (docs/ODD.md, "Structural alternatives"): budgets shared by equal
#: weights instead of by shortfall value; a three-year order book at week 0 instead of one
#: (A4 gives one to three); the old threshold step rule for expansions instead of the hazard.
STRUCTURAL_ALTERNATIVES: dict[str, dict[str, Any]] = {
    "equal budget weights": {"sourcing.demand_rule": "priority_weights"},
    "three-year order books": {"warm_start.order_book_weeks": 156.0},
    "threshold expansion steps": {"industry.expansion_response": "step_threshold"},
}
#: Top-level settings a reform variant may change (anything else, such as crises, adversaries
#: or sourcing, makes a variant a different world rather than a reform of this one).
REFORM_LEVERS: frozenset[str] = frozenset({"barriers", "policies", "producers"})
#: The reform arms' kinds: a barrier or policy reform, and an industrial investment (the arm
#: changes producers alone: :func:`reform_kind`). Both are oriented as gains.
REFORM_KINDS: tuple[str, ...] = ("reform", "investment")
#: The kinds a headline's ranking holds: barriers removed, reforms and investments.
RANKED_KINDS: tuple[str, ...] = ("removed", *REFORM_KINDS)
#: Every studied arm kind, and how its effect is oriented against the status quo (+1: the
#: arm minus the status quo; −1: the status quo minus the arm, for a barrier made stricter).
ORIENTATION: dict[str, int] = {"removed": +1, "stricter": -1, "reform": +1, "investment": +1}
#: What a variant file says about itself, beside its settings.
_DESCRIPTIVE = frozenset({"name", "extends", "description", "question"})
#: Separates the headline from the arm in an arm's scenario name.
ARM_SEPARATOR = "~"
STUDY_FILE = "study.json"


@dataclass(frozen=True)
class StudyArm:
    """One arm of the study: a setting of the headline scenario that runs on the common seeds.

    Attributes:
        name: the scenario name in the results (the headline's own name for the status quo).
        headline: the headline scenario it varies.
        kind: ``status quo``, ``removed``, ``stricter``, ``reform`` or ``investment``.
        subject: the barrier key or the reform variant's name (empty for the status quo).
        label: how tables and charts name the arm.
        overrides: dotted path → value applied to the headline (barrier arms).
        changes: the :data:`REFORM_LEVERS` a reform arm's scenario changes in its headline
            (what :func:`reform_kind` decided from; empty for the other arms).
    """

    name: str
    headline: str
    kind: str
    subject: str
    label: str
    overrides: dict[str, Any] = field(default_factory=dict)
    changes: tuple[str, ...] = ()


def reform_variants(scenario_dir: Path | None = None, exclude: Sequence[str] = ()) -> list[str]:
    """The shipped reform variants: files that extend another scenario, state a question, have
    no sweep, and change only :data:`REFORM_LEVERS` (and at least one of them).

    ``us_alone`` (sourcing), the contingencies (crises, adversaries), ``status_quo`` (changes
    nothing) and sweeps are therefore not reforms. The schema has no marker for a reform; this
    rule reads what each file changes.
    """
    from ..model.loader import SCENARIO_DIR

    found = []
    for path in sorted(Path(scenario_dir or SCENARIO_DIR).glob("*.yaml")):
        own = _own_settings(path)
        changed = set(own) - _DESCRIPTIVE
        if ("extends" in own and own.get("question") and "sweep" not in own and changed
                and changed <= REFORM_LEVERS and own.get("name", path.stem) not in exclude):
            found.append(str(own.get("name", path.stem)))
    return found


def _own_settings(path: Path) -> dict[str, Any]:
    """What a scenario file itself writes (before its ``extends:`` chain is merged)."""
    from ..model.loader import read_yaml

    return read_yaml(path)


def stricter_rule() -> str:
    """The stricter rule in words (declared with the barriers: model/barrier_base.py)."""
    from ..model.barrier_base import stricter_rule as rule

    return rule()


def stricter_overrides(settings: Any, key: str, aspect: str = "both") -> dict[str, Any]:
    """The dotted overrides that make one barrier's settings stricter, by the one rule of
    :func:`model.barrier_base.stricter_settings`.
    """
    from ..model.barrier_base import stricter_settings

    return {f"barriers.{key}.{k}": v for k, v in stricter_settings(settings, aspect).items()}


def study_arms(headline: str, reforms: Sequence[str] | None = None) -> tuple[list[StudyArm], list[str]]:
    """The arms of one headline scenario, and notes on barriers left out.

    A barrier already disabled in the headline has nothing to remove or tighten; it is left
    out with a note rather than run as two copies of the status quo.
    """
    from ..model.barriers import BARRIERS
    from ..model.loader import load_scenario

    scn = load_scenario(headline)
    arms = [StudyArm(scn.name, scn.name, "status quo", "", "status quo")]
    notes = []
    for key in BARRIERS:
        settings = getattr(scn.barriers, key)
        if not settings.enabled:
            notes.append(f"{key}: disabled in {scn.name}, so not studied")
            continue
        arms.append(StudyArm(arm_name(scn.name, f"no_{key}"), scn.name, "removed", key,
                             f"{key} removed", {f"barriers.{key}.enabled": False}))
        arms.append(StudyArm(arm_name(scn.name, f"stricter_{key}"), scn.name, "stricter", key,
                             f"{key} stricter", stricter_overrides(settings, key)))
    names = reform_variants(exclude=(scn.name,)) if reforms is None else list(reforms)
    for r in names:
        arm = StudyArm(arm_name(scn.name, r), scn.name, "reform", r, r)
        changes = changed_levers(scn, arm_scenario(arm))
        kind, note = reform_kind(changes)
        arms.append(replace(arm, kind=kind, changes=changes))
        notes += [f"{r}: {note}"] if note else []
    return arms, notes


def changed_levers(status_quo: Any, scenario: Any) -> tuple[str, ...]:
    """The :data:`REFORM_LEVERS` in which a reform arm's validated scenario differs from its
    headline's status quo (what the arm actually changes, not what its file names).
    """
    return tuple(b for b in sorted(REFORM_LEVERS)
                 if getattr(scenario, b) != getattr(status_quo, b))


def reform_kind(changes: Collection[str]) -> tuple[str, str]:
    """A reform arm's kind from what it changes, and a note when the kind needs one.

    Producers alone (industrial capacity: lines added or grown, no barrier or policy changed)
    make an ``investment``: its gain is capacity bought, not friction removed. Anything else
    is a ``reform``; one that changes producers *and* barriers or policies stays a reform,
    with a note that its gain mixes both (split it into two files to tell them apart, as
    ``japan_lines_investment`` and ``indo_pacific_fast_track`` are).
    """
    if set(changes) == {"producers"}:
        return "investment", ""
    if "producers" in changes:
        others = " and ".join(c for c in sorted(changes) if c != "producers")
        return "reform", (f"changes producers as well as {others}: counted as a reform, its gain "
                          "mixes capacity bought with friction removed")
    return "reform", ""


def arm_name(headline: str, arm: str) -> str:
    """``<headline>~<arm>``."""
    return f"{headline}{ARM_SEPARATOR}{arm}"


def arm_scenario(arm: StudyArm) -> Any:
    """The validated scenario of an arm: the headline with the arm's change, renamed.

    A reform is applied as the settings its own file writes, merged onto the headline by the
    variant rule (so it also works on a headline other than the one the file extends). Every arm
    keeps the headline's barriers and policies as ``warm_start.history`` (``loader.keep_history``):
    the cases in flight at week 0 were opened under the rules before the run, so an arm's change
    acts from week 0 on and does not remake its start-up state (a stricter FMS arm otherwise began
    with three times the status quo's cases in flight; tests/test_study_arm_history.py).
    """
    from ..model.loader import (
        HISTORY_BLOCKS,
        ScenarioError,
        keep_history,
        load_raw,
        resolve_path,
        set_dotted,
        validate,
    )
    from ..model.variants import MergeError, merge_variant

    base_path = resolve_path(arm.headline)
    data = load_raw(base_path)
    if arm.kind == "status quo":
        return validate(data, str(base_path))
    origin = f"{base_path} (study arm {arm.name})"
    if arm.kind in REFORM_KINDS:
        path = resolve_path(arm.subject)
        own = {k: v for k, v in _own_settings(path).items() if k not in ("extends", "name")}
        keep_history(data, {b: None for b in HISTORY_BLOCKS if b in own})
        try:
            data = merge_variant(data, own, str(path), str(base_path))
        except MergeError as exc:
            raise ScenarioError([str(exc)]) from None
        what = f"the reform '{arm.subject}' applied: {own.get('description', '')}".strip()
    else:
        keep_history(data, arm.overrides)
        for dotted, value in arm.overrides.items():
            set_dotted(data, dotted, value, origin=origin)
        what = f"{arm.label}: " + ", ".join(f"{k} = {v:g}" if isinstance(v, float) else
                                           f"{k} = {v}" for k, v in arm.overrides.items())
    data["name"] = arm.name
    data["description"] = f"{arm.headline} with {what}"
    return validate(data, origin)


def study_plan(replications: int | None = None, steps: int | None = None,
               root_seed: int | None = None, headlines: Sequence[str] | None = None,
               reforms: Sequence[str] | None = None,
               overrides: dict[str, Any] | None = None,
               transform: Callable[[Any], dict[str, Any]] | None = None,
               only: Collection[str] | None = None) -> tuple[Any, list[StudyArm], list[str]]:
    """The plan of the study, its arms and the notes on what was left out.

    Args:
        replications: replicates per arm (default :data:`STUDY_REPLICATIONS`).
        steps: a shorter horizon in weeks (quick looks and tests).
        root_seed: the root seed (default: the engine's).
        headlines: the headline scenarios (default :data:`STUDY_HEADLINES`).
        reforms: the reform variants (default: :func:`reform_variants`).
        overrides: dotted path → value applied to every arm (a calibrated parameter set,
            ``dibsim study --ensemble``).
        transform: each arm's scenario → dotted overrides applied to it after ``overrides``
            (an assumption at one end, scaled from the arm's own values: robustness checks).
        only: the arms to plan besides the status quos (default: every arm).

    Raises:
        UserError: on a bad flag value or a headline given twice.
        model.loader.ScenarioError: when a headline or a reform does not load.
    """
    from ..model.loader import scenario_hash
    from .engine.plan import ScenarioPlan, make_plan
    from .errors import UserError

    heads = list(headlines or STUDY_HEADLINES)
    if len(set(heads)) != len(heads):
        raise UserError(f"--scenario: a headline scenario is named twice ({', '.join(heads)})")
    plan = make_plan(heads[:1], replications=replications or STUDY_REPLICATIONS,
                     root_seed=root_seed, steps=steps, use_sweeps=False)
    template = plan.scenarios[0]
    arms, notes, scenarios = [], [], []
    for head in heads:
        these, why = study_arms(head, reforms)
        if only is not None:
            these = [a for a in these if a.kind == "status quo" or a.name in only]
        arms += these
        notes += why
        for arm in these:
            scn = arm_scenario(arm)
            if overrides:
                from ..model.loader import load_scenario

                scn = load_scenario(scn, overrides)
            extra = transform(scn) if transform is not None else None
            if extra:
                from ..model.loader import load_scenario

                scn = load_scenario(scn, extra)
            source = f"{head} ({arm.label})" if arm.kind != "status quo" else head
            scenarios.append(ScenarioPlan(arm.name, source, scn, scenario_hash(scn),
                                          template.design, template.replications))
    return replace(plan, scenarios=tuple(scenarios)), arms, notes


def study_file_data(arms: Sequence[StudyArm], headlines: Sequence[str],
                    contested: dict[str, str | None], rule: Any = None) -> dict[str, Any]:
    """What ``study.json`` holds: the arms, the headline metrics, the stricter factors, each
    headline's contested region (the region whose adversary decides for itself), the
    structural alternatives and, for a study run until resolved, the stopping rule (its looks
    and error spending: the answer's intervals take their levels from it).
    """
    from ..model.barrier_base import (
        STRICTER_DENIAL_FACTOR,
        STRICTER_DENIAL_STEP,
        STRICTER_MIN_DAYS,
        STRICTER_TIME_FACTOR,
    )

    return {
        "headlines": list(headlines),
        "headline_metrics": list(HEADLINE_METRICS),
        "structural_alternatives": dict(STRUCTURAL_ALTERNATIVES),
        "contested_region": dict(contested),
        "stricter": {"time_factor": STRICTER_TIME_FACTOR, "denial_factor": STRICTER_DENIAL_FACTOR,
                     "min_days": STRICTER_MIN_DAYS, "denial_step": STRICTER_DENIAL_STEP,
                     "rule": stricter_rule()},
        "arms": [asdict(a) for a in arms],
        "sequential": None if rule is None else rule.describe(),
    }


def contested_region(scenario: Any) -> str | None:
    """The first region whose adversary decides for itself, else the first with an adversary."""
    regions = list(scenario.adversaries)
    deciding = [r for r, adv in scenario.adversaries.items() if getattr(adv, "decides", False)]
    return (deciding or regions or [None])[0]


def headline_metric_names(templates: Sequence[str], region: str | None) -> list[str]:
    """The columns the study's headline metric templates name for a headline: ``{region}``
    filled with its contested region; a per-region template left out when it has none.
    """
    return [t.format(region=region) if "{region}" in t else t
            for t in templates if region or "{region}" not in t]


def write_study_file(out: Path, plan: Any, arms: Sequence[StudyArm], rule: Any = None) -> Path:
    """Write ``study.json`` into the results folder (atomically); ``rule``: the
    :class:`~experiments.sequential.StoppingRule` of a study run until resolved.
    """
    from .engine.results import write_json_atomic

    heads = list(dict.fromkeys(a.headline for a in arms))
    contested = {h: contested_region(plan.scenario(h).scenario) for h in heads}
    target = Path(out) / STUDY_FILE
    write_json_atomic(json.loads(json.dumps(study_file_data(arms, heads, contested, rule))), target)
    return target
