"""Tiny hand-built worlds for known-answer and stylised-fact tests.

Each function returns a plain scenario mapping (as a YAML file would hold it) so a test can
change one setting and validate it with ``model.loader.validate``.
"""

from __future__ import annotations

import copy
from typing import Any

from dibsim.model.loader import set_dotted, validate
from dibsim.model.schema import Scenario

REGIONS = ("americas", "europe", "indo_pacific", "middle_east")


def transit(same: float = 1.0, other: float = 3.0) -> dict[str, dict[str, float]]:
    """A transit matrix: ``same`` within a region, ``other`` between regions (weeks)."""
    return {a: {b: (same if a == b else other) for b in REGIONS} for a in REGIONS}


def regions() -> dict[str, dict[str, str]]:
    """The four regions, declared as a scenario must."""
    return {r: {"name": r} for r in REGIONS}


def no_barriers() -> dict[str, Any]:
    """Every barrier disabled."""
    keys = ("export_licence", "technical_assistance", "technology_release", "fms_case",
            "congressional_review", "third_party_transfer", "domestic_content",
            "information_security", "investment_review", "partner_export_control")
    return {k: {"enabled": False} for k in keys}


def two_nation_world() -> dict[str, Any]:
    """The US with one 155 mm line and an ally in Europe that has none: every allied buy is
    a cross-border case. No crisis, no adversary, no peacetime use."""
    return {
        "name": "two_nation",
        "horizon_weeks": 30,
        "regions": regions(),
        "groups": {g: {"name": g} for g in ("nato", "nato_plus", "aukus")},
        "transit_weeks": transit(),
        "nations": {
            "USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 1e6},
            "GBR": {"name": "United Kingdom", "region": "europe", "rdp_mou": True,
                    "groups": ["nato", "nato_plus", "aukus"], "budget_musd_per_year": 1e6,
                    "understanding": 1.0, "stocks": {"shell": 0.0}, "requirements": {"shell": 1000.0}},
        },
        "items": {"shell": {"name": "155 mm shell", "unit_cost_musd": 0.001}},
        "producers": {
            "us_shell": {"nation": "USA", "item": "shell", "capacity_per_week": 100.0,
                         "ceiling_per_week": 100.0, "initial_backlog_weeks": 0.0},
        },
        "sourcing": {"coproduction_seek_probability": 0.0},
    }


def build(base: dict[str, Any], **changes: Any) -> Scenario:
    """Validate ``base`` with dotted-path changes (``a__b__c`` in keywords means ``a.b.c``)."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        set_dotted(data, key.replace("__", "."), value)
    return validate(data, "test world")
