"""Plots of a calibration folder, read from its stored tables only.

* ``loss.png``: the loss of every trial in order, and the best so far;
* ``profiles.png``: each variable's loss profile (every trial's loss against its value, the
  best marked);
* ``replays/<replay>.png``: the best parameters' simulated series against the observed targets
  with their tolerances (:func:`history.plot_replay`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .history import Replay, plot_replay


def plot_calibration(out: Path | str, replays: Mapping[str, Replay] | None = None) -> list[Path]:
    """Write the calibration's plots; return their paths."""
    import pandas as pd

    from ..analysis.plots.common import figure, grid_figure, save

    out = Path(out)
    trials = pd.read_parquet(out / "trials.parquet").sort_values("trial")
    paths = []
    fig, ax = figure(7.0, 4.2)
    ax.plot(trials["trial"], trials["loss"], "o", ms=3, alpha=0.6, label="trial")
    ax.plot(trials["trial"], trials["loss"].cummin(), "-", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss (mean error in tolerances)")
    ax.set_yscale("log")
    ax.set_title("Calibration loss over trials")
    ax.legend()
    paths.append(save(fig, out / "loss.png")[0])
    variables = [c for c in trials.columns if c.startswith("p:")]
    fig, axes = grid_figure(len(variables), ncols=min(3, len(variables)))
    best = trials.loc[trials["loss"].idxmin()]
    for ax, col in zip(axes, variables):
        ax.plot(trials[col], trials["loss"], "o", ms=3, alpha=0.6)
        ax.plot([best[col]], [best["loss"]], "*", ms=12, color="#D55E00", label="best")
        ax.set_yscale("log")
        ax.set_xlabel(col[2:])
        ax.set_ylabel("loss")
    paths.append(save(fig, out / "profiles.png")[0])
    if replays is None:
        from .history import REPLAYS

        comp = pd.read_csv(out / "replays" / "comparison.csv")
        replays = {n: REPLAYS[n] for n in comp["replay"].unique() if n in REPLAYS}
    paths += [plot_replay(r, out / "replays") for r in replays.values()]
    return paths
