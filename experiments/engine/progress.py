"""A progress bar for sweeps: runs done of planned, failures, rate and time remaining (rich).

It draws on standard error only when that is a terminal and ``--quiet`` was not given, so logs
and pipes stay clean.
"""

from __future__ import annotations

import sys
from typing import Any


class SweepProgress:
    """Progress of one sweep; a no-op when disabled."""

    def __init__(self, total: int, done: int = 0, enabled: bool | None = None, label: str = "runs") -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total, self.done, self.failed, self.label = total, done, 0, label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> "SweepProgress":
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[failed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False, refresh_per_second=4,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=self.total, completed=self.done,
                                             rate="", failed="")
        return self

    def advance(self, n: int, failed: int = 0) -> None:
        """Count ``n`` more finished runs, ``failed`` of them failed."""
        self.done += n
        self.failed += failed
        if self._progress is None:
            return
        task = self._progress.tasks[0]
        speed = task.finished_speed or task.speed
        rate = f"{speed:,.1f} runs/s" if speed else ""
        failed_txt = f"[red]{self.failed} failed" if self.failed else ""
        self._progress.update(self._task, advance=n, rate=rate, failed=failed_txt)

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
