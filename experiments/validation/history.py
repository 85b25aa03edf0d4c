"""Historical replays: run them, set them against the public record, tabulate and plot.

Each replay is a scenario under ``scenarios/historical/`` plus what was observed: dated
production rates (with their source keys, listed in ``docs/sources.md``, and a stated
relative tolerance) and dated milestones (first licensed production, a licence granted, a
line reaching a rate) with a tolerance in weeks. The observed figures are data, one
``<replay>.targets.yaml`` beside each replay scenario (:mod:`.targets`), not scenario fields:
a replay's observations are not model inputs, and the calibrator reads the same files.

A simulated rate at a date is the mean weekly output (or, for a replay whose record gives
capacities, the deliverable capacity) of the replay's line(s) over a window of
``WINDOW_HALF_WEEKS`` either side of the date, converted to the observation's unit, and the
median over replications is compared with the observed value. A milestone is compared through
the median week over replications. Results are written to a folder (series and comparison as
CSV) and the plots read those files only.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.seeds import DEFAULT_ROOT_SEED, run_seed

#: Half-width of the window averaged around an observation date (weeks; assumption: a reported
#: monthly rate is roughly the output of the two months around the report).
WINDOW_HALF_WEEKS = 4
#: First week a rate is read from: week 0 is the initial state and in week 1 orders placed that
#: week have only begun to reach the lines (a warm-up, not behaviour). A window that would
#: start earlier is shifted forward, keeping its width.
FIRST_WEEK = 2
#: Weeks per unit of the observed rates.
PER_UNIT = {"month": 52.0 / 12.0, "year": 52.0, "week": 1.0}


@dataclass(frozen=True)
class Observation:
    """A reported production rate on a date (units per ``Replay.unit``)."""

    date: str
    value: float
    source: str
    tolerance: float = 0.15


@dataclass(frozen=True)
class Milestone:
    """A dated event. ``kind``: 'first_output' (line's first output), 'licence' (licence
    granted for a licensed line) or 'reaches' (rate first at or above ``threshold``).
    """

    label: str
    date: str
    source: str
    kind: str
    tolerance_weeks: float
    threshold: float = 0.0


@dataclass(frozen=True)
class Replay:
    """A historical replay: scenario, the line(s) observed, the record, what was calibrated.

    ``nation`` is one ISO3 code or a tuple of them (the lines of all count); ``measure`` is
    'output' (units made) or 'deliverable' (deliverable capacity, for records of capacity).
    """

    name: str
    scenario: str
    item: str
    nation: str | tuple[str, ...]
    unit: str
    title: str
    calibrated: str
    observations: tuple[Observation, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    goal: float | None = None
    goal_source: str = ""
    sources: str = ""
    measure: str = "output"
    origin: str = ""  # the targets file it was read from
    durations: tuple[Any, ...] = ()  # measure fms_process: published stage times (targets.ObservedDuration)
    cases: tuple[Any, ...] = ()  # measure fms_process: named cases (targets.ObservedCase)
    end_to_end_tolerance: float = 0.25

    def nations(self) -> tuple[str, ...]:
        """The ISO3 codes whose lines the replay observes."""
        return (self.nation,) if isinstance(self.nation, str) else self.nation


def replay_from_targets(path: Path | str) -> Replay:
    """The :class:`Replay` of a targets file (``<replay>.targets.yaml``, beside its scenario).

    Raises:
        ScenarioError: when the file does not validate (one line per problem).
    """
    from ...model.loader import SCENARIO_DIR
    from .targets import read_targets

    path = Path(path)
    t = read_targets(path)
    scenario_path = (path.parent / t.scenario).resolve()
    try:
        scenario = str(scenario_path.relative_to(Path(SCENARIO_DIR).resolve()).with_suffix(""))
    except ValueError:
        scenario = str(scenario_path)  # a replay outside the package: its path
    return Replay(
        name=t.name, scenario=scenario, item=t.item,
        nation=t.nations[0] if len(t.nations) == 1 else t.nations, unit=t.unit, title=t.title,
        calibrated=t.calibrated, measure=t.measure, goal=t.goal, goal_source=t.goal_source,
        sources=t.sources, origin=str(path), durations=t.durations, cases=t.cases,
        end_to_end_tolerance=t.end_to_end_tolerance,
        observations=tuple(Observation(o.date, o.value, o.source, o.tolerance) for o in t.observations),
        milestones=tuple(Milestone(m.label, m.date, m.source, m.kind, m.tolerance_weeks, m.threshold)
                         for m in t.milestones),
    )


def shipped_replays() -> dict[str, Replay]:
    """Every replay shipped under ``scenarios/`` (one per targets file), by name."""
    from .targets import shipped_targets

    replays = [replay_from_targets(p) for p in shipped_targets()]
    return {r.name: r for r in replays}


#: The shipped replays, read from their targets files (``scenarios/historical/*.targets.yaml``).
REPLAYS: dict[str, Replay] = shipped_replays()


@dataclass
class ReplayResult:
    """Replications of one replay: weekly line output (runs × weeks) and milestone weeks."""

    replay: Replay
    start_date: str
    seeds: list[int]
    output: np.ndarray
    licence_weeks: list[float] = field(default_factory=list)
    fms: list[dict[str, list[float]]] = field(default_factory=list)  # per run (fms_replay.case_records)


def week_of(date: str, start_date: str) -> float:
    """Weeks from the scenario's week 0 to ``date`` (ISO dates)."""
    return (dt.date.fromisoformat(date) - dt.date.fromisoformat(start_date)).days / 7.0


def date_of(week: float, start_date: str) -> str:
    """The ISO date ``week`` weeks after week 0."""
    return (dt.date.fromisoformat(start_date) + dt.timedelta(days=7.0 * week)).isoformat()


def simulate(replay: Replay, seed: int, scenario: Any = None) -> tuple[np.ndarray, float, str]:
    """One run: the weekly output (or deliverable capacity) of the replay's lines in its
    nation(s), the licence week. ``scenario``: a resolved scenario to run in place of the
    replay's own (the calibrator's trial, its overrides applied).
    """
    out, licence, start, _ = simulate_all(replay, seed, scenario)
    return out, licence, start


def simulate_all(replay: Replay, seed: int, scenario: Any = None
                 ) -> tuple[np.ndarray, float, str, dict[str, list[float]]]:
    """:func:`simulate`, and the run's FMS case records (``fms_replay.case_records``)."""
    from ...model import CooperationModel
    from .fms_replay import case_records

    m = CooperationModel(replay.scenario if scenario is None else scenario, rng=seed)
    isos = replay.nations()
    deliverable = replay.measure == "deliverable"
    out = [0.0]
    while m.running:
        m.step()
        week = m.week
        lines = [p for p in m.producers_by_item.get(replay.item, ()) if p.nation.iso in isos]
        out.append(sum(p.deliverable_capacity(week) if deliverable else p.output for p in lines))
    licensed = [p for p in m.producers_by_item.get(replay.item, ())
                if p.licensor is not None and p.nation.iso in isos]
    licence = math.nan
    if licensed:
        build = m.scenario_spec.items[replay.item].coproduction
        licence = float(licensed[0].active_from - (build.build_weeks if build else 0))
    return np.asarray(out), licence, m.scenario_spec.start_date, case_records(m, replay.cases)


def run_replay(replay: Replay, replications: int = 20, root_seed: int = DEFAULT_ROOT_SEED) -> ReplayResult:
    """Run ``replications`` seeds (replicate i gets ``run_seed(root_seed, i)``)."""
    seeds = [run_seed(root_seed, i) for i in range(replications)]
    runs, licences, start, fms = [], [], "", []
    for s in seeds:
        out, lic, start, cases = simulate_all(replay, s)
        runs.append(out)
        licences.append(lic)
        fms.append(cases)
    return ReplayResult(replay, start, seeds, np.vstack(runs), licences, fms)


def rate_at(output: np.ndarray, week: float, unit: str) -> np.ndarray:
    """Per-run mean weekly output around ``week``, in units per ``unit``."""
    last = output.shape[1] - 1
    width = 2 * WINDOW_HALF_WEEKS
    lo = min(max(FIRST_WEEK, round(week) - WINDOW_HALF_WEEKS), max(FIRST_WEEK, last - width))
    return output[:, lo:min(last, lo + width) + 1].mean(axis=1) * PER_UNIT[unit]


def milestone_weeks(result: ReplayResult, ms: Milestone) -> np.ndarray:
    """Per-run week of a milestone (NaN when it never happens)."""
    if ms.kind == "licence":
        return np.asarray(result.licence_weeks, dtype=float)
    weekly_threshold = ms.threshold / PER_UNIT[result.replay.unit] if ms.kind == "reaches" else 1e-9
    out = []
    for row in result.output:
        hit = np.nonzero(row >= weekly_threshold)[0]
        hit = hit[hit >= 1]
        out.append(float(hit[0]) if len(hit) else math.nan)
    return np.asarray(out)


def compare(result: ReplayResult) -> list[dict]:
    """One row per observation and milestone: observed, simulated median and 10-90% range, ok."""
    r, rows = result.replay, []
    if r.measure == "fms_process":
        from .fms_replay import compare_fms

        return compare_fms(r, result.fms)
    for ob in r.observations:
        sim = rate_at(result.output, week_of(ob.date, result.start_date), r.unit)
        med = float(np.median(sim))
        err = med / ob.value - 1.0
        rows.append({"replay": r.name, "check": f"rate per {r.unit}", "date": ob.date,
                     "observed": ob.value, "simulated": med, "p10": float(np.percentile(sim, 10)),
                     "p90": float(np.percentile(sim, 90)), "error": err,
                     "tolerance": ob.tolerance, "ok": abs(err) <= ob.tolerance, "source": ob.source,
                     **spread(sim, ob.tolerance * abs(ob.value))})
    for ms in r.milestones:
        weeks = milestone_weeks(result, ms)
        obs_w = week_of(ms.date, result.start_date)
        med = float(np.nanmedian(weeks)) if np.isfinite(weeks).any() else math.nan
        err = med - obs_w
        rows.append({"replay": r.name, "check": ms.label, "date": ms.date, "observed": obs_w,
                     "simulated": med, "p10": float(np.nanpercentile(weeks, 10)),
                     "p90": float(np.nanpercentile(weeks, 90)), "error": err,
                     "tolerance": ms.tolerance_weeks, "ok": bool(abs(err) <= ms.tolerance_weeks),
                     "source": ms.source, "simulated_date": date_of(med, result.start_date)
                     if math.isfinite(med) else "", **spread(weeks, ms.tolerance_weeks)})
    return rows


def spread(values: Sequence[float] | np.ndarray, tolerance_abs: float) -> dict[str, float]:
    """What history matching needs of one target (experiments.validation.calibration,
    :func:`~experiments.validation.calibration.implausibility`): the mean over the runs where
    the target is defined, their sample variance (0 for a single run), the number of runs
    ``n``, the runs in all (``runs``), and the tolerance in the target's own unit.
    """
    arr = np.asarray(values, dtype=float)
    finite = arr[np.isfinite(arr)]
    n = len(finite)
    return {"mean": float(finite.mean()) if n else math.nan,
            "variance": float(finite.var(ddof=1)) if n > 1 else 0.0,
            "n": n, "runs": len(arr), "tolerance_abs": float(tolerance_abs)}


def write_result(result: ReplayResult, out_dir: Path) -> Path:
    """Write the replay's weekly median and 10-90% band (in its unit) as ``<name>_series.csv``."""
    r = result.replay
    path = Path(out_dir) / f"{r.name}_series.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    scale = PER_UNIT[r.unit]
    med, p10, p90 = (np.percentile(result.output, q, axis=0) * scale for q in (50, 10, 90))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["week", "date", "median", "p10", "p90"])
        for i in range(1, result.output.shape[1]):
            w.writerow([i, date_of(i, result.start_date), f"{med[i]:.4f}", f"{p10[i]:.4f}", f"{p90[i]:.4f}"])
    return path


def write_comparison(rows: Sequence[dict], out_dir: Path) -> Path:
    """Write every comparison row as ``comparison.csv``."""
    path = Path(out_dir) / "comparison.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = ["replay", "check", "date", "observed", "simulated", "p10", "p90", "error",
            "tolerance", "ok", "source", "simulated_date"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in cols})
    return path


def caption(replay: Replay) -> str:
    """The figure caption: what is shown, what was calibrated, the sources."""
    return (f"Simulated (median and 10-90% band over replications, {2 * WINDOW_HALF_WEEKS + 1}-week "
            f"mean) against observed (points, bars = tolerance). Calibrated on this replay: "
            f"{replay.calibrated}. Sources: {replay.sources} (docs/sources.md).")


def plot_replay(replay: Replay, out_dir: Path) -> Path:
    """Plot a written replay (reads ``<name>_series.csv`` and ``comparison.csv`` only).

    Rates are points with tolerance bars; milestones are dotted vertical lines, black at the
    observed date and blue at the simulated median date.
    """
    import textwrap

    import pandas as pd

    from ..analysis.plots.common import figure, save

    if replay.measure == "fms_process":  # durations, not a weekly series
        from .fms_replay import plot_fms

        return plot_fms(replay, out_dir)
    out_dir = Path(out_dir)
    series = pd.read_csv(out_dir / f"{replay.name}_series.csv", parse_dates=["date"])
    table = pd.read_csv(out_dir / "comparison.csv")
    table = table[table["replay"] == replay.name]
    comp = table[table["check"].str.startswith("rate")]
    events = table[~table["check"].str.startswith("rate")]
    smooth = series[["median", "p10", "p90"]].rolling(2 * WINDOW_HALF_WEEKS + 1, center=True,
                                                      min_periods=1).mean()
    fig, ax = figure(8.0, 5.4)
    ax.fill_between(series["date"], smooth["p10"], smooth["p90"], alpha=0.25, label="simulated 10-90%")
    ax.plot(series["date"], smooth["median"], label="simulated median")
    dates = pd.to_datetime(comp["date"])
    ax.errorbar(dates, comp["observed"], yerr=comp["observed"] * comp["tolerance"], fmt="o",
                color="#000000", capsize=4, label="observed ± tolerance")
    for d, v, s in zip(dates, comp["observed"], comp["source"]):
        ax.annotate(str(s), (d, v), textcoords="offset points", xytext=(5, 6), fontsize=8)
    for _, ev in events.iterrows():
        ax.axvline(pd.Timestamp(ev["date"]), color="#000000", ls=":", lw=1)
        if isinstance(ev["simulated_date"], str) and ev["simulated_date"]:
            ax.axvline(pd.Timestamp(ev["simulated_date"]), color="#0072B2", ls=":", lw=1)
        ax.annotate(f"{ev['check']} ({ev['source']})", (pd.Timestamp(ev["date"]), 0),
                    xytext=(3, 4), textcoords="offset points", rotation=90, fontsize=7, va="bottom")
    if replay.goal is not None:
        ax.axhline(replay.goal, ls="--", color="#D55E00", label=f"goal/ceiling ({replay.goal_source})")
    ax.set_title(replay.title)
    ax.set_ylabel(f"units per {replay.unit}")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    # The caption as the x label, so the layout makes room for it below the dates.
    ax.set_xlabel("\n".join(textwrap.wrap(caption(replay), 120)), fontsize=7, loc="left")
    main, _ = save(fig, out_dir / f"{replay.name}.png")
    return main


def validate_history(out_dir: Path, replications: int = 20, only: Sequence[str] = (),
                     root_seed: int = DEFAULT_ROOT_SEED, plots: bool = True) -> list[dict]:
    """Run the replays, write series, the comparison table and the plots; return the rows."""
    names = list(only) or list(REPLAYS)
    rows: list[dict] = []
    for name in names:
        result = run_replay(REPLAYS[name], replications, root_seed)
        write_result(result, out_dir)
        rows += compare(result)
    write_comparison(rows, out_dir)
    if plots:
        for name in names:
            plot_replay(REPLAYS[name], out_dir)
    return rows
