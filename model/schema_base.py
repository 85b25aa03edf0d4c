"""Shared pieces of the scenario schema: the strict base class and the vocabularies.

Every scenario model derives from :class:`Strict`: unknown keys are errors (pydantic lists
the valid ones through our loader), instances are frozen so a resolved scenario cannot
drift during a run, numbers are finite, and every field carries a description with its unit and its source or
the word *assumption* (STYLE.md pattern 5).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Region = Literal["americas", "europe", "indo_pacific", "middle_east"]
#: The regions, in order (declared once, by the type above).
REGIONS: tuple[str, ...] = get_args(Region)

#: Groups a nation can belong to. ``rdp_mou`` is derived from ``Nation.rdp_mou``; the rest are
#: listed in ``Nation.groups``. ``nato_plus`` is the AECA §36 group with higher notification
#: thresholds (NATO members, Japan, Australia, South Korea, Israel, New Zealand; CRS RL31675, P16).
GROUPS: tuple[str, ...] = (
    "rdp_mou",
    "nato",
    "nato_plus",
    "aukus",
    "pipir",
    "rsf",
    "dicas",
    "allies",
)

Classification = Literal["unclassified", "cui", "noforn"]
CLASSIFICATION_RANK = {"unclassified": 0, "cui": 1, "noforn": 2}


class Strict(BaseModel):
    """Base of every scenario model: unknown keys forbidden, instances frozen, numbers finite.

    NaN and infinity are refused in every float field (and in dicts and tuples of floats):
    ``nan`` passes no bound (it compares false), and ``inf`` would pass a lower bound and
    then poison every sum a run makes; no setting of a scenario means either.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


def field(default: Any = ..., description: str = "", **kwargs: Any) -> Any:
    """A pydantic ``Field`` whose description is mandatory (unit and source or *assumption*)."""
    if not description:
        raise ValueError("every scenario field needs a description with unit and source")
    return Field(default, description=description, **kwargs)
