"""Read a results folder back with its dtypes (the contract of ``docs/architecture.md``).

Reading only: the experiment engine writes the folder, and its readers
(``experiments.store.read_runs``, ``experiments.manifest.read_manifest``) are used here; this
module adds the time-series reader and the checks that turn a wrong folder into a one-line
user error, and gathers them behind :func:`load_results`. Every reader raises
:class:`~experiments.errors.UserError` naming the folder and file when something is missing
or unreadable, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..errors import UserError

RUNS_FILE = "runs.parquet"
SERIES_FILE = "timeseries.parquet"
MANIFEST_FILE = "manifest.json"

#: Columns of runs.parquet that are neither swept parameters nor metrics, with their dtypes.
RUN_COLUMNS: dict[str, str] = {
    "run_id": "string",
    "scenario": "string",
    "point": "int64",
    "replicate": "int64",
    "seed": "int64",
    "status": "string",
    "error": "string",
    "elapsed_s": "float64",
}


@dataclass
class ResultsFolder:
    """One results folder: the runs table, the manifest and a lazy time-series reader.

    Attributes:
        path: the folder.
        runs: one row per run, with the dtypes of :data:`RUN_COLUMNS`; metrics are float.
        manifest: the parsed ``manifest.json`` (empty dict when the file is absent).
    """

    path: Path
    runs: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The folder's name, used to label it beside other folders."""
        return self.path.name

    def timeseries(self, series: Iterable[str] | None = None) -> pd.DataFrame:
        """Weekly series of every run (long format), optionally only the named ones."""
        return read_timeseries(self.path, series)

    def series_names(self) -> list[str]:
        """The distinct series names stored in ``timeseries.parquet`` (empty when absent)."""
        return list_series(self.path)


def _require_folder(path: Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"results folder '{path}' does not exist")
    if not (path / RUNS_FILE).is_file():
        raise UserError(f"results folder '{path}' has no {RUNS_FILE} (is it a results folder?)")
    return path


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The parsed manifest (the engine's ``experiments.manifest.read_manifest``); an empty
    dict when the folder has none, so bare runs tables can still be analysed."""
    from .manifest import read_manifest as engine_read_manifest

    if not (Path(path) / MANIFEST_FILE).is_file():
        return {}
    return engine_read_manifest(Path(path))


def read_runs(path: str | Path) -> pd.DataFrame:
    """``runs.parquet`` with the contract's dtypes (metrics and ``onset_week`` as float)."""
    from .store import read_runs as store_read_runs  # the engine's one reader

    folder = _require_folder(Path(path))
    try:
        runs = store_read_runs(folder)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise UserError(f"cannot read '{folder / RUNS_FILE}': {exc}") from exc
    missing = [c for c in ("run_id", "scenario", "point", "replicate", "seed") if c not in runs]
    if missing:
        raise UserError(f"'{folder / RUNS_FILE}' lacks the column(s) {', '.join(missing)}")
    return _with_dtypes(runs)


def _with_dtypes(runs: pd.DataFrame) -> pd.DataFrame:
    runs = runs.copy()
    for col, dtype in RUN_COLUMNS.items():
        if col not in runs:
            runs[col] = {"status": "ok", "error": ""}.get(col, pd.NA if dtype == "string" else 0)
        if dtype == "string":
            runs[col] = runs[col].fillna("").astype(str)
        else:
            runs[col] = runs[col].astype(dtype)
    return runs.reset_index(drop=True)


def read_timeseries(path: str | Path, series: Iterable[str] | None = None) -> pd.DataFrame:
    """``timeseries.parquet`` (``run_id``, ``week``, ``series``, ``value``), filtered on read.

    Returns an empty frame with those columns when the file is absent.
    """
    file = Path(path) / SERIES_FILE
    cols = ["run_id", "week", "series", "value"]
    if not file.is_file():
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(cols, ["string", "int64", "string", "float64"])})
    wanted = None if series is None else list(series)
    filters = None if wanted is None else [("series", "in", wanted)]
    try:
        ts = pd.read_parquet(file, columns=cols, filters=filters)
    except Exception as exc:
        raise UserError(f"cannot read '{file}': {exc}") from exc
    return ts.astype({"run_id": str, "week": "int64", "series": str, "value": "float64"})


def list_series(path: str | Path) -> list[str]:
    """Distinct series names in ``timeseries.parquet``, sorted; empty when absent."""
    file = Path(path) / SERIES_FILE
    if not file.is_file():
        return []
    try:
        col = pd.read_parquet(file, columns=["series"])["series"]
    except Exception as exc:
        raise UserError(f"cannot read '{file}': {exc}") from exc
    return sorted(col.astype(str).unique().tolist())


def load_results(path: str | Path) -> ResultsFolder:
    """Read a results folder: runs with dtypes and the manifest (series are read lazily)."""
    folder = _require_folder(Path(path))
    return ResultsFolder(path=folder, runs=read_runs(folder), manifest=read_manifest(folder))
