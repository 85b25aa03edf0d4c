"""Console tables for the engine's commands: metric means per scenario, bench figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def metric_means(out: Path, metrics: Sequence[str]) -> "Any":
    """Mean of each metric over the successful runs of each scenario (metrics × scenarios)."""
    import pandas as pd

    runs = pd.read_parquet(Path(out) / "runs.parquet")
    ok = runs[runs["status"] == "ok"]
    cols = [m for m in metrics if m in ok.columns]
    order = list(dict.fromkeys(runs["scenario"]))
    means = ok.groupby("scenario", sort=False)[cols].mean().reindex(order)
    counts = ok.groupby("scenario", sort=False).size().reindex(order).fillna(0).astype(int)
    table = means.T
    table.loc["(ok runs)"] = counts
    return table


def print_metric_means(out: Path, metrics: Sequence[str]) -> None:
    """Print :func:`metric_means` as a rich table on standard output."""
    from rich.console import Console
    from rich.table import Table

    frame = metric_means(out, metrics)
    table = Table(title=f"Mean per scenario — {out}", show_lines=False)
    table.add_column("metric", style="bold", no_wrap=True, min_width=28)
    for name in frame.columns:
        table.add_column(str(name), justify="right")
    for metric, row in frame.iterrows():
        table.add_row(str(metric), *(_fmt(v) for v in row))
    Console(width=max(100, 24 + 14 * len(frame.columns))).print(table)


def print_rows(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a plain rich table of already-formatted rows."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(v if isinstance(v, str) else _fmt(v) for v in row))
    Console(width=120).print(table)


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int,)) or (isinstance(v, float) and v.is_integer() and abs(v) < 1e6):
        return f"{int(v):,}"
    return f"{v:.4g}"
