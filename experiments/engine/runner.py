"""The runner: execute a plan into a results folder, resumably, on any executor.

``run_experiment(plan, out, executor=...)`` is the one library call behind ``dibsim run`` and
``dibsim study``. It

1. refuses an existing folder unless resuming, and refuses to resume a folder started with
   other scenarios, designs, seed or horizon (experiments.manifest);
2. cuts the runs not yet recorded into batches of consecutive runs of one scenario, sized from
   measured run times (about a second each), so the per-task overhead of a pool or a Dask
   cluster and the cost of writing a part vanish;
3. hands the batches to the executor with a bounded window in flight and records each finished
   batch atomically (experiments.engine.results), so a kill loses only the batches in flight;
4. rebuilds ``runs.parquet`` and ``timeseries.parquet`` from the parts and closes the manifest.

Results do not depend on the executor or the worker count: a run's outcome depends only on
its scenario, overrides and seed, and the stored tables are sorted into plan order.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .executors import Executor, SerialExecutor
from .manifest import check_resumable, new_manifest, now, read_manifest, refresh_for_plan, write_manifest
from .plan import Plan
from .progress import SweepProgress
from .results import ResultsStore
from .worker import Batch, RunFn, RunResult, model_run, run_batch

#: Largest batch: bounds what a kill can lose and what a worker holds in memory.
MAX_BATCH = 64
#: Wall time a batch should take once run times are known (seconds): long enough that the
#: per-task and per-part costs (~1-10 ms) vanish, short enough that a kill loses little.
TARGET_BATCH_S = 1.0
#: A lock file held while a process writes the folder (released by the OS even on SIGKILL).
LOCK_FILE = ".lock"
#: Seconds between refreshes of ``runs.parquet`` during a long sweep.
REFRESH_S = 60.0


@dataclass
class Summary:
    """What an invocation did: counts over the whole folder and over this session."""

    out: Path
    planned: int
    done: int
    failed: int
    ran: int
    elapsed_s: float
    completed: bool
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every run succeeded, 1 when any failed (the sweep still finished)."""
        return 1 if self.failed else 0


def run_experiment(
    plan: Plan,
    out: Path | str,
    *,
    executor: Executor | None = None,
    resume: bool = False,
    run_fn: RunFn = model_run,
    progress: bool | None = None,
    batch_size: int | None = None,
) -> Summary:
    """Run every planned run not yet recorded in ``out``.

    Args:
        plan: the experiment (experiments.plan.make_plan).
        out: the results folder; it must not exist (or be empty) unless ``resume``.
        executor: where runs execute (default: serial in this process).
        resume: finish a folder started earlier with the same plan (replicates may grow); a
            folder that does not exist yet is simply started.
        run_fn: the function that executes one run (default: the model).
        progress: show a progress bar (default: when standard error is a terminal).
        batch_size: runs per task (default: :class:`BatchSizer`, from measured run times).

    Returns:
        The :class:`Summary`.

    Raises:
        UserError: when the folder exists and ``resume`` is false, or cannot be resumed.
    """
    out, executor = Path(out), executor or SerialExecutor()
    start = time.perf_counter()
    with _Entered(executor) as ex, _open_folder(plan, out, resume) as manifest:
        store = ResultsStore(out, plan)
        store.prepare()
        done_ids = set(store.recorded()["run_id"])
        missing = plan.n_planned - len(done_ids)
        session = {"started_at": now(), **ex.describe(), "finished_at": None, "runs": 0,
                   "code_revision": manifest["code_revision"]}
        manifest["sessions"].append(session)
        write_manifest(out, manifest)
        sizer = BatchSizer(missing, ex.workers, batch_size)
        batches = iter_batches(plan, done_ids, sizer, run_fn)
        try:
            _execute(ex, store, batches, sizer, plan.n_planned - missing, progress, session)
        finally:
            store.consolidate()
            summary = _close(out, store, manifest, session, time.perf_counter() - start)
    return summary


class _Entered:
    """Enter an executor, turning a failure to reach a cluster into a :class:`UserError`."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def __enter__(self) -> Executor:
        try:
            return self.executor.__enter__()
        except (OSError, TimeoutError) as exc:
            where = getattr(self.executor, "scheduler", None) or self.executor.name
            raise UserError(f"--scheduler: cannot reach {where} ({exc})") from None

    def __exit__(self, *exc: Any) -> None:
        self.executor.__exit__(*exc)


@contextlib.contextmanager
def _open_folder(plan: Plan, out: Path, resume: bool) -> Iterator[dict[str, Any]]:
    """Hold the folder's lock; yield the manifest to continue (new, or checked and refreshed)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out: {out} is a file, not a folder")
    exists = out.exists() and any(p.name != LOCK_FILE for p in out.iterdir())
    if exists and not resume:
        raise UserError(f"{out} already exists and holds results; add --resume to finish or extend it, "
                        f"or choose a new --out")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{out} is being written by another dibsim process; wait for it to finish "
                            f"or choose a new --out") from None
        if not exists:
            yield new_manifest(plan)
            return
        old = read_manifest(out)
        check_resumable(old, plan, out)
        yield refresh_for_plan(old, plan)


class BatchSizer:
    """Runs per batch: two at first, then as many as take about :data:`TARGET_BATCH_S`.

    The size never leaves fewer than four batches per worker for what remains (so workers
    finish together) and never exceeds :data:`MAX_BATCH`. Batch boundaries do not affect
    results: every run depends only on its own spec.
    """

    def __init__(self, n_runs: int, workers: int, fixed: int | None = None) -> None:
        self.remaining, self.workers, self.fixed = n_runs, max(1, workers), fixed
        self.run_s: float | None = None

    @property
    def size(self) -> int:
        """The size of the next batch."""
        if self.fixed:
            return self.fixed
        cap = max(1, min(MAX_BATCH, math.ceil(self.remaining / (4 * self.workers))))
        if self.run_s is None:
            return min(cap, 2)
        return max(1, min(cap, int(TARGET_BATCH_S / max(self.run_s, 1e-6))))

    def observe(self, results: list[RunResult]) -> None:
        """Learn the mean run time from a finished batch."""
        self.remaining -= len(results)
        mean = sum(r.elapsed_s for r in results) / max(1, len(results))
        self.run_s = mean if self.run_s is None else 0.7 * self.run_s + 0.3 * mean


def iter_batches(plan: Plan, done_ids: set[str], sizer: BatchSizer, run_fn: RunFn) -> Iterator[Batch]:
    """Batches of consecutive missing runs; a batch never spans a recorded run or two scenarios."""
    for scn in plan.scenarios:
        chunk: list[Any] = []
        for spec in plan.specs(scn):
            if spec.run_id in done_ids:
                if chunk:
                    yield Batch(scn.scenario, tuple(chunk), run_fn)
                chunk = []
                continue
            chunk.append(spec)
            if len(chunk) >= sizer.size:
                yield Batch(scn.scenario, tuple(chunk), run_fn)
                chunk = []
        if chunk:
            yield Batch(scn.scenario, tuple(chunk), run_fn)


def _execute(ex: Executor, store: ResultsStore, batches: Iterator[Batch], sizer: BatchSizer,
             done: int, progress: bool | None, session: dict[str, Any]) -> None:
    """Run the batches, recording each as it finishes and counting it in ``session``."""
    last_refresh = time.monotonic()
    with SweepProgress(store.plan.n_planned, done, progress) as bar:
        for batch, results in ex.imap_unordered(run_batch, batches):
            if isinstance(results, BaseException):
                results = _lost(batch, results)  # noqa: PLW2901 - a lost batch's runs are recorded as failed
            store.append(results)
            sizer.observe(results)
            session["runs"] += len(results)
            bar.advance(len(results), sum(r.status != "ok" for r in results))
            if time.monotonic() - last_refresh > REFRESH_S:
                store.consolidate(timeseries=False)
                last_refresh = time.monotonic()


def _lost(batch: Batch, exc: BaseException) -> list[RunResult]:
    """The runs of a batch whose worker died: recorded as failed with the cause."""
    msg = f"worker lost: {type(exc).__name__}: {exc}"
    return [RunResult(spec, "failed", msg) for spec in batch.specs]


def _close(out: Path, store: ResultsStore, manifest: dict[str, Any], session: dict[str, Any],
           elapsed: float) -> Summary:
    """Count what the folder holds, finish the manifest, and summarise."""
    import pandas as pd

    runs = pd.read_parquet(out / "runs.parquet", columns=["run_id", "status", "error"])
    failed = runs[runs["status"] != "ok"]
    manifest.update(done=len(runs), failed=len(failed), finished_at=now(),
                    completed=bool(len(runs) == manifest["planned"]))
    session["finished_at"] = manifest["finished_at"]
    write_manifest(out, manifest)
    failures = list(zip(failed["run_id"].head(5), failed["error"].head(5)))
    return Summary(out, manifest["planned"], len(runs), len(failed), session["runs"], elapsed,
                   manifest["completed"], failures)
