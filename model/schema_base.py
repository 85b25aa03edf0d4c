"""Shared pieces of the scenario schema: the strict base class and the vocabularies.

Every scenario model derives from :class:`Strict`: unknown keys are errors (pydantic lists
the valid ones through our loader), instances are frozen so a resolved scenario cannot
drift during a run, and every field carries a description with its unit and its source or
the word *assumption* (STYLE.md pattern 5).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Group tokens every scenario knows without declaring them, because they are derived from
#: nations' own fields: ``rdp_mou`` (``Nation.rdp_mou`` is true) and ``allies`` (every nation
#: but the USA). Regions and all other groups are declared in the scenario (``regions``,
#: ``groups``) and checked as cross-references.
DERIVED_GROUPS: tuple[str, ...] = ("rdp_mou", "allies")

Classification = Literal["unclassified", "cui", "noforn"]
CLASSIFICATION_RANK = {"unclassified": 0, "cui": 1, "noforn": 2}


class Strict(BaseModel):
    """Base of every scenario model: unknown keys forbidden, instances frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def field(default: Any = ..., description: str = "", **kwargs: Any) -> Any:
    """A pydantic ``Field`` whose description is mandatory (unit and source or *assumption*)."""
    if not description:
        raise ValueError("every scenario field needs a description with unit and source")
    return Field(default, description=description, **kwargs)
