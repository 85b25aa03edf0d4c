"""Shared pieces of the scenario schema: the strict base class and the vocabularies.

Every scenario model derives from :class:`Strict`: unknown keys are errors (pydantic lists
the valid ones through our loader), instances are frozen so a resolved scenario cannot
drift during a run, numbers are finite, and every field carries a description with its unit and its source or
the word *assumption*.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The regions the shipped scenarios declare (``regions:`` in the baseline), in order. The schema
#: does not fix them: every region a scenario names is checked against the scenario's own
#: ``regions``. Hand-built worlds (tests, fact worlds) declare these four by default.
REGIONS: tuple[str, ...] = ("americas", "europe", "indo_pacific", "middle_east")

#: Group tokens every scenario knows without declaring them, because they are derived from
#: nations' own fields: ``rdp_mou`` (``Nation.rdp_mou`` is true) and ``allies`` (every nation
#: but the USA). Regions and all other groups are declared in the scenario (``regions``,
#: ``groups``) and checked as cross-references.
DERIVED_GROUPS: tuple[str, ...] = ("rdp_mou", "allies")

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
