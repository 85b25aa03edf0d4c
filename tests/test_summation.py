"""The model's float sums add left to right on every Python version (issue 19): Python 3.12's
built-in ``sum`` is compensated, and its last-bit differences grew into different fixed-seed runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from dibsim.model.summation import plain_sum

MODEL = Path(__file__).resolve().parent.parent / "model"


def test_plain_sum_adds_left_to_right_without_compensation():
    # 0.1 added ten times is 0.9999999999999999 left to right; a compensated sum gives 1.0
    assert plain_sum([0.1] * 10) == 0.9999999999999999
    assert plain_sum([1e16, 1.0, -1e16]) == 0.0  # the 1.0 is lost, as in Python 3.11's sum
    assert plain_sum([], 2.5) == 2.5 and plain_sum(iter([1, 2, 3])) == 6


def _is_count(call: ast.Call) -> bool:
    """``sum(1 for ...)``: integer counts add exactly on every version."""
    arg = call.args[0] if call.args else None
    return isinstance(arg, ast.GeneratorExp) and isinstance(arg.elt, ast.Constant) and type(arg.elt.value) is int


def test_the_model_sums_floats_only_through_plain_sum():
    found = []
    for path in sorted(MODEL.glob("*.py")):
        if path.name == "summation.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum"
                    and not _is_count(node)):
                found.append(f"model/{path.name}:{node.lineno}")
    assert not found, f"use summation.plain_sum, not the built-in sum (compensated from 3.12 on): {found}"
