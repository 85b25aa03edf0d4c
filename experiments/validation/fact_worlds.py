"""Small hand-built worlds on which the stylised facts are checked (``experiments/facts.py``).

Each function returns a plain scenario mapping, as a YAML file would hold it, small enough
that a run takes a few hundredths of a second, yet rich enough that every barrier of
the model has cases to act on:

* a US shell line and a US missile line (technology level 5, NOFORN, major defense equipment,
  offered for licence) fed by a US seeker line;
* licence stages are short (TSFD 60 days, releasability and TAA 30 days) and Germany seeks a
  licence with a weekly chance of 0.1, so licensed lines appear within the 70 weeks;
* a German shell line (sells to Poland: partner export control) and a German-owned shell line
  in the US (investment review; qualification into US buys);
* Germany, Poland and the UK (AUKUS) buy from the US (FMS, DCS, export licence, congressional
  review, technology release); the US buys from Germany (Buy American, NOFORN does not apply
  to shells) — its own shell line is small (100 a week) because US-government orders jump the
  queue at US lines (DPAS priority), so a larger line would nearly always be the faster choice;
  Germany may license the missile (TAA, TSFD, releasability, re-transfer consent on its
  exports).

All figures are assumptions chosen for speed and coverage, not calibration.
"""

from __future__ import annotations

import copy
from typing import Any

from ...model.barriers import BARRIERS
from ...model.schema_base import REGIONS


def transit(same: float = 1.0, other: float = 3.0) -> dict[str, dict[str, float]]:
    """A transit matrix: ``same`` within a region, ``other`` between regions (weeks)."""
    return {a: {b: (same if a == b else other) for b in REGIONS} for a in REGIONS}


def _buyer(name: str, groups: list[str], *, budget: float = 3000.0, domestic: float = 0.3,
           shells: float = 20_000.0, missiles: float = 60.0) -> dict[str, Any]:
    return {
        "name": name, "region": "europe", "rdp_mou": True, "groups": groups,
        "budget_musd_per_year": budget, "understanding": 0.3,
        "goals": {"domestic_capacity": domestic, "deterrence": 0.3, "interoperability": 0.2,
                  "regional_capacity": 0.1},
        "stocks": {"missile": 0.85 * missiles, "shell": 0.85 * shells},
        "requirements": {"missile": missiles, "shell": shells},
        "peacetime_use_per_week": {"missile": missiles / 100.0, "shell": shells / 100.0},
        "posture": {"europe": 1.0},
    }


def mini_alliance(n_extra_buyers: int = 0) -> dict[str, Any]:
    """The US, Germany, Poland and the UK with a war in Europe from week 10 (70 weeks).

    Args:
        n_extra_buyers: further European buyers like Poland (for congestion), named X01, X02…
    """
    nations = {
        "USA": {"name": "United States", "region": "americas", "groups": ["nato"],
                "budget_musd_per_year": 20_000.0,
                "goals": {"domestic_capacity": 0.1, "deterrence": 0.6, "interoperability": 0.2,
                          "regional_capacity": 0.1},
                "stocks": {"missile": 170.0, "shell": 17_000.0},
                "requirements": {"missile": 200.0, "shell": 20_000.0},
                "peacetime_use_per_week": {"missile": 2.0, "shell": 200.0},
                "posture": {"americas": 0.7, "europe": 0.2, "indo_pacific": 0.1}},
        "DEU": _buyer("Germany", ["nato", "nato_plus"], budget=3000.0, domestic=0.45),
        "POL": _buyer("Poland", ["nato", "nato_plus"]),
        "GBR": _buyer("United Kingdom", ["nato", "nato_plus", "aukus"]),
    }
    for i in range(n_extra_buyers):
        nations[f"X{i + 1:02d}"] = _buyer(f"Buyer {i + 1}", [], budget=1500.0)
    return {
        "name": "mini_alliance", "horizon_weeks": 70, "transit_weeks": transit(),
        "regions": {r: {"name": r} for r in REGIONS},
        "groups": {g: {"name": g} for g in ("nato", "nato_plus", "aukus", "dicas")},
        "nations": nations,
        "items": {
            "shell": {"name": "shell", "unit_cost_musd": 0.005, "major_defense_equipment": False},
            "missile": {"name": "missile", "unit_cost_musd": 2.0, "technology_level": 5,
                        "classification": "noforn", "bill_of_materials": {"seeker": 1.0},
                        "deterrence_weight": 1.0, "sales_channels": ["fms"],
                        "coproduction": {"line_capacity_per_week": 2.0, "build_weeks": 10,
                                         "learning_initial": 0.5, "learning_weeks": 8.0}},
            "seeker": {"name": "seeker", "kind": "component", "unit_cost_musd": 0.2,
                       "technology_level": 5, "classification": "noforn",
                       "major_defense_equipment": False},
        },
        "producers": {
            "usa_shell": _line("USA", "shell", 100.0, 600.0),
            "usa_missile": {**_line("USA", "missile", 4.0, 10.0), "suppliers": {"seeker": "usa_seeker"}},
            "usa_seeker": _line("USA", "seeker", 8.0, 20.0),
            "deu_shell": _line("DEU", "shell", 150.0, 400.0),
            "usa_deu_owned_shell": {**_line("USA", "shell", 60.0, 200.0), "owner": "DEU"},
        },
        "barriers": {"export_licence": {"exempt": ["aukus"]},
                     "technical_assistance": {"exempt": ["aukus"], "median_days": 30.0},
                     "technology_release": {"median_days": 60.0},
                     "information_security": {"median_days": 30.0},
                     "fms_case": {"median_days": 60.0, "contracting_median_days": 60.0}},
        "sourcing": {"coproduction_seek_probability": 0.1},
        "crises": [{"region": "europe", "start_week": 10, "duration_weeks": 100,
                    "consumption_per_week": {"shell": 300.0, "missile": 2.0}}],
    }


def _line(nation: str, item: str, cap: float, ceiling: float) -> dict[str, Any]:
    return {"nation": nation, "item": item, "capacity_per_week": cap, "ceiling_per_week": ceiling,
            "expansion": {"lag_weeks": 20, "sustain_weeks": 4, "backlog_trigger_weeks": 4}}


def coproduction_world(seek_probability: float) -> dict[str, Any]:
    """``mini_alliance`` with Germany free to license the missile, a missile war from week 60.

    Releasability never denies here, so that a line can stand before the war.
    """
    w = mini_alliance()
    w["horizon_weeks"] = 115
    w["crises"][0]["start_week"] = 60
    w["sourcing"]["coproduction_seek_probability"] = seek_probability
    w["barriers"]["information_security"]["denial_probability"] = 0.0
    w["crises"][0]["consumption_per_week"] = {"missile": 3.0}
    return w


def pacific_world(us_share_forward: float = 0.1, transit_to_theater: float = 10.0) -> dict[str, Any]:
    """The US and Japan facing an adversary in the Indo-Pacific that only assesses (60 weeks).

    Args:
        us_share_forward: share of US missile stock held in the Indo-Pacific.
        transit_to_theater: sea lift from the Americas to the Indo-Pacific (weeks); the
            adversary counts the share of US home stock the US lift brings within its 8-week
            warning, ``lift_share_per_week × (8 − transit)``.
    """
    w = mini_alliance()
    w["horizon_weeks"] = 60
    w["crises"] = []
    w["nations"]["USA"]["posture"] = {"americas": 1.0 - us_share_forward, "indo_pacific": us_share_forward}
    w["nations"]["JPN"] = {**_buyer("Japan", ["nato_plus", "dicas"]), "region": "indo_pacific",
                           "posture": {"indo_pacific": 1.0}}
    t = w["transit_weeks"]
    t["americas"]["indo_pacific"] = t["indo_pacific"]["americas"] = transit_to_theater
    w["adversaries"] = {"indo_pacific": {"campaign_requirement": 80.0, "warning_weeks": 8,
                                         "decides": False}}
    return w


def with_changes(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with dotted-path changes applied."""
    from ...model.loader import set_dotted

    data = copy.deepcopy(base)
    for path, value in changes.items():
        set_dotted(data, path, value)
    return data


def congestion_world(n_buyers: int, capacity_per_week: int | None = 2) -> dict[str, Any]:
    """``n_buyers`` European buyers of US shells by direct commercial sale only; the one barrier
    is the export licence (14 days, no spread) admitting ``capacity_per_week`` cases a week.
    Each buyer reorders about every other week, so more than four buyers exceed two a week.
    """
    w = mini_alliance(n_extra_buyers=n_buyers)
    for iso in ("DEU", "POL", "GBR"):
        del w["nations"][iso]
    w["producers"] = {"usa_shell": _line("USA", "shell", 5000.0, 5000.0)}
    w["items"] = {"shell": {**w["items"]["shell"], "sales_channels": ["dcs"]}}
    for n in w["nations"].values():
        n["stocks"] = {"shell": n["stocks"]["shell"]}
        n["requirements"] = {"shell": n["requirements"]["shell"]}
        n["peacetime_use_per_week"] = {"shell": n["requirements"]["shell"] / 20.0}
    w["barriers"] = {k: {"enabled": False} for k in BARRIERS}
    w["barriers"]["export_licence"] = {"median_days": 14.0, "spread": 0.0, "denial_probability": 0.0,
                                       "capacity_per_week": capacity_per_week}
    w["crises"] = []
    w["horizon_weeks"] = 52
    return w
