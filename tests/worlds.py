"""Tiny hand-built worlds for known-answer and stylised-fact tests.

Each function returns a plain scenario mapping (as a YAML file would hold it) so a test can
change one setting and validate it with ``model.loader.validate``.
"""

from __future__ import annotations

import copy
from typing import Any

from dibsim.experiments.validation.fact_worlds import transit
from dibsim.model.barriers import BARRIERS
from dibsim.model.loader import set_dotted, validate
from dibsim.model.schema import Scenario
from dibsim.model.schema_base import REGIONS


def regions() -> dict[str, dict[str, str]]:
    """The four regions, declared as a scenario must."""
    return {r: {"name": r} for r in REGIONS}


def no_barriers() -> dict[str, Any]:
    """Every registered barrier disabled."""
    return {k: {"enabled": False} for k in BARRIERS}


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


def _plant(nation: str, item: str, cap: float, **extra: Any) -> dict[str, Any]:
    """A line that never expands (ceiling = capacity) and holds no order book."""
    return {"nation": nation, "item": item, "capacity_per_week": cap, "ceiling_per_week": cap,
            "initial_backlog_weeks": 0.0, **extra}


def chain_world(allied_motor_plant: bool) -> dict[str, Any]:
    """A US missile line (10 a week) whose one US motor plant makes exactly 10 motors a week,
    and an Australia that licenses the missile in week 1 (5 a week, open from week 5).

    The US line holds an order book far beyond the horizon, so it takes every motor it gets.
    Australia buys its missiles from its own line once the line exists (domestic weight, and
    the US line's wait of 100 weeks). With ``allied_motor_plant`` Australia also has a motor
    plant of its own (10 a week), so its licensed line brings its own chain; without it the
    line shares the saturated US plant. No barriers, no crisis (no expansion funding).
    """
    return {
        "name": "chain_world",
        "horizon_weeks": 40,
        "regions": regions(),
        "groups": {g: {"name": g} for g in ("nato_plus", "aukus")},
        "transit_weeks": transit(),
        "nations": {
            # The US government owns nearly all of its line's pre-run book (the largest user of
            # the item, stocked far above its requirement, so it never reorders in the horizon).
            "USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 1e6,
                    "stocks": {"missile": 1e6}, "requirements": {"missile": 1e6},
                    "peacetime_use_per_week": {"missile": 200.0}},
            "AUS": {"name": "Australia", "region": "indo_pacific", "rdp_mou": True,
                    "groups": ["nato_plus", "aukus"], "budget_musd_per_year": 1e6,
                    "goals": {"domestic_capacity": 0.6, "deterrence": 0.2, "interoperability": 0.1,
                              "regional_capacity": 0.1},
                    # Its requirement stands well above stock plus its share of the US line's
                    # pre-run book (the warm start), so it buys from its own line once it opens.
                    "understanding": 1.0, "stocks": {"missile": 1000.0},
                    "requirements": {"missile": 3000.0}, "peacetime_use_per_week": {"missile": 20.0}},
        },
        "items": {
            "missile": {"name": "missile", "unit_cost_musd": 1.0, "bill_of_materials": {"motor": 1.0},
                        "coproduction": {"line_capacity_per_week": 5.0, "build_weeks": 4,
                                         "learning_initial": 1.0}},
            "motor": {"name": "rocket motor", "kind": "component", "unit_cost_musd": 0.01,
                      "major_defense_equipment": False},
        },
        "producers": {
            "usa_missile": _plant("USA", "missile", 10.0, initial_backlog_weeks=100.0,
                                  suppliers={"motor": "usa_motor"}),
            "usa_motor": _plant("USA", "motor", 10.0),
            **({"aus_motor": _plant("AUS", "motor", 10.0)} if allied_motor_plant else {}),
        },
        "barriers": no_barriers(),
        "sourcing": {"coproduction_seek_probability": 1.0, "coproduction_min_budget_musd": 0.0,
                     "us_buys_allied": False},
        # Australia's missiles are bought from its own line once it exists: no pre-run order of
        # it is still in the US pipeline at week 0, and the US line starts with no motors on the
        # way (it takes every motor the US plant makes).
        "warm_start": {"open_cases": False, "inputs_in_transit": False},
    }


def fallback_world() -> dict[str, Any]:
    """A German missile line (10 a week) whose first motor supplier, a German plant of 6 a week,
    cannot keep up; its second choice is a Norwegian plant (10 a week) it has never used, so the
    cross-border link needs a supply licence (partner export control) when the line turns to it.
    Germany's order book outlasts the horizon. Every barrier is off unless a test turns it on."""
    return {
        "name": "fallback_world",
        "horizon_weeks": 60,
        "regions": regions(),
        "groups": {"nato": {"name": "nato"}},
        "transit_weeks": transit(),
        "nations": {
            "USA": {"name": "United States", "region": "americas", "budget_musd_per_year": 1e6},
            "DEU": {"name": "Germany", "region": "europe", "groups": ["nato"], "budget_musd_per_year": 1e6},
            "NOR": {"name": "Norway", "region": "europe", "groups": ["nato"], "budget_musd_per_year": 1e6},
        },
        "items": {
            "missile": {"name": "missile", "unit_cost_musd": 1.0, "bill_of_materials": {"motor": 1.0}},
            "motor": {"name": "rocket motor", "kind": "component", "unit_cost_musd": 0.01,
                      "major_defense_equipment": False},
        },
        "producers": {
            "deu_missile": _plant("DEU", "missile", 10.0, initial_backlog_weeks=100.0,
                                  suppliers={"motor": ["deu_motor", "nor_motor"]}),
            "deu_motor": _plant("DEU", "motor", 6.0),
            "nor_motor": _plant("NOR", "motor", 10.0),
        },
        "barriers": no_barriers(),
        "sourcing": {"coproduction_seek_probability": 0.0},
    }
