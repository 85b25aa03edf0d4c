"""Shards: one plan split over independent jobs (a Slurm job array), merged afterwards.

``dibsim run|study … --shard I/N`` runs only the I-th of N contiguous blocks of the plan's runs
in plan order (scenario, then point, then replicate): positions ``⌊(I−1)·P/N⌋`` to
``⌊I·P/N⌋ − 1`` of ``P`` planned runs. Any batch system can then run a study as N independent
jobs, with no long-lived client: the shares never overlap, they differ in size by at most one
run, and a run depends only on its own spec. Because every shard's parts are ranges of plan
order, the merged folder equals an unsharded run of the same plan row for row, in the same row
order, tables and series alike (a block also keeps a scenario's runs together, so batches stay
long). The assignment is a function of the run id and the plan: a rerun shard gets the same runs.

Each shard writes a results folder of the usual layout of its own, ``DIR/shards/<I>of<N>/``
(manifest, parts, runs and series tables of its share), holding that folder's lock, so shards
running at once never write the same file. Rerunning a shard (a requeued array task) finishes its
share. Runs already recorded in ``DIR`` itself are skipped.

``dibsim consolidate DIR``, or the next unsharded resume of ``DIR``, merges the finished shards:
it checks each shard was started with the same plan, moves each committed part into ``DIR``
(series part first, then runs part, the commit; a part already merged by an interrupted merge is
dropped), adds the shards' sessions to ``DIR``'s manifest and removes the shard folders. A shard
still being written is refused with a one-line error.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    from .results import ResultsStore

#: The folder inside a results folder that holds one results folder per shard.
SHARDS_DIR = "shards"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_LABEL = re.compile(r"^(\d+)of(\d+)$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as ``--shard 2/3`` and Slurm's ``--array=1-3``)."""

    index: int
    count: int

    @property
    def label(self) -> str:
        """The shard's folder name, e.g. ``2of3``."""
        return f"{self.index}of{self.count}"

    def block(self, n_runs: int) -> range:
        """The 0-based positions in plan order, of ``n_runs`` planned, that are this shard's."""
        return range((self.index - 1) * n_runs // self.count, self.index * n_runs // self.count)

    def share(self, n_runs: int) -> int:
        """How many of ``n_runs`` planned runs are this shard's."""
        return len(self.block(n_runs))

    def describe(self) -> dict[str, int]:
        """What the manifest records of the shard."""
        return {"index": self.index, "count": self.count}


def parse_shard(text: str | None) -> Shard | None:
    """``"I/N"`` → :class:`Shard`; ``None`` stays ``None``.

    Raises:
        UserError: on anything but two integers with 1 ≤ I ≤ N.
    """
    if text is None:
        return None
    m = _SHARD.match(str(text))
    if not m:
        raise UserError(f"--shard: expected I/N, e.g. 2/3 for the second of three shards (got '{text}')")
    index, count = int(m.group(1)), int(m.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UserError(f"--shard: need 1 ≤ I ≤ N with N ≥ 1 (got '{text}')")
    return Shard(index, count)


def shard_folder(root: Path, shard: Shard) -> Path:
    """Where shard ``shard`` of the results folder ``root`` writes."""
    return Path(root) / SHARDS_DIR / shard.label


def shard_folders(root: Path) -> list[Path]:
    """The shard folders under ``root`` (any N), in index order."""
    base = Path(root) / SHARDS_DIR
    if not base.is_dir():
        return []
    found = [p for p in base.iterdir() if p.is_dir() and _LABEL.match(p.name)]
    return sorted(found, key=lambda p: tuple(int(x) for x in _LABEL.match(p.name).groups()[::-1]))  # type: ignore[union-attr]


@contextlib.contextmanager
def locked(folder: Path, what: str) -> Iterator[None]:
    """Hold ``folder``'s lock file; refuse with a one-line error when another process holds it."""
    from .runner import LOCK_FILE

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{folder} is being written by another dibsim process ({what}); wait for it "
                            f"to finish") from None
        yield


def merge_shards(root: Path, store: "ResultsStore", manifest: dict[str, Any]) -> int:
    """Move every finished shard's runs into ``store`` (the folder ``root``), then drop the shards.

    Args:
        root: the results folder.
        store: its store, prepared, for the plan the shards must share.
        manifest: ``root``'s manifest; the shards' sessions are added to it.

    Returns:
        The number of runs merged.

    Raises:
        UserError: when a shard is still being written or was started with another plan.
    """
    from .manifest import check_resumable, read_manifest

    merged = 0
    for folder in shard_folders(root):
        with locked(folder, f"shard {folder.name} still running"):
            if not (folder / "manifest.json").is_file():  # a shard killed before it wrote anything
                shutil.rmtree(folder / "parts", ignore_errors=True)
                continue
            shard_manifest = read_manifest(folder)
            check_resumable(shard_manifest, store.plan, folder)
            merged += _adopt_parts(folder, store)
            manifest["sessions"] += [{**s, "shard": folder.name} for s in shard_manifest.get("sessions", [])]
        shutil.rmtree(folder)
    with contextlib.suppress(OSError):
        (Path(root) / SHARDS_DIR).rmdir()
    return merged


def _adopt_parts(folder: Path, store: "ResultsStore") -> int:
    """Move one shard's committed parts into ``store``; rows it already holds are left out."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .results import ResultsStore

    shard_store = ResultsStore(folder, store.plan)
    shard_store.prepare()  # drop what a kill of the shard left half-written
    recorded = set(store.recorded()["run_id"])
    adopted = 0
    for part in shard_store.run_parts():
        runs = pq.ParquetFile(part).read()
        ts_part = shard_store.ts_dir / part.name
        ids = runs.column("run_id").to_pylist()
        new = [i for i in ids if i not in recorded]
        if new:
            keep = pc.is_in(runs.column("run_id"), value_set=_array(new))
            ts = pq.ParquetFile(ts_part).read() if ts_part.is_file() else None
            if ts is not None:
                ts = ts.filter(pc.is_in(ts.column("run_id"), value_set=_array(new)))
            store.append_tables(runs.filter(keep), ts)
            recorded.update(new)
            adopted += len(new)
        part.unlink()  # the commit record goes first, so a kill here leaves no orphan half
        ts_part.unlink(missing_ok=True)
    return adopted


def _array(values: list[str]) -> Any:
    import pyarrow as pa

    return pa.array(values, type=pa.string())


def consolidate_folder(root: Path | str) -> tuple[int, int]:
    """``dibsim consolidate DIR``: merge the shards of ``DIR`` and rebuild its tables.

    The plan is the one recorded in the folder's manifest (or, for a folder only its shards have
    written, the first shard's), so no scenario needs naming again.

    Returns:
        (runs merged from shards, runs the folder holds afterwards).

    Raises:
        UserError: when ``DIR`` holds neither a manifest nor a shard, a shard is still running,
            or the shards were started with different plans.
    """
    from .manifest import read_manifest, refresh_for_plan, write_manifest
    from .plan import plan_from_manifest
    from .results import ResultsStore
    from .runner import close_folder

    root = Path(root)
    if not root.is_dir():
        raise UserError(f"results folder '{root}' does not exist")
    shards = shard_folders(root)
    own = (root / "manifest.json").is_file()
    if not own and not any((s / "manifest.json").is_file() for s in shards):
        raise UserError(f"{root}: neither a results folder nor one with shards (no manifest.json)")
    with locked(root, "a run or another consolidate"):
        source = root if own else next(s for s in shards if (s / "manifest.json").is_file())
        recorded_manifest = read_manifest(source)
        plan = plan_from_manifest(recorded_manifest)
        manifest = recorded_manifest if own else {**refresh_for_plan(recorded_manifest, plan), "sessions": []}
        manifest.pop("shard", None)
        store = ResultsStore(root, plan)
        store.prepare()
        merged = merge_shards(root, store, manifest)
        write_manifest(root, manifest)
        store.consolidate()
        runs = close_folder(root, manifest)
    return merged, len(runs)
