"""Scenario schema of the optional ``sweep:`` block that the experiment engine expands.

The model validates it (designs, ranges, that each dotted path exists); ``experiments/``
turns it into design points and seeds. Vocabulary after EMA Workbench: a swept setting is a
*parameter* with either a list of ``values`` or a ``low``/``high`` range.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from .schema_base import Strict, field

Design = Literal["grid", "lhs", "sobol", "morris"]
#: The root seed of an experiment when neither ``--seed`` nor ``sweep.root_seed`` gives one
#: (the experiment engine re-exports it, so a sweep-less scenario and a default sweep agree).
DEFAULT_ROOT_SEED = 20250623


class SweepParameter(Strict):
    """One swept setting: a value list (grid, categorical) or a numeric range."""

    values: tuple[Any, ...] | None = field(None, description="explicit values (any design)")
    low: float | None = field(None, description="lower bound of a range")
    high: float | None = field(None, description="upper bound of a range")
    type: Literal["float", "int", "categorical"] = field(
        "float", description="how sampled numbers are cast"
    )
    levels: int | None = field(
        None, ge=2, description="grid points over low..high for the grid design (count)"
    )

    @model_validator(mode="after")
    def _values_or_range(self) -> "SweepParameter":
        has_range = self.low is not None or self.high is not None
        if self.values is not None and has_range:
            raise ValueError("give either values or low/high, not both")
        if self.values is None and not has_range:
            raise ValueError("give values or low and high")
        if self.values is not None and len(self.values) == 0:
            raise ValueError("values must not be empty")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high")
            if self.high <= self.low:
                raise ValueError(f"high ({self.high}) must exceed low ({self.low})")
            if self.type == "categorical":
                raise ValueError("a categorical parameter needs values, not a range")
        return self


class Sweep(Strict):
    """Which settings vary, over what, with which design and how many replications."""

    design: Design = field("grid", description="grid, lhs, sobol or morris")
    parameters: dict[str, SweepParameter] = field(
        {}, description="dotted path into the scenario → values or range"
    )
    samples: int = field(
        16, ge=1, description="base sample size N for lhs/sobol/morris (sobol: power of 2 ideal)"
    )
    replications: int = field(10, ge=1, description="replicates per design point (count)")
    root_seed: int = field(DEFAULT_ROOT_SEED, ge=0, description="root of every run's seed")
    second_order: bool = field(False, description="sobol: also second-order indices")
    morris_levels: int = field(4, ge=2, description="morris: grid levels")

    @model_validator(mode="after")
    def _design_fits(self) -> "Sweep":
        if self.design in ("sobol", "morris"):
            for path, p in self.parameters.items():
                if p.low is None and p.type != "categorical":
                    raise ValueError(f"{self.design} design needs low/high for '{path}'")
        if self.design == "grid":
            for path, p in self.parameters.items():
                if p.values is None and p.levels is None:
                    raise ValueError(f"grid design needs values or levels for '{path}'")
        return self
