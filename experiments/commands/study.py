"""``dibsim study``: the main job that ``make run`` runs — what each barrier costs and each
reform buys in the headline scenario(s), as a ranked table, a tornado chart and a report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``study`` subcommand."""
    from .run import add_engine_flags, add_headline_flag

    p = sub.add_parser("study", help="what each barrier costs and each reform buys "
                       "(the main job; results/default_study/)",
                       description="Run the headline scenario's status quo, each barrier removed "
                       "and made stricter, and each reform variant on common random numbers; "
                       "check the top effects under structural alternatives, assumption ends and "
                       "the calibrated plausible set; print the ranked table of barrier costs and "
                       "reform gains and write the report. 20 replications per arm unless "
                       "--replications or --budget-minutes says; resumes the folder when it "
                       "already exists.")
    from ..study import STUDY_DIR, STUDY_REPLICATIONS

    add_engine_flags(p, out_help=f"results folder (default: {STUDY_DIR})",
                     replications_help=f"replicates per arm (default {STUDY_REPLICATIONS}; "
                     "with --budget-minutes, what fits)")
    add_headline_flag(p, repeat=True)
    p.add_argument("--ensemble", metavar="CALIBRATION",
                   help="run the study once per plausible parameter set of a calibration folder "
                   "(results/<calibration>) and say whether each effect's sign and rank hold")
    p.add_argument("--until-resolved", action="store_true",
                   help="add replications in batches to arms whose headline effects are not yet "
                   "resolved or negligible (docs/experiments.md, 'Replicate until resolved')")
    p.add_argument("--max-replications", type=int, default=None, metavar="N",
                   help="with --until-resolved: at most N replications per arm (default 60)")
    p.add_argument("--budget-minutes", type=float, default=None, metavar="M",
                   help="the whole study's wall time: every phase (first look, replications "
                   "added, robustness checks, report) plans its runs to end within M minutes")
    p.add_argument("--batch", type=int, default=None, metavar="B",
                   help="with --until-resolved: replications added per look (default 10; with "
                   "--budget-minutes a quarter of the way from the first look to the last one "
                   "the budget allows)")
    p.add_argument("--no-checks", action="store_true",
                   help="skip the robustness checks of the top effects (structural alternatives, "
                   "assumption ends, plausible set; docs/experiments.md)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Plan the study, run it (resuming a matching folder), then print and write the answer
    and the HTML report.
    """
    from ..engine.shards import parse_shard
    from ..errors import UserError
    from ..study import STUDY_DIR, study_plan, write_study_file
    from .run import out_folder

    parse_shard(args.shard)  # a bad value is refused before anything is planned
    if args.ensemble:
        return handle_ensemble(args)
    from ..study_budget import Budget

    budget = Budget(None if args.budget_minutes is None else 60 * args.budget_minutes)
    plan, arms, notes = study_plan(args.replications, args.steps, args.seed, args.scenario)
    plan = plan if not args.no_timeseries else _without_series(plan)
    out = out_folder(args, STUDY_DIR)
    if args.shard:
        return _run_shard(plan, out, args)
    _say(args, describe(plan, arms, notes, out))
    plan = first_look(plan, out, args, budget)
    rule = None
    if args.until_resolved:
        summary, rule = run_until_resolved(plan, arms, out, args, budget)
    else:
        summary = _run(plan, out, args, budget)
    write_study_file(out, plan, arms, rule)
    _say(args, f"{budget.stamp()} analysing: paired differences of every arm from its status quo …")
    from ..analysis.answer import effects, load_study, print_answer, write_answer
    from ..analysis.answer_text import written_answer
    from ..analysis.decomposition import decomposition, write_decomposition

    study = load_study(out)
    if study is None:
        raise UserError(f"{out}: no study file after the run; rerun dibsim study")
    if not args.no_checks:
        from ..study_checks import run_checks

        run_checks(out, plan, effects(study, checks=False), budget,
                   lambda p, f: _run_check(p, f, args), lambda line: _say(args, line),
                   args.seed, args.scenario, args.steps)
    table = effects(study)
    dec = decomposition(study)
    csv, md = write_answer(study, table, dec)
    where = write_decomposition(study, dec)
    if not args.quiet:
        print_answer(study, table)
        print("\n".join(written_answer(table, study.stricter_rule, dec, study.contests).sentences))
        from ..analysis.first_screen import screen_text

        print(screen_text(table, study.contests))
    _say(args, counts_line(table))
    if where is not None:
        _say(args, f"wrote {where}")
    _say(args, f"{budget.stamp()} wrote {csv} and {md}; drawing plots and the report …")
    from ..analysis.report import build_report

    print(f"report: {build_report([out], answer=(table, dec)).resolve()}")
    _say(args, f"{budget.stamp()} study done")
    return summary.exit_code


def counts_line(table: Any) -> str:
    """How many ranked effects (primary metric, barriers removed and reforms) are resolved,
    hold in the checks made (robust), both, and neither (and how many of those the sequential
    rule showed negligible), and how many do not hold.
    """
    from ..study import RANKED_KINDS

    rows = table[table["primary"] & table["kind"].isin(RANKED_KINDS)]
    checked = rows[[c for c in rows.columns if c.startswith("holds_")]].eq("yes").any(axis=1)
    robust = rows["robust"] & checked
    both = int((rows["resolved"] & robust).sum())
    neither = int((~rows["resolved"] & ~robust).sum())
    small = int((rows["negligible"] & ~robust).sum()) if "negligible" in rows else 0
    return (f"{len(rows)} ranked effects: {int(rows['resolved'].sum())} resolved, "
            f"{int(robust.sum())} robust (checked and held), {both} both, {neither} neither "
            f"(of which {small} shown negligible); {int((~rows['robust']).sum())} do not hold")


def first_look(plan: Any, out: Path, args: argparse.Namespace, budget: Any) -> Any:
    """The plan of the first look. With a budget: a pilot of the status quos measures the pace,
    then every arm gets the replications that fit (experiments.study_budget); a resumed folder
    keeps the replications it holds. Without one: the plan as asked.
    """
    from dataclasses import replace

    from ..study_budget import FIRST_SHARE, MIN_FIRST, first_look_replications

    plan = _at_least_stored(plan, out)
    if not budget.limited:
        return plan
    asked = max(s.replications for s in plan.scenarios)
    from ..study import ARM_SEPARATOR

    pilot = replace(plan, scenarios=tuple(
        replace(s, replications=0 if ARM_SEPARATOR in s.name else MIN_FIRST) for s in plan.scenarios))
    _say(args, f"{budget.stamp()} pilot: the status quos at {MIN_FIRST} replications, to measure the pace")
    _run(_at_least_stored(pilot, out), out, args, budget)
    reps = first_look_replications(budget, len(plan.scenarios), asked)
    _say(args, f"{budget.stamp()} first look: {len(plan.scenarios)} arms × {reps} replications "
               f"(pace {budget.pace:.2f} s a run; the first look ends by {FIRST_SHARE:.0%} of the run budget)")
    return _at_least_stored(replace(plan, scenarios=tuple(replace(s, replications=reps)
                                                          for s in plan.scenarios)), out)


def _at_least_stored(plan: Any, out: Path) -> Any:
    """The plan with each scenario's replications raised to what the folder already holds
    (replicates can only be added).
    """
    import json
    from dataclasses import replace

    try:
        stored = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        held = {s["name"]: int(s["replications"]) for s in stored["fingerprint"]["scenarios"]}
    except (OSError, ValueError, KeyError, TypeError):
        return plan
    return replace(plan, scenarios=tuple(replace(s, replications=max(s.replications, held.get(s.name, 0)))
                                         for s in plan.scenarios))


def _run_check(plan: Any, folder: Path, args: argparse.Namespace) -> Any:
    """Run one check world's plan; a folder left by another plan (other top effects) is
    started again.
    """
    import shutil

    from ..errors import UserError

    try:
        return _run(_at_least_stored(plan, folder), folder, args, quiet=True)
    except UserError as exc:
        if "cannot resume" not in str(exc):
            raise
        shutil.rmtree(folder)
        return _run(plan, folder, args, quiet=True)


def handle_ensemble(args: argparse.Namespace) -> int:
    """The study over a calibration's plausible set (experiments.ensemble_study)."""
    from ..engine.executors import make_executor
    from ..ensemble_study import ENSEMBLE_MARKDOWN, run_ensemble_study
    from ..errors import UserError
    from ..study import STUDY_DIR
    from .run import out_folder

    if args.shard:
        raise UserError("--shard: not with --ensemble (shard the plain study, one folder per plausible set)")
    make_executor(args.executor, args.workers, args.scheduler)  # check the flags first
    out = out_folder(args, STUDY_DIR / f"ensemble-{Path(args.ensemble).name}")
    table = run_ensemble_study(args.ensemble, out, replications=args.replications, steps=args.steps,
                               root_seed=args.seed, headlines=args.scenario,
                               executor_factory=lambda: make_executor(args.executor, args.workers, args.scheduler),
                               say=lambda line: _say(args, line))
    if not args.quiet:
        from ..analysis.catalog import plain_label

        print(f"{'arm':50s} {'metric':40s} {'effect':>10s} {'interval':>26s} {'sign':>5s} {'rank':>5s}")
        for _, r in table[table["primary"]].iterrows():
            interval = f"[{r['effect_low']:.4g}, {r['effect_high']:.4g}]"
            print(f"{r['label']:50s} {plain_label(r['metric']):40s} {r['effect']:10.4g} "
                  f"{interval:>26s} {r['sign_share']:5.0%} {r['rank_share']:5.0%}")
    print(f"wrote {out / ENSEMBLE_MARKDOWN}")
    return 0


def run_until_resolved(plan: Any, arms: list[Any], out: Path, args: argparse.Namespace,
                       budget: Any) -> tuple[Any, Any]:
    """Run the study by the sequential rule (experiments.sequential) within the sequential
    phase of the budget (experiments.study_budget); the last run's summary and the rule.
    """
    from collections.abc import Mapping
    from dataclasses import replace

    from ..errors import UserError
    from ..sequential import StoppingRule, ranking_priority, until_resolved
    from ..study_budget import SEQUENTIAL_SHARE, sequential_plan

    initial = min(s.replications for s in plan.scenarios)
    state: dict[str, Any] = {"summary": _run(plan, out, args, budget), "runs": None}
    studied = [a.name for a in arms if a.kind != "status quo"]
    heads = len({a.headline for a in arms})
    shape = sequential_plan(budget, len(studied), heads, initial,
                            args.max_replications or MAX_REPLICATIONS, args.batch)
    try:
        rule = StoppingRule(initial, shape.batch, max(shape.max_reps, initial))
    except ValueError as exc:
        raise UserError(f"--until-resolved: {exc} (--replications {initial}, "
                        f"--max-replications {shape.max_reps})") from None
    levels = rule.levels()
    _say(args, f"{budget.stamp()} until resolved: looks at {', '.join(map(str, rule.schedule()))} "
               f"replications, fixed now from the budget ({rule.looks} looks; intervals at "
               f"{levels[0]:.2%} at the first, {levels[-1]:.2%} at the last, error spent as "
               f"{rule.alpha:g}·(n/{rule.max_reps})^{rule.power:g}); up to {shape.width} open arms "
               "a step, the top of each headline's ranking first")
    reps = {s.name: s.replications for s in plan.scenarios}
    head_of = {a.name: a.headline for a in arms}

    def extend(targets: Mapping[str, int]) -> None:
        if all(reps[a] >= n for a, n in targets.items()):
            return  # the first look, run above
        for arm, n in targets.items():
            reps[arm] = max(reps[arm], n)
            reps[head_of[arm]] = max(reps[head_of[arm]], n)
        grown = replace(plan, scenarios=tuple(replace(s, replications=reps[s.name])
                                              for s in plan.scenarios))
        _say(args, f"{budget.stamp()} adding replications to {len(targets)} open arms "
                   f"(up to {max(targets.values())})")
        state["summary"] = _run(grown, out, args, budget)
        state["runs"] = None

    window = None if not budget.limited else max(0.0, budget.left_until(SEQUENTIAL_SHARE))
    looks, why = until_resolved(studied, _templates(), rule,
                                lambda a, m: _paired(out, state, arms, a, m), extend, window,
                                per_run=budget.pace, priority=ranking_priority(
                                    {a.name: (a.headline, a.kind) for a in arms}, _templates()[0]),
                                width=shape.width)
    last = looks[-1]
    counts = {k: sum(s[0] == k for s in last.states.values())
              for k in ("resolved", "negligible", "open")}
    _say(args, f"{budget.stamp()} until resolved: stopped after {len(looks)} looks ({why}); "
               f"{counts['resolved']} effects resolved, {counts['negligible']} negligible "
               f"(within ±{rule.threshold:.1%} of the status quo), {counts['open']} open")
    return state["summary"], rule


#: --until-resolved default: replications per arm at most (the batch without a budget is
#: experiments.study_budget.DEFAULT_BATCH).
MAX_REPLICATIONS = 60


def _templates() -> list[str]:
    from ..study import HEADLINE_METRICS

    return list(HEADLINE_METRICS)


def _paired(out: Path, state: dict[str, Any], arms: list[Any], arm: str,
            template: str) -> Any:
    """Oriented paired differences of one arm in one headline metric, and the status quo's
    mean; None when the metric is not a column with values, or measures nothing in the arm's
    headline (a scripted war's failure probability, 0 in every run:
    :meth:`~experiments.analysis.contest.Contest.measures`, as the answer leaves it out).
    """
    import numpy as np

    from ..analysis.answer import ORIENTATION
    from ..analysis.catalog import better_direction
    from ..analysis.contest import contest_of
    from ..engine.results import load_results
    from ..study import contested_region

    if state.get("runs") is None:
        folder = load_results(out)
        state["runs"], state["manifest"] = folder.runs, folder.manifest
        state["regions"], state["contests"] = {}, {}
    runs = state["runs"]
    info = next(a for a in arms if a.name == arm)
    if "{region}" in template:
        if info.headline not in state["regions"]:
            from ...model.loader import load_scenario

            state["regions"][info.headline] = contested_region(load_scenario(info.headline))
        region = state["regions"][info.headline]
        if not region:
            return None
        template = template.format(region=region)
        if info.headline not in state["contests"]:  # one per headline, not per arm and look
            state["contests"][info.headline] = contest_of(state["manifest"], info.headline, region)
        if not state["contests"][info.headline].measures(template):
            return None
    if template not in runs.columns:
        return None
    ok = runs[runs["status"] == "ok"]
    base = ok[ok["scenario"] == info.headline].set_index("replicate")[template]
    mine = ok[ok["scenario"] == arm].set_index("replicate")[template]
    if not base.notna().any():
        return None
    pairs = base.to_frame("b").join(mine.to_frame("a"), how="inner").dropna()
    sign = ORIENTATION[info.kind] * (better_direction(template) or 1)
    return np.asarray(sign * (pairs["a"] - pairs["b"]), dtype=float), float(base.mean())


def describe(plan: Any, arms: list[Any], notes: list[str], out: Path) -> str:
    """What the study is about to do, in a few lines."""
    from ..analysis.catalog import ranked_label
    from ..study import REFORM_KINDS, stricter_rule

    lines = []
    for head in dict.fromkeys(a.headline for a in arms):
        mine = [a for a in arms if a.headline == head]
        count = {k: sum(a.kind == k for a in mine) for k in ("removed", "stricter")}
        reforms = [a for a in mine if a.kind in REFORM_KINDS]
        names = ", ".join(ranked_label(a.kind, a.subject) for a in reforms) or "none"
        lines.append(f"dibsim study: {head}: the status quo, {count['removed']} barriers removed, "
                     f"{count['stricter']} made stricter ({stricter_rule()}) and "
                     f"{len(reforms)} reforms ({names})")
    reps = plan.scenarios[0].replications
    lines.append(f"  {len(plan.scenarios)} arms × {reps} replications on common seeds = "
                 f"{plan.n_planned:,} runs into {out} (resumes what is there)")
    lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines)


def _run(plan: Any, out: Path, args: argparse.Namespace, budget: Any = None,
         quiet: bool = False) -> Any:
    """Run the plan (resuming), add its pace to the budget, print one line of counts and the
    first failures.
    """
    import sys

    from .run import run_plan

    summary = run_plan(plan, out, args, quiet=quiet)
    if budget is not None:
        budget.observe(summary.ran, summary.elapsed_s)
    if not quiet:
        _say(args, f"{summary.out}: {summary.done}/{summary.planned} runs recorded ({summary.ran} "
                   f"this session, {summary.elapsed_s:.1f} s), {summary.failed} failed")
    if summary.failed:
        print(f"dibsim: {summary.failed} of {summary.done} runs failed; the answer uses the "
              "others (paired where both arms ran); first failures:", file=sys.stderr)
        for run_id, error in summary.failures:
            print(f"  {run_id}: {error}", file=sys.stderr)
    return summary


def _run_shard(plan: Any, out: Path, args: argparse.Namespace) -> int:
    """One shard of the study's runs, no analysis: the study with the same flags and no
    ``--shard``, run once every shard has finished, merges them and writes the answer.
    """
    from ..engine.shards import parse_shard
    from .run import report_shard, run_plan

    shard = parse_shard(args.shard)
    summary = run_plan(plan, out, args, shard=shard)
    report_shard(summary, shard, out, quiet=args.quiet)
    _say(args, "  (or rerun this study command without --shard: it merges the shards and writes the answer)")
    return summary.exit_code


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, flush=True)


def _without_series(plan: Any) -> Any:
    from dataclasses import replace

    return replace(plan, timeseries=False)
