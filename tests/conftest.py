"""Test-wide settings: a non-interactive matplotlib backend, and how ``make test`` shares the
tests among worker processes.

The package under test is the installed ``dibsim`` (``make test`` installs it editable), never
the repository's folders on ``sys.path``.

``make test`` runs the suite on two workers (pytest-xdist, ``--dist loadfile``): each test file
runs whole in one worker, so a module's shared runs — module fixtures, the fact caches, the
wheel's venv — are made once, and the files are handed out in collection order.
:data:`COSTLIEST_FIRST` puts the files that take longest at the head of that order, so no long
file starts last and leaves the other worker idle (longest job first). The order changes
nothing a test checks. (Not ``--dist loadgroup``: pytest-xdist 3.8 marks a group by rewriting
a test's ``_nodeid``, which pytest 9.2 no longer reads, so every test would be its own group.)
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

#: Test files by decreasing cost, measured on the project's 2-core VM. A file missing here
#: starts after these, in the usual order; keep a file here when it takes more than ~10 s.
COSTLIEST_FIRST = (
    "test_wheel.py",  # slow only
    "test_shipped_facts.py",
    "test_engine_model.py",
    "test_stylised_facts.py",
    "test_loader_fuzz.py",
    "test_ensemble_study.py",
    "test_deterrence_facts.py",
    "test_engine_bench.py",
    "test_licensed_lines.py",
    "test_permutation.py",
    "test_regression.py",
    "test_robustness.py",
    "test_engine_shards.py",
    "test_history.py",
    "test_scenarios_load.py",
    "test_analysis_report.py",
    "test_answer.py",
    "test_failure_probability.py",
    "test_contract_plots.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the costliest files first (a stable sort: each file keeps its own order)."""
    rank = {name: i for i, name in enumerate(COSTLIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
