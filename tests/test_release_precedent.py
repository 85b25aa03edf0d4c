"""Release precedent (model/release.py): a repeat buy of a released system by the same nation
skips technology release; a first-of-kind sale, or a new configuration, pays it."""

from dibsim.model import CooperationModel
from dibsim.model.cases import Case, CaseKind, CaseStatus
from dibsim.model.release import precedent, remember
from dibsim.model.sourcing import Option, sale_case
from worlds import build, no_barriers, two_nation_world


def fixed(days: float) -> dict:
    return {"enabled": True, "median_days": days, "spread": 0.0, "denial_probability": 0.0}


def world(released: list[str]) -> dict:
    # Both routes to GBR pass one 28-day sale stage (FMS or DSP-5) and, for an item of
    # technology level 5, a 28-day technology release: 8 weeks first-of-kind, 4 with precedent.
    w = two_nation_world()
    w["items"]["shell"]["technology_level"] = 5
    w["items"]["shell_new"] = {"name": "new configuration", "unit_cost_musd": 0.001, "technology_level": 5}
    w["nations"]["GBR"]["released"] = released
    barriers = no_barriers()
    for key in ("export_licence", "fms_case", "technology_release"):
        barriers[key] = fixed(28)
    barriers["fms_case"]["contracting_median_days"] = 0.0  # one 28-day FMS stage
    return build(w, barriers=barriers)


def test_a_first_of_kind_sale_pays_technology_release_and_a_released_system_skips_it():
    first = CooperationModel(world([]), rng=3).run()
    repeat = CooperationModel(world(["shell"]), rng=3).run()
    assert first.metrics()["mean_regulatory_delay_weeks"] == 8
    assert repeat.metrics()["mean_regulatory_delay_weeks"] == 4
    assert "shell" in first.nations["GBR"].released  # the approved sale left its decision behind


def test_a_repeat_buy_skips_release_and_a_new_configuration_pays_it():
    m = CooperationModel(world([]), rng=3)
    for _ in range(10):
        m.step()
    gbr, line = m.nations["GBR"], m.producers_by_item["shell"][0]
    assert "shell" in gbr.released
    week = m.steps
    again = sale_case(gbr, Option("fms", line, 0), "shell", 10, week, 0.001)
    assert again is not None and again.precedent == frozenset({"technology_release"})
    assert m.pipeline.expected_weeks(again, week) == 4
    new = Case(CaseKind.FMS_SALE, "shell_new", "USA", "GBR", 0.01, week)
    new.precedent = precedent(new, m.nations)
    assert new.precedent == frozenset() and m.pipeline.expected_weeks(new, week) == 8


def test_a_denied_case_leaves_no_precedent():
    m = CooperationModel(world([]), rng=3)
    case = Case(CaseKind.FMS_SALE, "shell_new", "USA", "GBR", 0.01, 0, status=CaseStatus.DENIED)
    remember(case, m.nations)
    assert "shell_new" not in m.nations["GBR"].released
    case.status = CaseStatus.APPROVED
    remember(case, m.nations)
    assert "shell_new" in m.nations["GBR"].released


def test_an_unknown_released_item_is_one_line():
    import pytest
    from dibsim.model.loader import ScenarioError, validate

    w = two_nation_world()
    w["nations"]["GBR"]["released"] = ["shel"]
    with pytest.raises(ScenarioError) as exc:
        validate(w, "w.yaml")
    assert "nations.GBR.released.shel: unknown item" in exc.value.problems[0]
