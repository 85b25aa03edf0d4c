"""The What-if page's kept worker pool: started with the page, the same processes on every
rerun, the same numbers as runs in the server's own process; and the page's pair folder, which
holds only the series the figures plot, draws the figures that all the series draw."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from view_helpers import REPS, key, tiny_world

pytest.importorskip("streamlit", reason="the dashboard's tests need the 'view' extra (make test installs it)")
from dibsim.experiments.view import pool, whatif
from dibsim.experiments.view.launch import APP
from streamlit.testing.v1 import AppTest

ITAR = "barriers.export_licence.median_days"


def test_the_page_starts_one_pool_and_reuses_it_across_reruns(tmp_path, monkeypatch):
    from dibsim.experiments.view import whatif_page

    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DIBSIM_VIEW_SCENARIO", str(tiny_world(tmp_path)))
    monkeypatch.setenv(pool.WORKERS_ENV, "2")
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["replications"] = REPS
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    kept = whatif_page._pool(2)  # the page's cached resource (the same object on every call)
    assert isinstance(kept, pool.KeptPool)
    pids, runs = kept.worker_pids(), kept.runs
    assert len(pids) == 2 and runs >= REPS  # the status quo ran in the pool
    at.slider(key=key(ITAR)).set_value(90.0).run()
    at.slider(key=key(ITAR)).set_value(60.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.delta != "0" for m in at.metric)
    assert whatif_page._pool(2) is kept
    assert kept.worker_pids() == pids  # the same processes: none started for the reruns
    assert kept.runs == runs + 2 * REPS  # both variants' runs went to them


def test_runs_in_the_pool_are_the_runs_in_this_process(tmp_path, monkeypatch):
    world = tiny_world(tmp_path)
    variant = whatif.Variant(str(world), (), ((ITAR, 90.0),))
    kept = pool.start_pool(2)
    try:
        monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "pooled"))
        pooled = whatif.run_pair(variant, REPS, 7, executor=kept)
        assert kept.runs == 2 * REPS
    finally:
        kept.close()
    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "here"))
    here = whatif.run_pair(variant, REPS, 7)
    metrics = [c for c in here.runs if c not in ("elapsed_s",)]
    assert pooled.runs[metrics].equals(here.runs[metrics])


def test_a_kept_arm_is_read_from_memory(tmp_path, monkeypatch):
    from dibsim.experiments.engine import results

    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "cache"))
    world = tiny_world(tmp_path)
    whatif.run_pair(whatif.Variant(str(world)), 2, 5)
    reads = []
    real = results.load_results
    monkeypatch.setattr(results, "load_results", lambda p: reads.append(p) or real(p))
    again = whatif.run_pair(whatif.Variant(str(world), (), ((ITAR, 90.0),)), 2, 5)
    assert len(reads) == 1 and "what_if" in str(reads[0])  # only the variant's new folder
    assert set(again.runs["scenario"]) == {again.status_quo, again.variant}


def _full_pair(pair: whatif.PairResult, out):
    """The page's pair folder, and a copy of it holding every series of both arms."""
    import shutil

    from dibsim.experiments.engine.results import load_results

    folder = whatif.pair_folder(pair)
    full = out / "full"
    shutil.copytree(folder.path, full)
    tables = [pq.read_table(f"{arm}/timeseries.parquet") for arm in pair.arms]
    pq.write_table(pa.concat_tables(tables), full / "timeseries.parquet")
    return folder, load_results(full)


def test_the_pair_folder_draws_the_figures_all_the_series_draw(tmp_path, monkeypatch):
    from dibsim.experiments.view.figures import SERIES_FIGURES, draw

    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "cache"))
    world = tiny_world(tmp_path)
    pair = whatif.run_pair(whatif.Variant(str(world), (), ((ITAR, 120.0),)), 2, 3)
    small, full = _full_pair(pair, tmp_path)
    assert len(small.series_names()) < len(full.series_names())
    arms = (pair.status_quo, pair.variant)
    for name in SERIES_FIGURES:
        a, b = draw(small, name, arms), draw(full, name, arms)
        assert (a is None) == (b is None), name
        if a is not None and b is not None:
            assert (a.png, a.caption) == (b.png, b.caption), name


def test_the_workers_exit_when_the_server_is_killed(tmp_path):
    import os
    import subprocess
    import sys
    import time

    code = ("import os, signal; from dibsim.experiments.view import pool; p = pool.start_pool(2); "
            "print(' '.join(map(str, sorted(p.worker_pids()))), flush=True); os.kill(os.getpid(), signal.SIGKILL)")
    out = tmp_path / "pids.txt"
    with open(out, "w") as fh:  # a file, not a pipe: workers that outlive it would hold a pipe open
        subprocess.run([sys.executable, "-c", code], check=False, stdout=fh, timeout=300)
    pids = [int(p) for p in out.read_text().split()]
    assert len(pids) == 2

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 30
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in pids if alive(p)]
    for p in left:  # do not leave them behind when the check fails
        os.kill(p, 9)
    assert not left, f"workers {left} outlived the killed server"
