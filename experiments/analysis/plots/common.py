"""Shared plotting machinery: the Agg backend, a colour-blind-safe palette, saving.

The palette is Okabe & Ito's eight colours ("Color Universal Design", 2008), distinguishable
under the common colour-vision deficiencies; sequential maps use ``cividis``. Figures are
sized for 100 dpi with 10-point text or larger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # plots are files, never windows; decided before pyplot is imported

import matplotlib.pyplot as plt
from cycler import cycler

OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                              "#56B4E9", "#F0E442", "#000000")
SEQUENTIAL_CMAP = "cividis"
DPI = 100
STYLE = {
    "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "legend.fontsize": 9,
    "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.grid": True, "grid.alpha": 0.3,
    "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": DPI,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
}
ONSET_COLOUR = "#D55E00"


@dataclass(frozen=True)
class PlotRecord:
    """A written figure: its files and the one sentence an analyst reads from it."""

    path: Path
    title: str
    caption: str
    kind: str
    extra_paths: tuple[Path, ...] = ()


def colour(i: int) -> str:
    """The i-th palette colour, cycling."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def line_style(i: int) -> dict[str, str]:
    """Colour and dash for the i-th line, so more lines than colours stay distinguishable."""
    return {"color": colour(i), "linestyle": ("-", "--", ":")[(i // len(OKABE_ITO)) % 3]}


def label_panel(ax, title: str, xlabel: str, ylabel: str) -> None:
    """Title every panel; label the x axis on the bottom row and the y axis on the left column
    only (panels share axes), so the labels do not crowd the grid.
    """
    ax.set_title(title, fontsize=10)
    if getattr(ax, "dib_bottom", True):
        ax.set_xlabel(xlabel)
    if getattr(ax, "dib_left", True):
        ax.set_ylabel(ylabel)


def colours_for(names: Iterable[str]) -> dict[str, str]:
    """A stable name → colour mapping in first-seen order."""
    return {name: colour(i) for i, name in enumerate(dict.fromkeys(names))}


def figure(width: float = 8.0, height: float = 4.8, **kwargs):
    """A new styled figure and axes (``plt.subplots`` under :data:`STYLE`)."""
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        return plt.subplots(figsize=(width, height), **kwargs)


def grid_figure(n_panels: int, ncols: int = 3, panel: tuple[float, float] = (4.2, 3.0),
                **kwargs):
    """A figure of ``n_panels`` small multiples (constrained layout, so figure legends placed
    'outside' get their own room); surplus axes are hidden.
    """
    ncols = max(1, min(ncols, n_panels))
    nrows = -(-n_panels // ncols)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel[0] * ncols, panel[1] * nrows + 0.8),
                                 squeeze=False, layout="constrained", **kwargs)
    flat = list(axes.ravel())
    for i, ax in enumerate(flat):
        ax.dib_left = i % ncols == 0  # read by label_panel
        ax.dib_bottom = i + ncols >= n_panels
        if i >= n_panels:
            ax.set_visible(False)
        elif ax.dib_bottom:
            ax.xaxis.set_tick_params(labelbottom=True)  # the panel below it is hidden
    return fig, flat[:n_panels]


def save(fig, path: Path, formats: Iterable[str] = ("png",)) -> tuple[Path, tuple[Path, ...]]:
    """Write the figure as each format (first one is the main file) and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        if fig.get_layout_engine() is None:
            fig.tight_layout()
        for fmt in formats:
            target = path.with_suffix(f".{fmt}")
            fig.savefig(target, dpi=DPI, format=fmt)
            written.append(target)
    plt.close(fig)
    return written[0], tuple(written[1:])


def record(fig, path: Path, formats: Iterable[str], title: str, caption: str,
           kind: str) -> PlotRecord:
    """Save a figure and describe it."""
    main, extra = save(fig, path, formats)
    return PlotRecord(main, title, caption, kind, extra)


def week_quantiles(values: np.ndarray, q: list[float]) -> np.ndarray:
    """Percentiles ``q`` across runs (rows) for each week (column), NaN where no run has a
    value that week (e.g. a relative surge with no weeks before an onset at week 0); such
    weeks are left as gaps without numpy's 'All-NaN slice' warning on the user's console.
    """
    out = np.full((len(q), values.shape[1]), np.nan)
    has = ~np.isnan(values).all(axis=0)
    if has.any():
        out[:, has] = np.nanpercentile(values[:, has], q, axis=0)
    return out


def safe_name(text: str) -> str:
    """A file-name-safe version of a scenario or metric name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
