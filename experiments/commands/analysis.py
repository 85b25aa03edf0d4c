"""Analysis commands on stored results: ``summary``, ``compare``, ``plot``, ``sensitivity``,
``discover`` and ``report``. None of them runs the model; each calls one library function of
:mod:`experiments.analysis`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _folder_arg(p: argparse.ArgumentParser, many: bool = False) -> None:
    p.add_argument("folders" if many else "folder", nargs="+" if many else None, metavar="DIR",
                   help="results folder(s) written by dibsim run / study")


def _metric_arg(p: argparse.ArgumentParser, many: bool = True) -> None:
    if many:  # both '--metric a b' and '--metric a --metric b'
        p.add_argument("--metric", action="extend", nargs="+", metavar="M",
                       help="metric columns (repeatable; default: all)")
    else:
        p.add_argument("--metric", required=True, metavar="M", help="metric column")


def _svg_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--svg", action="store_true", help="also write SVG beside each PNG")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the analysis subcommands."""
    p = sub.add_parser("summary", help="mean, sd, 95%% interval, n and failures per scenario/point")
    _folder_arg(p)
    _metric_arg(p)
    p.add_argument("-o", "--output", metavar="FILE", help="CSV path (default: DIR/summary.csv)")
    p.set_defaults(handler=summary)

    p = sub.add_parser("compare", help="differences from a baseline with 95%% intervals")
    _folder_arg(p, many=True)
    p.add_argument("--baseline", metavar="NAME", help="baseline scenario (default: 'baseline')")
    _metric_arg(p)
    p.add_argument("--out", metavar="DIR", help="where tables and plots go (default: first DIR)")
    _svg_arg(p)
    p.set_defaults(handler=compare)

    p = sub.add_parser("plot", help="standard plots of a results folder into DIR/plots/")
    _folder_arg(p)
    _metric_arg(p)
    p.add_argument("--out", metavar="DIR", help="plot folder (default: DIR/plots)")
    p.add_argument("--scenario", action="append", metavar="NAME",
                   help="a scenario the comparison figures draw (repeat for several; default: "
                        "the status quo, the reforms and the barrier arms that move most)")
    _svg_arg(p)
    p.set_defaults(handler=plot)

    _register_sensitivity(sub)
    _register_discover(sub)

    p = sub.add_parser("report", help="one self-contained HTML report (images embedded)")
    _folder_arg(p, many=True)
    p.add_argument("-o", "--output", metavar="FILE", help="HTML path (default: DIR/report.html)")
    p.add_argument("--baseline", metavar="NAME", help="baseline scenario of the comparison")
    p.set_defaults(handler=report)


def _register_sensitivity(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sensitivity", help="Sobol / Morris indices or feature scores of a sweep")
    _folder_arg(p)
    _metric_arg(p)
    p.add_argument("--method", default="auto", choices=("auto", "sobol", "morris", "scores"),
                   help="default: what the design supports (sobol, morris, else scores)")
    p.add_argument("--scenario", metavar="NAME", help="only this scenario's sweep")
    p.add_argument("--out", metavar="DIR", help="output folder (default: DIR/sensitivity)")
    _svg_arg(p)
    p.set_defaults(handler=sensitivity)


def _register_discover(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discover", help="PRIM boxes of swept settings leading to an outcome")
    _folder_arg(p)
    _metric_arg(p, many=False)
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, metavar="X", help="cases of interest: metric < X")
    side.add_argument("--above", type=float, metavar="X", help="cases of interest: metric > X")
    p.add_argument("--scenario", metavar="NAME", help="only this scenario's runs")
    p.add_argument("--min-density", type=float, default=0.8, metavar="D",
                   help="report the widest box with at least this density (default 0.8)")
    p.add_argument("--box", type=int, metavar="I", help="report box I of the peeling path")
    p.add_argument("--out", metavar="DIR", help="output folder (default: DIR/discovery)")
    _svg_arg(p)
    p.set_defaults(handler=discover)


def _formats(args: argparse.Namespace) -> tuple[str, ...]:
    return ("png", "svg") if getattr(args, "svg", False) else ("png",)


def summary(args: argparse.Namespace) -> int:
    """Write summary.csv and print the table."""
    from rich.console import Console

    from ..analysis.summary import render_table, write_summary

    path, table = write_summary(args.folder, args.metric, args.output)
    Console(width=200).print(render_table(table))
    print(f"wrote {path}")
    return 0


def compare(args: argparse.Namespace) -> int:
    """Write comparison.csv/.md and a forest plot per metric."""
    from ..analysis.compare import compare as run_compare
    from ..analysis.compare import to_markdown, write_comparison
    from ..analysis.plots import check_metrics
    from ..analysis.plots.metrics import plot_forest
    from ..engine.results import load_results

    folders = [load_results(f) for f in args.folders]
    if args.metric:
        from ..analysis.compare import common_metrics

        check_metrics(args.metric, common_metrics(folders))
    table = run_compare(folders, args.baseline, args.metric)
    out = Path(args.out) if args.out else folders[0].path
    csv, md = write_comparison(table, out)
    plots = [plot_forest(table, m, out / "plots", _formats(args))
             for m in dict.fromkeys(table["metric"])]
    print(to_markdown(table))
    print(f"methods: {', '.join(sorted(table['method'].unique()))}")
    print(f"wrote {csv}, {md} and {len(plots)} forest plots in {out / 'plots'}")
    return 0


def plot(args: argparse.Namespace) -> int:
    """Draw the standard plots."""
    from ..analysis.plots import make_plots

    records = make_plots(args.folder, args.out, _formats(args), args.metric, args.scenario)
    for r in records:
        print(r.path)
    print(f"wrote {len(records)} plots (index.md beside them)")
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    """Indices table, plots and notes on skipped metrics."""
    from ..analysis.sensitivity import run_sensitivity

    table, records, notes = run_sensitivity(args.folder, args.metric, args.method,
                                            args.scenario, args.out, _formats(args))
    with_text = table.drop(columns=[c for c in ("scenario",) if table["scenario"].nunique() == 1])
    print(with_text.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    for note in notes:
        print(f"note: {note}")
    print(f"wrote sensitivity.csv and {len(records)} plots in {records[0].path.parent}")
    return 0


def discover(args: argparse.Namespace) -> int:
    """PRIM box table and plots."""
    from ..analysis.discovery import discover as run_discover

    found = run_discover(args.folder, args.metric, args.below, args.above, args.scenario,
                         min_density=args.min_density, box=args.box, out=args.out,
                         formats=_formats(args))
    stats = found.trajectory.iloc[found.chosen]
    print(f"{found.condition}: {found.n_interest} of {found.n_runs} runs; box #{found.chosen} "
          f"coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
          f"{int(stats['res_dim'])} restricted settings")
    print(found.limits.to_string(index=False, float_format=lambda v: f"{v:.4g}")
          if not found.limits.empty else "(the box restricts nothing)")
    print(f"wrote tables and plots in {found.records[0].path.parent}")
    return 0


def report(args: argparse.Namespace) -> int:
    """Write the HTML report and print its path."""
    from ..analysis.report import build_report

    path = build_report(args.folders, args.output, args.baseline)
    print(f"report: {path.resolve()}")
    return 0
