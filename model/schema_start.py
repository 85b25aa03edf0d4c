"""The world in motion at week 0 (docs/ODD.md §5): what is in flight when a run starts."""

from __future__ import annotations

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
    inputs_in_transit: bool = field(
        True,
        description="each line's inputs from the suppliers it uses at week 0 are on their way: "
        "one week of use arrives in each week of the transit time (assumption: a supply chain "
        "running at its steady rate)",
    )
