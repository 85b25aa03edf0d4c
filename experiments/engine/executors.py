"""Executors: where batches of runs execute, behind one interface.

* ``serial``  — in this process, one batch after another;
* ``process`` — a pool of worker processes started with the **fork** method, chosen here
  explicitly (``import mesa`` switches the global default to spawn, which is slower and needs
  picklable everything); workers stay flat because each run removes its ``Agent._ids`` entry;
* ``dask``    — a Dask cluster: an existing one (``scheduler="tcp://host:8786"``) or a
  ``LocalCluster`` of single-threaded worker processes.

Each executor takes an iterator of tasks and yields ``(task, result)`` pairs as they finish,
keeping only a small window of tasks in flight so memory does not grow with the sweep. A
worker that dies (killed, out of memory) does not hang the sweep: its task comes back with the
exception in place of a result.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

#: Executor names accepted by ``--executor``.
EXECUTORS: tuple[str, ...] = ("serial", "process", "dask")

#: Dask worker settings for CPU-bound pure-Python tasks: the statistical profiler samples every
#: stack each 10 ms and costs a run ~15 % (measured); the GIL monitor likewise.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}

#: Tasks in flight per worker: enough to keep workers busy, few enough to bound memory.
WINDOW_PER_WORKER = 4


class Executor:
    """The interface: a context manager that maps a function over tasks, unordered."""

    name = "base"

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release workers (idempotent)."""

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this executor."""
        return {"executor": self.name, "workers": self.workers}

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yield ``(task, fn(task))`` as tasks finish; a crashed worker yields the exception."""
        raise NotImplementedError


class SerialExecutor(Executor):
    """Runs every task in this process, in order."""

    name = "serial"

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Run ``fn`` over the tasks; yield (task, result or raised exception) as each finishes."""
        for task in tasks:
            yield task, fn(task)


class ProcessExecutor(Executor):
    """A fork-started ``ProcessPoolExecutor`` with a bounded window of tasks in flight."""

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers or default_workers())
        self._pool: Any = None

    def _start(self) -> Any:
        import concurrent.futures as cf
        import multiprocessing

        from .worker import noop

        if self._pool is None:
            ctx = multiprocessing.get_context("fork")
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                                initializer=_ignore_sigint)
            # The parent's objects go to the collector's permanent generation while the workers
            # fork, so a worker's collections never walk (and copy-on-write copy) the pages it
            # inherited; the parent collects them again afterwards.
            gc.freeze()
            try:
                self._pool.submit(noop).result()  # fork now, before any display thread starts
            finally:
                gc.unfreeze()
        return self._pool

    def __enter__(self) -> "ProcessExecutor":
        self._start()
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None and issubclass(exc_type, BaseException) and not issubclass(exc_type, Exception):
            self._terminate()  # Ctrl-C: do not wait for the batches in flight
        self.close()

    def close(self) -> None:
        """Release the workers; the executor cannot be used afterwards."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _terminate(self) -> None:
        """Stop the workers now; their batches are not recorded and a resume reruns them."""
        if self._pool is None:
            return
        for proc in list(getattr(self._pool, "_processes", {}).values()):
            proc.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Run ``fn`` over the tasks; yield (task, result or raised exception) as each finishes."""
        import concurrent.futures as cf

        it, pending = iter(tasks), cast(dict[Any, Any], {})
        window = self.workers * WINDOW_PER_WORKER
        while True:
            while len(pending) < window and (task := next(it, None)) is not None:
                pending[self._submit(fn, task)] = task
            if not pending:
                return
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), _result_or_exception(fut)
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self._restart()

    def _submit(self, fn: Callable[[Any], Any], task: Any) -> Any:
        return self._start().submit(fn, task)

    def _restart(self) -> None:
        """A worker died and broke the pool: start a fresh one for the remaining tasks."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor(Executor):
    """Tasks on a Dask cluster: the scheduler at ``scheduler``, else a new ``LocalCluster``."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        super().__init__(workers or default_workers())
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> "DaskExecutor":
        self._connect()
        return self

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler, timeout="30s")
            self.workers = max(1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()))
        else:
            import dask

            with dask.config.set(QUIET_WORKERS):
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=40,
                )
            self._client = Client(self._cluster)
        self._client.run(preload)  # import the model once per worker, not inside the first task
        return self._client

    def describe(self) -> dict[str, Any]:
        """What the manifest records of this executor (kind, workers, scheduler)."""
        return {**super().describe(), "scheduler": self.scheduler or "LocalCluster"}

    def close(self) -> None:
        """Release the workers; the executor cannot be used afterwards."""
        for thing in (self._client, self._cluster):
            if thing is not None:
                thing.close()
        self._client = self._cluster = None

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Run ``fn`` over the tasks; yield (task, result or raised exception) as each finishes."""
        from dask.distributed import as_completed

        client, it = self._connect(), iter(tasks)
        window = self.workers * WINDOW_PER_WORKER
        first = [(client.submit(fn, t, pure=False), t) for t in _take(it, window)]
        owner = {f.key: t for f, t in first}
        queue = as_completed([f for f, _ in first])
        for fut in queue:
            task = owner.pop(fut.key)
            yield task, fut.result() if fut.status == "finished" else fut.exception()
            nxt = next(it, None)
            if nxt is not None:
                new = client.submit(fn, nxt, pure=False)
                owner[new.key] = nxt
                queue.add(new)


def preload(modules: tuple[str, ...] = ("dibsim.experiments.engine.worker", "dibsim.model")) -> None:
    """Import what runs need in a freshly started (spawned) worker; missing modules are skipped."""
    import importlib

    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it stops workers itself)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _take(it: Iterator[Any], n: int) -> list[Any]:
    out: list[Any] = []
    while len(out) < n and (x := next(it, None)) is not None:
        out.append(x)
    return out


def _result_or_exception(fut: Any) -> Any:
    exc = fut.exception()
    return exc if exc is not None else fut.result()


def default_workers() -> int:
    """Worker count when none is given: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def make_executor(name: str, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor called ``name`` (one of :data:`EXECUTORS`).

    Raises:
        UserError: on an unknown name, a bad worker count, or ``scheduler`` without Dask.
    """
    from ..errors import UserError

    if name not in EXECUTORS:
        raise UserError(f"--executor: unknown executor '{name}' (known: {', '.join(EXECUTORS)})")
    if workers is not None and workers < 1:
        raise UserError(f"--workers: must be a positive integer (got {workers})")
    if scheduler and name != "dask":
        raise UserError(f"--scheduler: only used with --executor dask (got --executor {name})")
    if name == "serial":
        return SerialExecutor(1)
    if name == "process":
        return ProcessExecutor(workers)
    return DaskExecutor(workers, scheduler)
