"""A results folder: its declared tables, the store that writes it, the reader that loads it.

Layout of ``results/<name>/`` (docs/architecture.md, docs/experiments.md)::

    manifest.json                 the experiment's metadata (experiments.engine.manifest)
    runs.parquet                  one row per run, in plan order     (rebuilt from the parts)
    timeseries.parquet            run_id, week, series, value        (rebuilt from the parts)
    parts/runs/<seq>.parquet      the runs of one finished batch     (the record of truth)
    parts/timeseries/<seq>.parquet  the weekly series of that batch

The run table's fixed columns and the series table are declared once here
(:data:`RUN_COLUMNS`, :data:`TIMESERIES_SCHEMA`); the store writes with them, the reader
restores them, and the tests check against them.

Every file is written to a temporary name and renamed into place, so a reader never sees a
half-written file and a process killed at any moment loses only the batches in flight (a part
that an OS crash left unreadable is dropped at the next start and its runs rerun). A
batch's series part is written before its runs part; the runs part is the commit record, so a
series part without its runs part is an orphan of a kill and is deleted on the next start.
The consolidated files are streamed part by part, so memory stays bounded by one part.

Every reader raises :class:`~experiments.errors.UserError` naming the folder and file when
something is missing or unreadable, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from .plan import Plan
    from .worker import RunResult

RUNS_FILE, TIMESERIES_FILE, MANIFEST_FILE = "runs.parquet", "timeseries.parquet", "manifest.json"

#: The runs table's fixed columns, in order, with their types; after them come one column per
#: swept dotted path (typed from its values) and one float64 column per metric.
RUN_COLUMNS: dict[str, pa.DataType] = {
    "run_id": pa.string(),
    "scenario": pa.string(),
    "point": pa.int64(),
    "replicate": pa.int64(),
    "seed": pa.int64(),
    "status": pa.string(),
    "error": pa.string(),
    "elapsed_s": pa.float64(),
}
#: Columns a runs table must hold to be read at all (the others get defaults).
REQUIRED_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point", "replicate", "seed")
#: What a reader fills in for a fixed column that an older or hand-made table lacks.
_FILL: dict[str, Any] = {"status": "ok", "error": "", "elapsed_s": 0.0}
#: Every metric column's type (a metric a run did not report is NaN, never missing).
METRIC_TYPE = pa.float64()
#: The weekly series in long format, one row per (run, series, week).
TIMESERIES_SCHEMA = pa.schema(
    [("run_id", pa.string()), ("week", pa.int64()), ("series", pa.string()), ("value", pa.float64())]
)


def runs_schema(plan: "Plan") -> pa.Schema:
    """The runs table's columns: fixed ones, one per swept path, one per metric."""
    fixed = [pa.field(name, dtype) for name, dtype in RUN_COLUMNS.items()]
    params = [pa.field(p, _param_type(_values_of(plan, p))) for p in plan.param_paths]
    metrics = [pa.field(m, METRIC_TYPE) for m in plan.metric_names]
    return pa.schema(fixed + params + metrics)


def _values_of(plan: "Plan", path: str) -> list[Any]:
    return [pt[path] for s in plan.scenarios for pt in s.design.points if path in pt]


def _param_type(values: Sequence[Any]) -> pa.DataType:
    if values and all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


def runs_table(results: Sequence["RunResult"], schema: pa.Schema, metric_names: Iterable[str]) -> pa.Table:
    """The rows of finished runs, typed by ``schema``; a metric a run did not report is NaN."""
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    fixed, metrics = set(RUN_COLUMNS), set(metric_names)
    for r in results:
        s = r.spec
        row = {"run_id": s.run_id, "scenario": s.scenario, "point": s.point, "replicate": s.replicate,
               "seed": s.seed, "status": r.status, "error": r.error, "elapsed_s": float(r.elapsed_s)}
        for f in schema:
            if f.name in fixed:
                columns[f.name].append(row[f.name])
            elif f.name in metrics:
                columns[f.name].append(r.metrics.get(f.name, math.nan))
            elif f.name in s.params:
                v = s.params[f.name]
                columns[f.name].append(str(v) if pa.types.is_string(f.type) else v)
            else:  # a path swept in another scenario of the experiment
                columns[f.name].append(None)
    return pa.table(columns, schema=schema)


def timeseries_table(results: Sequence["RunResult"]) -> pa.Table:
    """The weekly series of finished runs in long format (run, then series, then week).

    Built column-wise with numpy (one entry per run and series, repeated over its weeks): the
    parent process builds it for every batch while the workers run, and row by row it took
    ~13× as long (26 ms against 2 ms a full-horizon baseline run, 161 series × 261 weeks).
    """
    ids, names, chunks = [], [], []
    for r in results:
        for name, vals in (r.timeseries or {}).items():
            ids.append(r.spec.run_id)
            names.append(name)
            chunks.append(np.asarray(vals, dtype=np.float64))
    if not chunks:
        return TIMESERIES_SCHEMA.empty_table()
    lengths = np.fromiter((len(c) for c in chunks), dtype=np.int64, count=len(chunks))
    which = pa.array(np.repeat(np.arange(len(chunks)), lengths))
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    weeks = np.arange(int(lengths.sum()), dtype=np.int64) - starts
    columns = [pa.array(ids, pa.string()).take(which), pa.array(weeks),
               pa.array(names, pa.string()).take(which), pa.array(np.concatenate(chunks))]
    return pa.table(columns, schema=TIMESERIES_SCHEMA)


def write_table_atomic(table: pa.Table, path: Path, sync: bool = True) -> None:
    """Write a parquet file under a temporary name and rename it into place.

    Args:
        table: the rows.
        path: the final name.
        sync: flush the file to disk before the rename (survives an OS crash, ~5 ms). Parts
            skip it: a rename is atomic against a killed process, and a part left empty by an
            OS crash is detected and dropped at the next start (:meth:`ResultsStore.prepare`).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pq.write_table(table, fh)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json_atomic(data: Any, path: Path, *, compact: bool = False) -> None:
    """Write JSON under a temporary name and rename it into place.

    Args:
        data: the JSON data.
        path: the final name.
        compact: one top-level key a line with its value compact (:func:`json_text`), for
            large files written on the critical path (the manifest); else indented.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        if compact:
            fh.write(json_text(data))
        else:
            json.dump(data, fh, indent=2, sort_keys=False, default=str, allow_nan=True)
            fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def json_text(data: Any) -> str:
    """JSON with one top-level key a line, each value on its line in compact form.

    Python's ``indent=`` turns off the C encoder: a study's manifest (its 52 resolved scenarios,
    ~4.5 MB) took 0.8 s to write that way, twice per session, all of it serial time in the
    parent; compact values write in a quarter of that and the keys stay easy to find.
    """
    def dumps(v: Any) -> str:
        return json.dumps(v, default=str, allow_nan=True)

    if not isinstance(data, dict) or not data:
        return dumps(data) + "\n"
    lines = [f"  {dumps(str(k))}: {dumps(v)}" for k, v in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


class ResultsStore:
    """One results folder: append finished batches, list what is done, consolidate."""

    def __init__(self, root: Path | str, plan: "Plan") -> None:
        self.root = Path(root)
        self.plan = plan
        self.schema = runs_schema(plan)
        self.runs_dir = self.root / "parts" / "runs"
        self.ts_dir = self.root / "parts" / "timeseries"
        self._seq = 0

    def prepare(self) -> None:
        """Create the folders; delete temporaries and orphaned series parts left by a kill."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.ts_dir.mkdir(parents=True, exist_ok=True)
        for tmp in list(self.root.rglob(".*.tmp")):
            tmp.unlink(missing_ok=True)
        for part in self.runs_dir.glob("*.parquet"):
            if not _readable(part):  # cut short by an OS crash: its runs will be rerun
                part.unlink()
        committed = {p.name for p in self.runs_dir.glob("*.parquet")}
        for part in self.ts_dir.glob("*.parquet"):
            if part.name not in committed or not _readable(part):
                part.unlink()
                (self.runs_dir / part.name).unlink(missing_ok=True)
        self._seq = max((int(p.stem) for p in self.runs_dir.glob("*.parquet")), default=0)

    def append(self, results: Sequence["RunResult"]) -> None:
        """Record a finished batch: its series part first, then its runs part (the commit)."""
        if not results:
            return
        series = timeseries_table(results) if self.plan.timeseries else None
        self.append_tables(runs_table(results, self.schema, self.plan.metric_names), series)

    def append_tables(self, runs: pa.Table, series: pa.Table | None) -> None:
        """Record rows already in table form (a merged shard's part): series first, then runs."""
        self._seq += 1
        name = f"{self._seq:08d}.parquet"
        if self.plan.timeseries and series is not None:
            write_table_atomic(series, self.ts_dir / name, sync=False)
        write_table_atomic(runs.cast(self.schema), self.runs_dir / name, sync=False)

    def run_parts(self) -> list[Path]:
        """The committed runs parts, oldest first."""
        return sorted(self.runs_dir.glob("*.parquet")) if self.runs_dir.is_dir() else []

    def recorded(self) -> "pd.DataFrame":
        """``run_id`` and ``status`` of every recorded run (small: two columns)."""
        import pandas as pd

        parts = [pq.ParquetFile(p).read(columns=["run_id", "status"]) for p in self.run_parts()]
        if not parts:
            return pd.DataFrame({"run_id": pd.Series(dtype=str), "status": pd.Series(dtype=str)})
        return pa.concat_tables(parts).to_pandas()

    def consolidate(self, timeseries: bool = True) -> int:
        """Rebuild ``runs.parquet`` (plan order) and ``timeseries.parquet`` from the parts.

        Args:
            timeseries: also rebuild the series file (skipped for mid-sweep refreshes).

        Returns:
            The number of rows in ``runs.parquet``.
        """
        plan, schema = self.plan, self.schema
        parts = self.run_parts()
        tables = [pq.ParquetFile(p).read().cast(schema) for p in parts]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        table = table.take(pa.array(np.argsort(order_keys(plan, table), kind="stable")))
        write_table_atomic(table, self.root / RUNS_FILE)
        if plan.timeseries and timeseries:
            starts = [int(order_keys(plan, t).min()) if t.num_rows else 0 for t in tables]
            ordered = [p for _, p in sorted(zip(starts, parts))]
            self._stream_timeseries(ordered)
        return table.num_rows

    def _stream_timeseries(self, run_parts: Iterable[Path]) -> None:
        path = self.root / TIMESERIES_FILE
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with pq.ParquetWriter(tmp, TIMESERIES_SCHEMA) as writer:
            for part in run_parts:
                ts = self.ts_dir / part.name
                if ts.exists():
                    writer.write_table(pq.ParquetFile(ts).read())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)


def _readable(path: Path) -> bool:
    try:
        pq.read_metadata(path)
        return True
    except (OSError, pa.ArrowInvalid):
        return False


def order_keys(plan: "Plan", table: pa.Table) -> np.ndarray:
    """Each row's position in plan order (scenario, point, replicate), vectorised."""
    offsets, reps, offset = {}, {}, 0
    for s in plan.scenarios:
        offsets[s.name], reps[s.name] = offset, s.replications
        offset += s.n_runs
    names = table.column("scenario").to_pylist()
    base = np.array([offsets[n] for n in names], dtype=np.int64)
    stride = np.array([reps[n] for n in names], dtype=np.int64)
    point = table.column("point").to_numpy(zero_copy_only=False).astype(np.int64)
    rep = table.column("replicate").to_numpy(zero_copy_only=False).astype(np.int64)
    return base + point * stride + rep


# -- reading a folder back ----------------------------------------------------------------------


@dataclass
class ResultsFolder:
    """One results folder: the runs table, the manifest and a lazy time-series reader.

    Attributes:
        path: the folder.
        runs: one row per run, with the types of :data:`RUN_COLUMNS`; metrics are float.
        manifest: the parsed ``manifest.json`` (empty dict when the file is absent).
    """

    path: Path
    runs: "pd.DataFrame"
    manifest: dict[str, Any] = field(default_factory=dict)
    _series_names: tuple[Any, list[str]] | None = field(default=None, init=False, repr=False,
                                                        compare=False)

    @property
    def name(self) -> str:
        """The folder's name, used to label it beside other folders."""
        return self.path.name

    def timeseries(self, series: Iterable[str] | None = None) -> "pd.DataFrame":
        """Weekly series of every run (long format), optionally only the named ones."""
        return read_timeseries(self.path, series)

    def series_names(self) -> list[str]:
        """The distinct series names stored in ``timeseries.parquet`` (empty when absent), read
        again only when the file changed (a report asks for them from several plots).
        """
        file = self.path / TIMESERIES_FILE
        st = file.stat() if file.is_file() else None
        stamp = None if st is None else (st.st_mtime_ns, st.st_size)
        if self._series_names is None or self._series_names[0] != stamp:
            self._series_names = (stamp, list_series(self.path))
        return list(self._series_names[1])


def _require_folder(path: Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"results folder '{path}' does not exist")
    if not (path / RUNS_FILE).is_file():
        raise UserError(f"results folder '{path}' has no {RUNS_FILE} (is it a results folder?)")
    return path


def _pandas_type(dtype: pa.DataType) -> Any:
    """The pandas type a column of ``dtype`` is read back as (text as ``str``)."""
    return str if pa.types.is_string(dtype) else dtype.to_pandas_dtype()


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The parsed manifest (:func:`experiments.engine.manifest.read_manifest`); an empty dict
    when the folder has none, so bare runs tables can still be analysed.
    """
    from .manifest import read_manifest as engine_read_manifest

    if not (Path(path) / MANIFEST_FILE).is_file():
        return {}
    return engine_read_manifest(Path(path))


def read_runs(path: str | Path) -> "pd.DataFrame":
    """``runs.parquet`` with the types of :data:`RUN_COLUMNS` (metrics and ``onset_week`` float).

    A fixed column the table lacks is filled in (status ``ok``, empty text, zero).
    """
    import pandas as pd

    folder = _require_folder(Path(path))
    try:
        runs = pd.read_parquet(folder / RUNS_FILE)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise UserError(f"cannot read '{folder / RUNS_FILE}': {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in runs]
    if missing:
        raise UserError(f"'{folder / RUNS_FILE}' lacks the column(s) {', '.join(missing)}")
    runs = runs.copy()
    for col, dtype in RUN_COLUMNS.items():
        text = pa.types.is_string(dtype)
        if col not in runs:
            runs[col] = _FILL.get(col, "" if text else 0)
        runs[col] = (runs[col].fillna("") if text else runs[col]).astype(_pandas_type(dtype))
    return runs.reset_index(drop=True)


def read_timeseries(path: str | Path, series: Iterable[str] | None = None,
                    categories: bool = False) -> "pd.DataFrame":
    """``timeseries.parquet`` (the columns of :data:`TIMESERIES_SCHEMA`), filtered on read.

    Args:
        path: the results folder.
        series: only these series (all when None).
        categories: ``run_id`` and ``series`` as pandas categories (read as the file's
            dictionaries: much faster and smaller for a whole study's series) instead of text.

    Returns:
        The long table; an empty frame with those columns when the file is absent.
    """
    import pandas as pd

    file = Path(path) / TIMESERIES_FILE
    types = {f.name: _pandas_type(f.type) for f in TIMESERIES_SCHEMA}
    coded = ["run_id", "series"] if categories else []
    types |= dict.fromkeys(coded, "category")
    if not file.is_file():
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})
    wanted = None if series is None else list(series)
    filters = None if wanted is None else [("series", "in", wanted)]
    try:
        ts = pd.read_parquet(file, columns=list(types), filters=filters,
                             **({"read_dictionary": coded} if coded else {}))
    except Exception as exc:
        raise UserError(f"cannot read '{file}': {exc}") from exc
    return ts.astype(types)


def list_series(path: str | Path) -> list[str]:
    """Distinct series names in ``timeseries.parquet``, sorted; empty when absent."""
    file = Path(path) / TIMESERIES_FILE
    if not file.is_file():
        return []
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:  # read as a dictionary column: its chunks' dictionaries hold the distinct names
        col = pq.read_table(file, columns=["series"], read_dictionary=["series"]).column("series")
    except Exception as exc:
        raise UserError(f"cannot read '{file}': {exc}") from exc
    names: set[str] = set()
    for chunk in col.chunks:  # a chunk's dictionary may hold a name its rows no longer use
        names.update(chunk.dictionary.take(pc.unique(chunk.indices)).to_pylist())
    return sorted(n for n in names if n is not None)


def load_results(path: str | Path) -> ResultsFolder:
    """Read a results folder: runs with their types and the manifest (series read lazily)."""
    folder = _require_folder(Path(path))
    return ResultsFolder(path=folder, runs=read_runs(folder), manifest=read_manifest(folder))
