"""``dibsim consolidate DIR``: merge the shards of a results folder and rebuild its tables."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``consolidate`` subcommand."""
    p = sub.add_parser("consolidate", help="merge the shards of a results folder (after --shard jobs)",
                       description="Merge every finished shard (DIR/shards/IofN/, written by "
                       "'dibsim run|study ... --shard I/N') into DIR, check they share one plan, and "
                       "rebuild DIR's runs.parquet, timeseries.parquet and manifest. The result equals "
                       "an unsharded run of the same plan. Refuses a shard that is still running.")
    p.add_argument("folder", metavar="DIR", help="the results folder the shards were run into (--out)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Merge, then print one line of counts; exit 0 when the plan is complete, 1 when runs are
    still missing (a shard not run yet) or failed.
    """
    from pathlib import Path

    from ..engine.manifest import read_manifest
    from ..engine.shards import consolidate_folder

    folder = Path(args.folder)
    merged, done = consolidate_folder(folder)
    manifest = read_manifest(folder)
    planned, failed = manifest["planned"], manifest["failed"]
    missing = planned - done
    print(f"{folder}: merged {merged} runs from shards; {done}/{planned} runs recorded, {failed} failed"
          + (f", {missing} not run yet (a shard still to run; resume or run it)" if missing else ""))
    return 1 if (missing or failed) else 0
