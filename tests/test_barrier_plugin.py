"""Adding a barrier is one registered class: the schema, the pipeline and the docs follow.

The eleventh barrier below exists only in this file. It is registered through the one public
function (``model.barriers.register``) by a fixture that unregisters it afterwards, so the
other tests see the ten barriers of docs/ODD.md §7.
"""

import pytest
from dibsim.experiments import docs_gen
from dibsim.model import CooperationModel
from dibsim.model.barrier_base import Barrier
from dibsim.model.barriers import BARRIERS, register, unregister
from dibsim.model.cases import Case
from dibsim.model.loader import ScenarioError
from dibsim.model.schema import Scenario
from dibsim.model.schema_barriers import BarrierSettings
from dibsim.model.schema_base import field
from worlds import build, no_barriers, two_nation_world


class EndUseCheckSettings(BarrierSettings):
    """A pre-shipment end-use check on US sales (a test barrier; every figure an assumption)."""

    median_days: float = field(21.0, ge=0.0, description="median check time (days; assumption)")
    spread: float = field(0.0, ge=0.0, le=3.0, description="lognormal sigma; assumption")
    denial_probability: float = field(0.0, ge=0.0, le=1.0, description="probability; assumption")
    min_value_musd: float = field(0.0, ge=0.0, description="smallest sale checked ($M; assumption)")


class EndUseCheck(Barrier):
    """US sales at or above a value are checked between the export licence and re-transfer."""

    key = "end_use_check"
    settings_model = EndUseCheckSettings
    description = "end-use check"
    stage = 95

    def applies(self, case: Case) -> bool:
        return case.seller == "USA" and case.buyer != "USA" and case.value_musd >= self.s.min_value_musd


@pytest.fixture
def eleventh():
    register(EndUseCheck)
    yield EndUseCheck
    unregister(EndUseCheck.key)


def only_end_use_check(**settings):
    """The two-nation world with every barrier off except the end-use check."""
    barriers = no_barriers() | {"end_use_check": settings}
    return build(two_nation_world(), barriers=barriers)


def test_the_schema_accepts_the_new_barriers_settings(eleventh):
    scn = only_end_use_check(min_value_musd=2.5)
    assert scn.barriers.end_use_check.min_value_musd == 2.5
    assert build(two_nation_world()).barriers.end_use_check.median_days == 21.0  # its default
    with pytest.raises(ScenarioError, match=r"barriers\.end_use_check\.min_value_musd"):
        only_end_use_check(min_value_musd=-1)
    with pytest.raises(ScenarioError, match=r"valid fields: .*min_value_musd"):
        only_end_use_check(min_value=1)


def test_the_pipeline_routes_cases_through_it_in_its_stage_order(eleventh):
    keys = list(BARRIERS)
    assert keys.index("export_licence") < keys.index("end_use_check") < keys.index("third_party_transfer")
    m = CooperationModel(only_end_use_check(), rng=3).run()
    stage = next(b for b in m.pipeline.barriers if b.key == "end_use_check")
    assert [b.key for b in m.pipeline.barriers] == keys
    assert stage.entered > 0 and m.pipeline.finished > 0
    # 21 days with no spread is three weeks; nothing else delays a case and nothing is denied
    assert m.metrics()["mean_regulatory_delay_weeks"] == 3.0
    assert "open_cases.end_use_check" in m.timeseries()
    skipped = CooperationModel(only_end_use_check(min_value_musd=1e9), rng=3).run()
    assert skipped.pipeline.barriers[keys.index("end_use_check")].entered == 0
    assert skipped.metrics()["mean_regulatory_delay_weeks"] == 0.0


def test_docs_generation_lists_it(eleventh):
    text = docs_gen.render()
    assert "## `barriers.end_use_check` — EndUseCheckSettings" in text
    assert "| `barriers.end_use_check.min_value_musd` | smallest sale checked | $M |" in text
    assert "| `barriers.end_use_check` | end-use check |" in text


def test_registration_refuses_a_taken_key_or_stage_and_unregistering_restores_the_schema():
    before = Scenario.model_fields["barriers"].annotation
    register(EndUseCheck)
    try:
        assert Scenario.model_fields["barriers"].annotation is not before
        with pytest.raises(ValueError, match="registered already"):
            register(EndUseCheck)
        clash = type("Clash", (EndUseCheck,), {"key": "clash"})
        with pytest.raises(ValueError, match="stage 95 is taken by 'end_use_check'"):
            register(clash)
    finally:
        unregister(EndUseCheck.key)
    assert Scenario.model_fields["barriers"].annotation is before
    assert "end_use_check" not in BARRIERS and len(BARRIERS) == 10
    with pytest.raises(ScenarioError, match="unknown field"):
        build(two_nation_world(), barriers={"end_use_check": {}})
    with pytest.raises(KeyError, match="unknown barrier 'end_use_check'"):
        unregister("end_use_check")
