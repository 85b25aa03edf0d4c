"""The model class works unchanged under ``mesa.batch_run`` (docs/architecture.md, the model API)."""

import mesa
import pytest
from dibsim.experiments.bench import batch_run_seeding
from dibsim.model import CooperationModel
from worlds import build, two_nation_world

pytestmark = pytest.mark.skipif(not hasattr(mesa, "batch_run"),
                                reason="mesa.batch_run was removed in Mesa 4.0 (mesa#3325); "
                                "dibsim's own engine replaces it")


def test_batch_run_sweeps_a_dotted_override():
    scn = build(two_nation_world(), horizon_weeks=12)
    params, seeding = batch_run_seeding(
        mesa.batch_run, {"scenario": [scn], "barriers.export_licence.median_days": [7.0, 70.0]}, [1])
    rows = mesa.batch_run(
        CooperationModel, parameters=params, number_processes=1, data_collection_period=-1,
        max_steps=12, display_progress=False, **seeding,
    )
    assert len(rows) == 2
    by_delay = {r["barriers.export_licence.median_days"]: r for r in rows}
    # Mesa 3.3 drops the last row of a model that stops itself (mesa#2514, reworked in 3.5).
    assert by_delay[7.0]["Step"] in (11, 12)
    # A slower licence delays the first delivery to the ally, so less stock has arrived.
    assert by_delay[70.0]["stock.shell"] <= by_delay[7.0]["stock.shell"]
    assert by_delay[7.0]["stock.shell"] > 0
