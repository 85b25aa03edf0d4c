"""The world in motion at week 0 (docs/ODD.md §5): what is in flight when a run starts."""

from __future__ import annotations

from typing import Any

from .schema_base import Strict, field


class WarmStart(Strict):
    """What a run inherits from before week 0: order books owned by modelled buyers, cases
    open in the regulatory pipeline with an age distribution, inputs on their way to lines.
    """

    order_book_weeks: float = field(
        52.0, ge=0.0,
        description="order book of a system line running at week 0, in weeks of its output, "
        "owned by the modelled buyers of its item (producers.*.initial_backlog_weeks overrides "
        "it per line) (weeks; A4: munitions order books run one to several years, so 52-156; "
        "52 taken, assumption)",
    )
    open_cases: bool = field(
        True,
        description="buyers' cross-border orders placed before week 0 are still in the "
        "pipeline at week 0, spread in age over each route's nominal regulatory time (Little's "
        "law: in flight = steady order rate × time in the pipeline; assumption)",
    )
    case_spacing_weeks: int = field(
        8, ge=1,
        description="weeks between successive pre-run orders of one buyer at one foreign line, "
        "so a route with a nominal time of T weeks has about T / spacing cases in flight "
        "(weeks; assumption: one order every two months)",
    )
    history: dict[str, Any] | None = field(
        None,
        description="the barriers and policies blocks in force before week 0 (keys 'barriers', "
        "'policies'), under which the cases in flight at week 0 are measured; set by the loader "
        "from the scenario file when run-time overrides change barriers or policies, so a change "
        "made at run time acts from week 0 on and does not rewrite what was already in flight; "
        "null: the run's own (assumption: a rule changed at week 0 does not change what was "
        "ordered before it)",
    )
    history_from_file: bool = field(
        True,
        description="whether the loader keeps warm_start.history when run-time overrides change "
        "barriers or policies: true when an override is a rule changed at week 0 (facts, study "
        "arms, sweeps); false when it describes the world before the run too (a historical "
        "replay fitted by calibration) (assumption)",
    )
    inputs_in_transit: bool = field(
        True,
        description="each line's inputs from the suppliers it uses at week 0 are on their way: "
        "one week of use arrives in each week of the transit time (assumption: a supply chain "
        "running at its steady rate)",
    )
