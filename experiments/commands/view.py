"""``dibsim view``: the local dashboard (experiments.view)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``view`` subcommand."""
    p = sub.add_parser("view", help="the dashboard: What if (barrier sliders) and Compare (a results "
                       "folder's plots); needs the 'view' extra",
                       description="Serve the dashboard on 127.0.0.1 and print its address. Works "
                       "offline; usage statistics are off. See docs/view.md.")
    p.add_argument("results_dir", nargs="?", metavar="RESULTS_DIR",
                   help="the results folder the Compare page opens (default: results/default_study)")
    p.add_argument("--scenario", metavar="NAME_OR_FILE",
                   help="the scenario the What-if page opens with (default: baseline)")
    p.add_argument("--port", type=int, default=None, help="local port (default 8501)")
    p.add_argument("--screenshot", metavar="PNG",
                   help="instead of serving, write screenshots of both pages (PNG; the Compare "
                   "page's beside it) with headless chromium and stop")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Serve the dashboard, or write its screenshots."""
    from ..view.launch import DEFAULT_PORT, serve

    if args.screenshot:
        from ..view.screenshot import write_screenshots

        for line in write_screenshots(args.screenshot, args.results_dir, args.scenario):
            print(line)
        return 0
    return serve(args.results_dir, args.port or DEFAULT_PORT, args.scenario)
