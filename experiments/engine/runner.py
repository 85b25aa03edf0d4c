"""The runner: execute a plan into a results folder, resumably, on any executor.

``run_experiment(plan, out, executor=...)`` is the one library call behind ``dibsim run`` and
``dibsim study``. It

1. refuses an existing folder unless resuming, and refuses to resume a folder started with
   other scenarios, designs, seed or horizon (experiments.manifest);
2. cuts the runs not yet recorded into batches of consecutive runs of one scenario, sized from
   measured run times (about a second each) and shrinking with the runs not yet handed out
   (guided self-scheduling), so the per-task overhead of a pool or a Dask cluster and the cost
   of writing a part vanish and the workers finish together; on Dask, about 20 tasks per worker;
3. hands the batches to the executor with a bounded window in flight and records each finished
   batch atomically (experiments.engine.results), so a kill loses only the batches in flight;
4. rebuilds ``runs.parquet`` and ``timeseries.parquet`` from the parts and closes the manifest.

With ``shard=`` it runs only that shard's share into ``out/shards/<I>of<N>/``; an unsharded
resume of ``out`` first merges the finished shards (experiments.engine.shards).

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
from .shards import Shard, merge_shards, shard_folder, shard_folders
from .worker import Batch, RunFn, RunResult, model_run, run_batch

#: Largest batch: bounds what a kill can lose and what a worker holds in memory.
MAX_BATCH = 64
#: Wall time a batch should take once run times are known (seconds): long enough that the
#: per-task and per-part costs (~1-10 ms) vanish, short enough that a kill loses little.
TARGET_BATCH_S = 1.0
#: A batch is at most the runs not yet handed out ÷ (this × workers): sizes shrink towards the
#: end of a sweep, so no worker is left with a long last batch while the others idle.
GUIDED_SHARE = 4
#: Tasks per worker on a Dask cluster: the scheduler's cost per task (~1-2 ms) stays small
#: beside the runs, and the dynamic assignment still balances the workers.
DASK_TASKS_PER_WORKER = 20
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
    shard: Shard | None = None,
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
        shard: run only this shard's share, into ``out/shards/<I>of<N>/`` (resumed when it
            exists); runs already recorded in ``out`` itself are skipped.

    Returns:
        The :class:`Summary` (for a shard: of its share).

    Raises:
        UserError: when the folder exists and ``resume`` is false, or cannot be resumed.
    """
    out, executor = Path(out), executor or SerialExecutor()
    folder = shard_folder(out, shard) if shard else out
    start = time.perf_counter()
    done_elsewhere = _recorded_in_root(out, plan) if shard else set()
    with _Entered(executor) as ex, _open_folder(plan, folder, resume or shard is not None) as manifest:
        store = ResultsStore(folder, plan)
        store.prepare()
        if shard is None:
            merge_shards(out, store, manifest)
        else:
            manifest["shard"] = {**shard.describe(), "share": shard.share(plan.n_planned)}
        done_ids = set(store.recorded()["run_id"]) | done_elsewhere
        owned = shard.share(plan.n_planned) if shard else plan.n_planned
        done = sum(s.run_id in done_ids for s in _owned_specs(plan, shard)) if shard else len(done_ids)
        session = {"started_at": now(), **ex.describe(), "finished_at": None, "runs": 0,
                   "code_revision": manifest["code_revision"]}
        if shard:
            session["shard"] = shard.label
        manifest["sessions"].append(session)
        write_manifest(folder, manifest)
        sizer = BatchSizer(owned - done, ex.workers, batch_size,
                           DASK_TASKS_PER_WORKER if ex.name == "dask" else None)
        batches = iter_batches(plan, done_ids, sizer, run_fn, shard)
        try:
            _execute(ex, store, batches, sizer, owned, done, progress, session)
        finally:
            store.consolidate()
            elsewhere = sum(s.run_id in done_elsewhere for s in _owned_specs(plan, shard)) if shard else 0
            summary = _summarise(folder, manifest, session, time.perf_counter() - start, owned, elsewhere)
    return summary


def _recorded_in_root(out: Path, plan: Plan) -> set[str]:
    """Run ids ``out`` itself already records (a shard skips them); refuses another plan's folder."""
    if not (out / "manifest.json").is_file():
        return set()
    check_resumable(read_manifest(out), plan, out)
    return set(ResultsStore(out, plan).recorded()["run_id"])


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
        if not exists or (not (out / "manifest.json").is_file() and shard_folders(out)):
            yield new_manifest(plan)  # new, or only its shards have written so far
            return
        old = read_manifest(out)
        check_resumable(old, plan, out)
        yield refresh_for_plan(old, plan)


class BatchSizer:
    """Runs per batch: two at first, then as many as take about :data:`TARGET_BATCH_S`.

    ``remaining`` counts the runs not yet handed out (:meth:`issued`); a batch is at most
    ``remaining ÷ (GUIDED_SHARE × workers)`` runs, so sizes shrink as the sweep ends and the
    workers finish together (guided self-scheduling), and never exceeds :data:`MAX_BATCH`. With
    ``tasks_per_worker`` (Dask) a batch is also at most ``n_runs ÷ (tasks_per_worker × workers)``
    runs and no time target applies: about that many tasks per worker. Batch boundaries do not
    affect results: every run depends only on its own spec.
    """

    def __init__(self, n_runs: int, workers: int, fixed: int | None = None,
                 tasks_per_worker: int | None = None) -> None:
        self.remaining, self.workers, self.fixed = n_runs, max(1, workers), fixed
        self.per_task = math.ceil(n_runs / (tasks_per_worker * self.workers)) if tasks_per_worker else None
        self.run_s: float | None = None

    @property
    def size(self) -> int:
        """The size of the next batch."""
        if self.fixed:
            return self.fixed
        cap = max(1, min(MAX_BATCH, math.ceil(self.remaining / (GUIDED_SHARE * self.workers))))
        if self.per_task is not None:
            return max(1, min(cap, self.per_task))
        if self.run_s is None:
            return min(cap, 2)
        return max(1, min(cap, int(TARGET_BATCH_S / max(self.run_s, 1e-6))))

    def issued(self, n: int) -> None:
        """``n`` more runs were handed out in a batch."""
        self.remaining -= n

    def observe(self, results: list[RunResult]) -> None:
        """Learn the mean run time from a finished batch."""
        mean = sum(r.elapsed_s for r in results) / max(1, len(results))
        self.run_s = mean if self.run_s is None else 0.7 * self.run_s + 0.3 * mean


def iter_batches(plan: Plan, done_ids: set[str], sizer: BatchSizer, run_fn: RunFn,
                 shard: Shard | None = None) -> Iterator[Batch]:
    """Batches of consecutive missing runs (of the shard's share); a batch never spans a
    recorded run or two scenarios.
    """
    def batch(scn: Any, chunk: list[Any]) -> Batch:
        sizer.issued(len(chunk))
        return Batch(scn.scenario, tuple(chunk), run_fn)

    mine = shard.block(plan.n_planned) if shard is not None else range(plan.n_planned)
    position = 0
    for scn in plan.scenarios:
        chunk: list[Any] = []
        for spec in plan.specs(scn):
            position += 1
            if position - 1 not in mine:
                continue
            if spec.run_id in done_ids:
                if chunk:
                    yield batch(scn, chunk)
                chunk = []
                continue
            chunk.append(spec)
            if len(chunk) >= sizer.size:
                yield batch(scn, chunk)
                chunk = []
        if chunk:
            yield batch(scn, chunk)


def _owned_specs(plan: Plan, shard: Shard | None) -> Iterator[Any]:
    """The plan's runs in plan order, only the shard's share when sharded."""
    mine = shard.block(plan.n_planned) if shard is not None else range(plan.n_planned)
    position = 0
    for scn in plan.scenarios:
        for spec in plan.specs(scn):
            if position in mine:
                yield spec
            position += 1


def _execute(ex: Executor, store: ResultsStore, batches: Iterator[Batch], sizer: BatchSizer,
             planned: int, done: int, progress: bool | None, session: dict[str, Any]) -> None:
    """Run the batches, recording each as it finishes and counting it in ``session``."""
    last_refresh = time.monotonic()
    with SweepProgress(planned, done, progress) as bar:
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


def close_folder(out: Path, manifest: dict[str, Any], planned: int | None = None,
                 session: dict[str, Any] | None = None, elsewhere: int = 0) -> "Any":
    """Count what the folder's runs table holds, finish and write the manifest.

    Args:
        out: the folder (its ``runs.parquet`` is current).
        manifest: its manifest, updated in place.
        planned: the runs the folder is meant to hold (default: the manifest's ``planned``).
        session: this session's entry, stamped with the finish time.
        elsewhere: runs of the folder's share already recorded in the folder above (a shard).

    Returns:
        The runs table's ``run_id``, ``status`` and ``error`` columns.
    """
    import pandas as pd

    runs = pd.read_parquet(out / "runs.parquet", columns=["run_id", "status", "error"])
    planned = manifest["planned"] if planned is None else planned
    manifest.update(done=len(runs), failed=int((runs["status"] != "ok").sum()), finished_at=now(),
                    completed=bool(len(runs) + elsewhere == planned))
    if session is not None:
        session["finished_at"] = manifest["finished_at"]
    write_manifest(out, manifest)
    return runs


def _summarise(out: Path, manifest: dict[str, Any], session: dict[str, Any], elapsed: float,
               planned: int, elsewhere: int) -> Summary:
    """Close the folder and summarise what it holds (a shard: with its runs merged above)."""
    runs = close_folder(out, manifest, planned, session, elsewhere)
    failed = runs[runs["status"] != "ok"]
    failures = list(zip(failed["run_id"].head(5), failed["error"].head(5)))
    return Summary(out, planned, len(runs) + elsewhere, len(failed), session["runs"], elapsed,
                   manifest["completed"], failures)
