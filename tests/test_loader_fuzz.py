"""Property-based fuzz of scenario input: whatever a planner writes, `dibsim validate` answers
with exit 0 or with exit 2 and lines that each name the file, never with a traceback.

The shipped baseline (read raw, as a dict) is mutated at random places and depths: wrong
types, out-of-range and non-finite numbers, huge numbers, empty strings, lists and mappings,
unknown keys, deleted and renamed keys. A second property writes random variants of the baseline to
exercise the ``extends:`` merge rule (plain lists, ``add``, ``replace``, malformed forms).
Derandomized with no example database, so every run (and CI) tries the same examples. The
mutation property runs 500 examples where every test runs (make test-all, CI; marked slow, about
40 s) and 100 others in make test.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from dibsim.experiments.cli import main
from dibsim.model.loader import load_raw, load_scenario, resolve_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE_PATH = resolve_path("baseline")
BASELINE = load_raw(BASE_PATH)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

#: Examples of the quick mutation fuzz that make test runs (the full one, marked slow, runs 500).
QUICK_EXAMPLES = 100
FUZZ = settings(max_examples=500, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -(10**400), float("nan"), float("inf"), float("-inf"), 1e308,
                     -1e308, 5e-324, -0.0, 0, -1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
)
BAD_VALUES = st.one_of(
    st.none(), st.booleans(), NUMBERS, st.text(max_size=12), st.just(""),
    st.just([]), st.just({}), st.lists(NUMBERS | st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=6), NUMBERS | st.text(max_size=4), max_size=2),
    st.sampled_from([{"add": []}, {"replace": ["XXX"]}, {"add": "CAN"}, {"add": [], "replace": []},
                     {"replace": [{}]}, ["CAN", "aukus"], [{"region": "europe"}]]),
)


def node_paths(data: Any, here: tuple = ()) -> list[tuple]:
    """Every place in nested dicts and lists, the root included."""
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out += node_paths(v, (*here, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += node_paths(v, (*here, i))
    return out


def at(data: Any, path: tuple) -> Any:
    for k in path:
        data = data[k]
    return data


def pick_path(draw: Any, data: Any, skip_root: bool = False) -> tuple:
    """A random place (an index into the places: short failure reports)."""
    paths = node_paths(data)[int(skip_root):]
    return paths[draw(st.integers(0, len(paths) - 1), label="place")]


def bad_value(draw: Any) -> Any:
    return copy.deepcopy(draw(BAD_VALUES, label="value"))  # st.just gives one shared object


def mutate(draw: Any, data: Any) -> Any:
    """One random mutation at a random place; returns the (possibly new) root."""
    path = pick_path(draw, data)
    kind = draw(st.sampled_from(["set", "set", "delete", "unknown_key", "rename"]), label="mutation")
    if not path:
        return bad_value(draw) if kind == "set" else data
    parent, key = at(data, path[:-1]), path[-1]
    if kind == "set":
        parent[key] = bad_value(draw)
    elif kind == "delete":
        del parent[key]
    elif kind == "rename" and isinstance(parent, dict):  # e.g. a nation code others refer to
        parent[draw(st.text(max_size=8), label="new key")] = parent.pop(key)
    elif kind in ("unknown_key", "rename"):
        target = parent[key]
        if isinstance(target, dict):
            target[draw(st.text(min_size=1, max_size=10), label="key")] = bad_value(draw)
        else:
            parent[key] = {draw(st.text(max_size=10), label="key"): bad_value(draw)}
    return data


def validate_in_process(text_or_data: Any, tmp: Path, name: str = "fuzz.yaml") -> tuple[int, str, Path]:
    path = tmp / name
    text = text_or_data if isinstance(text_or_data, str) else yaml.dump(
        text_or_data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["validate", str(path)])
    return code, err.getvalue(), path


def numbers_in(data: Any) -> list[float]:
    if isinstance(data, dict):
        return [x for v in data.values() for x in numbers_in(v)]
    if isinstance(data, (list, tuple)):
        return [x for v in data for x in numbers_in(v)]
    return [data] if isinstance(data, float) else []


def assert_clean_answer(code: int, stderr: str, path: Path) -> None:
    """Exit 0 with a finite scenario, or exit 2 with lines that each name the file."""
    assert code in (0, 2), (code, stderr)
    if code == 2:
        lines = stderr.splitlines()
        assert lines, "exit 2 without a message"
        assert all(line.startswith(str(path)) for line in lines), stderr
    else:
        assert stderr == "", stderr
        assert all(math.isfinite(x) for x in numbers_in(load_scenario(path).model_dump()))


def mutated_baseline_answers_cleanly(data: Any) -> None:
    """The property: one to three random mutations of the baseline get a clean answer."""
    scenario = copy.deepcopy(BASELINE)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        scenario = mutate(data.draw, scenario)
    with tempfile.TemporaryDirectory() as tmp:
        assert_clean_answer(*validate_in_process(scenario, Path(tmp)))


@pytest.mark.slow  # 500 examples, about 40 s: make test-all (CI) runs it
@FUZZ
@given(st.data())
def test_mutated_baseline_never_crashes(data):
    mutated_baseline_answers_cleanly(data)


@settings(FUZZ, max_examples=QUICK_EXAMPLES)
@given(st.data())
def test_mutated_baseline_never_crashes_quick(data):
    # make test's share of the fuzz: other examples than the 500 above (Hypothesis draws them
    # from the test's own name), so the two together try 600
    mutated_baseline_answers_cleanly(data)


def nest(path: tuple, value: Any) -> Any:
    """A variant fragment that sets ``path`` (list indices become list positions)."""
    for k in reversed(path):
        value = [value] if isinstance(k, int) else {k: value}
    return value


@settings(FUZZ, max_examples=200)
@given(st.data())
def test_random_variants_never_crash(data):
    fragment = nest(pick_path(data.draw, BASELINE, skip_root=True), bad_value(data.draw))
    if not isinstance(fragment, dict):
        fragment = {"crises": fragment}
    variant = {"extends": str(BASE_PATH), "name": "fuzz_variant", **fragment}
    with tempfile.TemporaryDirectory() as tmp:
        assert_clean_answer(*validate_in_process(variant, Path(tmp), "variant.yaml"))
