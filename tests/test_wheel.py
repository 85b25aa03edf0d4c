"""The built wheel works on its own: it holds only the ``dibsim`` package (with every module of
the checkout and every scenario file), and installed into a fresh virtual environment it runs
the command line and the library from an empty directory, with no checkout on ``sys.path``.

How it is installed, and why: the wheel goes into a new venv (``python -m venv``, no
``--system-site-packages``) with a plain ``pip install <wheel>``, so pip resolves its declared
dependencies from the package index exactly as a user's install would (about 40 s on the
project's 2-core VM when pip downloads everything; its cache makes repeats faster). Reusing the
test environment's packages would be quicker and work offline, but it could hide a dependency
the wheel forgot to declare, and the editable install of the checkout would be one
mis-step away; the point of this test is that the wheel alone is enough. The wheel is built
from a copy of the working tree (build artefacts, venvs and results left out), so a stale
``build/`` folder cannot leak old modules into it and the checkout stays untouched; the build
backend (setuptools, wheel) comes from the index too, in pip's isolated build environment.

Slow (about a minute): marked ``slow``; ``make test-all`` (CI) runs it, ``make test`` leaves it out.
"""

import math
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
#: Checkout folder → the package it is installed as (pyproject's package-dir).
ROOMS = {"src/dibsim": "dibsim", "model": "dibsim/model", "experiments": "dibsim/experiments",
         "scenarios": "dibsim/scenarios"}
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                     "__pycache__", ".pytest_cache", "dask-worker-space", "*.pyc")


def not_source(folder: str, names: list[str]) -> set[str]:
    """What the copy of the checkout leaves out: build output anywhere, and the top-level
    ``results/`` (run output); ``scenarios/calibration/results`` is package data and stays.
    """
    top = {"results"} if Path(folder) == ROOT else set()
    return set(_NOT_SOURCE(folder, names)) | (top & set(names))
PIP_TIMEOUT = 600
TIMINGS: dict[str, float] = {}


def _run(cmd, cwd, env=None, timeout=120):
    """Run a command; fail the test with its output when it exits non-zero."""
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, (f"{' '.join(map(str, cmd))} exited {done.returncode}\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built by ``pip wheel --no-deps`` from a clean copy of the working tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=not_source)
    start = time.perf_counter()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", src],
         cwd=tmp, timeout=PIP_TIMEOUT)
    TIMINGS["build"] = time.perf_counter() - start
    found = sorted((tmp / "dist").glob("dibsim-*.whl"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv with the wheel and its dependencies installed; returns its bin folder."""
    root = tmp_path_factory.mktemp("venv") / "env"
    start = time.perf_counter()
    _run([sys.executable, "-m", "venv", root], cwd=root.parent)
    _run([root / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=root.parent,
         timeout=PIP_TIMEOUT)
    TIMINGS["venv_and_install"] = time.perf_counter() - start
    print(f"wheel build {TIMINGS['build']:.1f} s; venv and install {TIMINGS['venv_and_install']:.1f} s")
    return root / "bin"


@pytest.fixture()
def empty_dir(tmp_path, venv):
    """An empty working directory and an environment that knows nothing of the checkout."""
    cwd = tmp_path / "empty"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV",
                                                             "PYTHONHOME", "DIBSIM_SCENARIOS")}
    env.update(PATH=f"{venv}{os.pathsep}{env.get('PATH', '')}", MPLBACKEND="Agg",
               PYTHONNOUSERSITE="1")
    return cwd, env


def test_wheel_holds_only_the_dibsim_package_with_every_module_and_scenario(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names}
    dist_info = top - {"dibsim"}
    assert "dibsim" in top and len(dist_info) == 1, top
    assert dist_info.pop() == f"dibsim-{wheel.name.split('-')[1]}.dist-info", top
    expected = set()
    for room, package in ROOMS.items():
        for path in (ROOT / room).rglob("*"):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                expected.add(f"{package}/{path.relative_to(ROOT / room).as_posix()}")
    scenario_files = {f"dibsim/scenarios/{p.relative_to(ROOT / 'scenarios').as_posix()}"
                      for p in (ROOT / "scenarios").rglob("*.yaml")}
    assert len(scenario_files) >= 10 and "dibsim/scenarios/baseline.yaml" in scenario_files
    assert not scenario_files - set(names), sorted(scenario_files - set(names))
    assert not expected - set(names), sorted(expected - set(names))


def test_installed_command_line_lists_validates_and_runs_from_an_empty_folder(empty_dir, venv):
    import pandas as pd

    cwd, env = empty_dir
    dibsim = venv / "dibsim"
    listed = _run([dibsim, "list"], cwd, env).stdout
    assert "baseline" in listed and "historical/us_155mm_2022" in listed and "output_value_12m" in listed
    assert "ok" in _run([dibsim, "validate", "baseline"], cwd, env).stdout
    _run([dibsim, "run", "baseline", "--replications", "1", "--steps", "8", "--out", "OUT",
          "--quiet"], cwd, env, timeout=300)
    runs = pd.read_parquet(cwd / "OUT" / "runs.parquet")
    assert len(runs) == 1 and list(runs["status"]) == ["ok"], runs.T


def test_installed_library_runs_the_model_from_an_empty_folder(empty_dir, venv):
    cwd, env = empty_dir
    code = ("import dibsim; from dibsim import CooperationModel; "
            "m = CooperationModel('baseline', rng=1); m.run(steps=4); "
            "print(dibsim.__file__, m.week, len(m.metrics())); print(m.metrics()['output_value_36m'])")
    where, steps, n_metrics, value = _run([venv / "python", "-c", code], cwd, env).stdout.split()
    assert Path(where).resolve().is_relative_to(venv.parent.resolve()), where  # the wheel, not the checkout
    assert steps == "4" and int(n_metrics) >= 12
    assert math.isnan(float(value))  # four weeks cannot hold the 156-week window from the week-0 onset


def test_installed_wheel_has_no_top_level_room_packages(empty_dir, venv):
    # The rooms live under dibsim.*: a user's own model.py or experiments/ must not be shadowed.
    cwd, env = empty_dir
    code = ("import importlib.util, sys; "
            "found = [n for n in ('model', 'experiments', 'scenarios') if importlib.util.find_spec(n)]; "
            "print(found); sys.exit(1 if found else 0)")
    _run([venv / "python", "-c", code], cwd, env)
    failed = subprocess.run([venv / "python", "-c", "import model"], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert failed.returncode != 0 and "No module named 'model'" in failed.stderr, failed.stderr
