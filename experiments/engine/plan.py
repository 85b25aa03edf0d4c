"""The plan of an experiment: scenarios × design points × replicates, as run specifications.

A :class:`Plan` is declared before anything runs (EMA Workbench's declare → execute → analyse):
the resolved scenarios, each one's :class:`~experiments.designs.Design`, the replicate count,
the root seed and the horizon. Its runs are produced lazily, in a fixed order (scenario, then
point, then replicate), so a plan of a million runs costs no memory until it is executed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from .designs import Design, expand
from .seeds import DEFAULT_ROOT_SEED, run_seed

if TYPE_CHECKING:
    from ...model.schema import Scenario

#: Replicates per point when neither ``--replications`` nor the sweep block says.
DEFAULT_REPLICATIONS = 10


@dataclass(frozen=True)
class RunSpec:
    """Everything one run needs besides the scenario itself (small and picklable).

    Attributes:
        run_id: ``<scenario>:<point>:<replicate>``, stable whatever else the plan holds.
        scenario: the scenario's name.
        point: the design point's index.
        replicate: the replicate index.
        seed: the run's seed, from (root seed, replicate) only.
        params: the point's overrides, dotted path → value.
        steps: weeks to run, or ``None`` for the scenario's horizon.
        timeseries: whether to return the weekly series.
    """

    run_id: str
    scenario: str
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]
    steps: int | None = None
    timeseries: bool = True


@dataclass(frozen=True)
class ScenarioPlan:
    """One scenario of a plan, with its design and replicate count."""

    name: str
    source: str
    scenario: "Scenario"
    hash: str
    design: Design
    replications: int

    @property
    def n_runs(self) -> int:
        """Runs of this scenario: points × replicates."""
        return len(self.design.points) * self.replications


@dataclass(frozen=True)
class Plan:
    """The full experiment: scenarios, designs, seeds, horizon and the metric columns."""

    scenarios: tuple[ScenarioPlan, ...]
    root_seed: int
    steps: int | None = None
    timeseries: bool = True
    metric_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_planned(self) -> int:
        """Total runs planned."""
        return sum(s.n_runs for s in self.scenarios)

    @property
    def param_paths(self) -> tuple[str, ...]:
        """Every swept dotted path, in first-seen order across scenarios."""
        seen: dict[str, None] = {}
        for s in self.scenarios:
            seen.update(dict.fromkeys(s.design.paths))
        return tuple(seen)

    def scenario(self, name: str) -> ScenarioPlan:
        """The scenario plan called ``name``."""
        return next(s for s in self.scenarios if s.name == name)

    def specs(self, scenario: ScenarioPlan) -> Iterator[RunSpec]:
        """The runs of one scenario in plan order (point, then replicate)."""
        seeds = [run_seed(self.root_seed, r) for r in range(scenario.replications)]
        for point, params in enumerate(scenario.design.points):
            for rep, seed in enumerate(seeds):
                yield RunSpec(
                    run_id=run_id(scenario.name, point, rep),
                    scenario=scenario.name,
                    point=point,
                    replicate=rep,
                    seed=seed,
                    params=params,
                    steps=self.steps,
                    timeseries=self.timeseries,
                )

    def fingerprint(self) -> dict[str, Any]:
        """What a resumed folder must share with this plan (replicates may only grow)."""
        return {
            "root_seed": self.root_seed,
            "steps": self.steps,
            "timeseries": self.timeseries,
            "scenarios": [
                {"name": s.name, "hash": s.hash, "design": s.design.spec, "replications": s.replications}
                for s in self.scenarios
            ],
        }


def run_id(scenario: str, point: int, replicate: int) -> str:
    """The identifier of a run: ``<scenario>:<point>:<replicate>``."""
    return f"{scenario}:{point}:{replicate}"


def default_metric_names(scenarios: Sequence["Scenario"] = ()) -> tuple[str, ...]:
    """The model's metric columns for these scenarios (``model.METRICS``, each per-system and
    per-region family expanded over the scenarios' crisis systems and adversary regions, in
    first-seen order) plus ``onset_week``; without scenarios, the plain metrics only.
    """
    from ...model import METRICS
    from ...model.model import metric_names

    names: list[str] = []
    for scn in scenarios:
        names += [n for n in metric_names(scn) if n not in names]
    if not scenarios:
        names = [n for n, spec in METRICS.items() if not spec.per]
    return tuple(names) if "onset_week" in names else (*tuple(names), "onset_week")


def make_plan(
    sources: Sequence[str | Path],
    *,
    replications: int | None = None,
    root_seed: int | None = None,
    steps: int | None = None,
    timeseries: bool = True,
    metric_names: Sequence[str] | None = None,
    use_sweeps: bool = True,
) -> Plan:
    """Load the scenarios and expand their sweeps into a plan.

    Args:
        sources: scenario names or YAML paths; several scenarios share the root seed.
        replications: replicates per point for every scenario (default: each sweep's own,
            else 10).
        root_seed: the root seed (default: the sweeps' ``root_seed``, which must agree).
        steps: a shorter horizon in weeks (default: each scenario's own).
        timeseries: whether runs return their weekly series.
        metric_names: the metric columns (default: the model's).
        use_sweeps: expand each scenario's sweep block; ``False`` runs each scenario as one point.

    Returns:
        The plan.

    Raises:
        UserError: on a bad flag value or two scenarios with the same name.
        model.loader.ScenarioError: on a scenario that does not load.
    """
    from ...model.loader import load_scenario, scenario_hash

    _check_positive("--replications", replications)
    _check_positive("--steps", steps)
    if root_seed is not None and root_seed < 0:
        raise UserError(f"--seed: must be a non-negative integer (got {root_seed})")
    loaded = [(str(src), load_scenario(src)) for src in sources]
    if not loaded:
        raise UserError("no scenario given")
    seed = _root_seed(loaded if use_sweeps else [], root_seed)
    plans, names = [], set()
    for src, scn in loaded:
        if scn.name in names:
            raise UserError(f"{src}: scenario name '{scn.name}' appears twice; names must differ")
        names.add(scn.name)
        sweep = scn.sweep if use_sweeps else None
        if sweep is not None:
            check_overrides(scn, sweep, src)
        reps = replications or (sweep.replications if sweep else DEFAULT_REPLICATIONS)
        design = expand(sweep, seed)
        plans.append(ScenarioPlan(scn.name, src, scn, scenario_hash(scn), design, reps))
    metrics = tuple(metric_names) if metric_names is not None else default_metric_names([scn for _, scn in loaded])
    return Plan(tuple(plans), seed, steps, timeseries, metrics)


def plan_from_manifest(manifest: dict[str, Any]) -> Plan:
    """The plan a results folder was run with, rebuilt from its manifest (resolved scenarios,
    designs, replicates, seed, horizon, metric columns), so a folder can be merged or checked
    without naming its scenario files again.

    Raises:
        UserError: when the manifest lacks what the plan needs.
    """
    from ...model.schema import Scenario

    try:
        scenarios = tuple(
            ScenarioPlan(s["name"], s["source"], Scenario.model_validate(s["resolved"]), s["hash"],
                         _design(manifest["design"][s["name"]]), int(s["replications"]))
            for s in manifest["scenarios"]
        )
        return Plan(scenarios, int(manifest["root_seed"]), manifest["steps"], bool(manifest["timeseries"]),
                    tuple(manifest["metrics"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"the manifest does not describe a plan ({type(exc).__name__}: {exc})") from None


def _design(data: dict[str, Any]) -> Design:
    return Design(data["kind"], tuple(data["paths"]), tuple(dict(p) for p in data["points"]),
                  data.get("problem"), data.get("samples"), data.get("spec") or {})


def check_overrides(scenario: "Scenario", sweep: Any, origin: str) -> None:
    """Validate each listed value and each range end of a sweep, one override at a time.

    A value the schema rejects (a negative time, a string where a number goes) is a mistake in
    the scenario file, reported before anything runs rather than as thousands of failed runs.

    Raises:
        model.loader.ScenarioError: naming the file, the swept path and the bad value.
    """
    from ...model.loader import ScenarioError, load_scenario

    for path, p in sweep.parameters.items():
        ends = list(p.values) if p.values is not None else [p.low, p.high]
        for value in dict.fromkeys(_cast(p.type, v) for v in ends):
            try:
                load_scenario(scenario, {path: value})
            except ScenarioError as exc:
                why = "; ".join(line.split(": ", 1)[-1] for line in exc.problems)
                raise ScenarioError([f"{origin}: sweep.parameters.{path}: value {value!r} is invalid: {why}"]) from None


def _cast(kind: str, v: Any) -> Any:
    if kind == "int" and isinstance(v, float):
        return int(v)
    return v


def _check_positive(flag: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise UserError(f"{flag}: must be a positive integer (got {value})")


def _root_seed(loaded: list[tuple[str, "Scenario"]], given: int | None) -> int:
    """``--seed``, else the sweeps' common ``root_seed``, else the default."""
    if given is not None:
        return int(given)
    seeds = {src: scn.sweep.root_seed for src, scn in loaded if scn.sweep is not None}
    if len(set(seeds.values())) > 1:
        listed = ", ".join(f"{s}={v}" for s, v in seeds.items())
        raise UserError(f"the scenarios' sweep.root_seed values differ ({listed}); give --seed")
    return next(iter(seeds.values()), DEFAULT_ROOT_SEED)
