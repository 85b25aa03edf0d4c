"""The view's worker pool: a few model processes started once, when the page first loads, and
kept across the page's reruns, so a what-if's replications run side by side with no process
start-up on each slider move.

The engine's runner enters and leaves its executor once per results folder; leaving an
engine :class:`~experiments.engine.executors.ProcessExecutor` stops its workers. A
:class:`KeptPool` is an executor whose leaving keeps them: the runner sees a process executor,
and the workers live as long as the server (the page holds the pool with
``st.cache_resource``). Results do not depend on where runs execute (the engine's rule), so the
page shows the same numbers with or without the pool. The workers run the code as it was when
the pool started (they are forked then): a run function that cannot be sent to them, such as
one a test plants inside a test, runs in the server's own process instead
(:func:`sendable`).
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..engine.executors import Executor, ProcessExecutor

#: Worker processes of the page's pool unless ``DIBSIM_VIEW_WORKERS`` says (0: run in the
#: server's own process). Two: the machine the project targets has two cores (assumption).
DEFAULT_WORKERS = 2
#: The environment variable that sets the pool's size.
WORKERS_ENV = "DIBSIM_VIEW_WORKERS"
#: Seconds between a worker's checks that the server that started it is alive (assumption:
#: a killed server's idle workers are gone within a second or two).
WATCH_S = 1.0

#: Process ids of the processes that hold a started pool (a worker forked by one watches it).
_holders: set[int] = set()


def _watch_holder() -> None:
    """In a process just forked: when its parent holds a pool, exit once the parent is gone.

    A worker of a process pool waits on a pipe whose other end it holds itself, so it would
    outlive a server killed without its exit handlers (SIGKILL, SIGTERM to a bare process).
    """
    parent = os.getppid()
    if parent not in _holders:
        return
    _holders.clear()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_S)
        os._exit(0)

    threading.Thread(target=watch, name="dibsim-view-watch", daemon=True).start()


os.register_at_fork(after_in_child=_watch_holder)


class KeptPool(Executor):
    """A fork-started process pool that outlives the runner's ``with`` block.

    Args:
        workers: worker processes (at least 1).
    """

    name = "process"

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        super().__init__(workers)
        self._inner = ProcessExecutor(self.workers)
        #: Runs the workers have finished since the pool started.
        self.runs = 0

    def start(self) -> "KeptPool":
        """Start the workers now (idempotent), after importing what a run needs, so each worker
        inherits the model already imported.
        """
        from ...model import CooperationModel  # noqa: F401 - imported for the workers to inherit
        from ..engine import worker  # noqa: F401

        _holders.add(os.getpid())
        self._inner.__enter__()
        return self

    def __enter__(self) -> "KeptPool":
        return self.start()

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        """Keep the workers; only an interrupt (not an exception of a run) stops them."""
        if exc_type is not None and not issubclass(exc_type, Exception):
            self.close()

    def close(self) -> None:
        """Stop the workers (a later use starts new ones)."""
        self._inner.close()

    def worker_pids(self) -> set[int]:
        """The process ids of the live workers (empty before :meth:`start`)."""
        pool = getattr(self._inner, "_pool", None)
        return {p.pid for p in getattr(pool, "_processes", {}).values() if p.is_alive()}

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Run ``fn`` over the tasks in the workers; yield (task, result or exception)."""
        for task, result in self._inner.imap_unordered(fn, tasks):
            self.runs += len(getattr(task, "specs", (task,)))
            yield task, result


def view_workers() -> int:
    """The pool's size: ``DIBSIM_VIEW_WORKERS`` when set, else :data:`DEFAULT_WORKERS`.

    Raises:
        ValueError: naming the variable and its value, when it is not a whole number ≥ 0.
    """
    text = os.environ.get(WORKERS_ENV, "").strip()
    if not text:
        return DEFAULT_WORKERS
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise ValueError(f"{WORKERS_ENV}: expected a whole number of worker processes ≥ 0, got '{text}'")
    return n


def start_pool(workers: int) -> KeptPool | None:
    """A started pool of ``workers`` processes, or ``None`` for 0 (runs stay in this process)."""
    return KeptPool(workers).start() if workers > 0 else None


def sendable(fn: Callable[..., Any]) -> bool:
    """Whether a run function can be sent to a worker process (a module-level function can; a
    function made inside another, as tests plant, cannot and runs in this process instead).
    """
    try:
        pickle.dumps(fn)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True
