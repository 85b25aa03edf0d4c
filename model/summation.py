"""Sums of floats added left to right, the same on every Python version.

Python 3.12 made the built-in ``sum`` of floats compensated (Neumaier summation), so the same
additions differ in the last bit from Python 3.11. The model turns quantities into whole weeks,
capacity checks and draws against thresholds, so such last-bit differences grow into different
runs: the fixed-seed regression moved by up to 0.3% (one metric by a factor of four) on Python
3.12 before the model's sums went through :func:`plain_sum` (issue 19). ``plain_sum`` is the
plain left-to-right addition that Python 3.11's ``sum`` does: the built-in itself before 3.12
(so 3.11 results and speed are unchanged), a reduction with ``+`` from 3.12 on.
"""

from __future__ import annotations

import functools
import operator
import sys
from collections.abc import Iterable

if sys.version_info >= (3, 12):

    def plain_sum(values: Iterable[float], start: float = 0) -> float:
        """``start`` plus each value in turn, left to right, without compensation."""
        return functools.reduce(operator.add, values, start)

else:

    def plain_sum(values: Iterable[float], start: float = 0) -> float:
        """``start`` plus each value in turn, left to right (Python 3.11's built-in ``sum``)."""
        return sum(values, start)
