"""``dibsim regression``: re-run the stored fixed-seed runs and report any drift; ``--refresh``
re-measures them and rewrites the stored file (on purpose, with the change that moved them).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``regression`` subcommand."""
    p = sub.add_parser("regression", help="compare fixed-seed runs with their stored metrics",
                       description="Re-run the seeded runs stored in tests/baseline_metrics.json "
                       "and compare every metric (integers and NaN positions exactly, floats "
                       "within a relative 1e-9). Exit 1 and print each difference on drift.")
    p.add_argument("--refresh", action="store_true",
                   help="re-measure the runs and overwrite the stored file instead of checking")
    p.add_argument("--file", metavar="PATH", help="stored file (default: tests/baseline_metrics.json "
                   "of the checkout)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Check (exit 0 when every metric matches, 1 on drift) or refresh the stored file."""
    from pathlib import Path

    from ..validation.regression import check, default_path, refresh, version_notes

    path = Path(args.file) if args.file else default_path()
    if args.refresh:
        data = refresh(path)
        rev = data["code_revision"]
        dirty = " (working tree differs from it)" if rev.get("dirty") else ""
        print(f"wrote {path}: {len(data['runs'])} runs measured at commit {rev.get('commit')}{dirty}")
        return 0
    diffs = check(path)
    if not diffs:
        print(f"dibsim regression: every stored run matches {path}")
        return 0
    print(f"dibsim regression: {len(diffs)} difference(s) from {path}:")
    for line in diffs:
        print(f"  {line}")
    for note in version_notes(path):
        print(f"  note: {note}")
    print("if the change is intended, refresh the file: dibsim regression --refresh")
    return 1
