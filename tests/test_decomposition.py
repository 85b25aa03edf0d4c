"""Where each effect is made: the decomposition of paired differences on a fabricated study
with planted producer parts, and the written answer naming the producers that carry them."""

import pandas as pd
import pytest
import synthetic
from dibsim.experiments.analysis.answer import effects, load_study, write_answer
from dibsim.experiments.analysis.answer_text import written_answer
from dibsim.experiments.analysis.decomposition import carriers, decomposition, write_decomposition


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    study = load_study(synthetic.barrier_study(tmp_path_factory.mktemp("dec") / "study"))
    return study, effects(study), decomposition(study)


def _parts(dec, arm, level):
    rows = dec[(dec["arm"] == arm) & (dec["level"] == level) & (dec["metric"] == synthetic.VALUE_12M)]
    return rows.set_index("part")["effect"]


def test_producer_parts_add_up_to_the_effect_and_match_the_planted_shares(planted):
    _, table, dec = planted
    for (kind, subject), shares in synthetic.PARTS.items():
        arm = next(a["name"] for a in planted[0].arms if a["kind"] == kind and a["subject"] == subject)
        row = table[(table["arm"] == arm) & (table["metric"] == synthetic.VALUE_12M)].iloc[0]
        parts = _parts(dec, arm, "producer")
        assert parts.sum() == pytest.approx(row["effect"], rel=1e-9)
        truth = synthetic.PLANTED[(kind, subject)][synthetic.VALUE_12M] * (-1 if kind == "stricter" else 1)
        for pid, share in shares.items():
            assert parts[pid] == pytest.approx(share * truth, abs=0.02 * abs(truth))
        for level in ("system", "nation", "theatre"):
            assert _parts(dec, arm, level).sum() == pytest.approx(row["effect"], rel=1e-9)


def test_levels_group_producers_by_system_nation_and_theatre(planted):
    _, _, dec = planted
    arm = "baseline~no_export_licence"
    assert set(_parts(dec, arm, "system").index) == {"amraam", "shell_155mm", "pac3_mse"}
    nation = _parts(dec, arm, "nation")
    assert nation["JPN"] > nation["USA"] > 0
    assert _parts(dec, arm, "theatre")["indo_pacific"] == pytest.approx(nation["JPN"])


def test_carriers_hold_at_least_half_and_the_offset_is_named(planted):
    _, _, dec = planted
    top, offset = carriers(dec, "baseline~no_fms_case", synthetic.VALUE_12M)
    assert list(top["part"]) == ["usa_rtx_amraam"] and list(offset["part"]) == ["cze_csg_155"]
    for arm in dec["arm"].unique():
        top, _ = carriers(dec, arm, synthetic.VALUE_12M)
        total = dec[(dec["arm"] == arm) & (dec["metric"] == synthetic.VALUE_12M)]["total_effect"].iloc[0]
        assert top["effect"].sum() / total >= 0.5


def test_written_answer_names_the_producers_of_the_top_three_effects(planted):
    study, table, dec = planted
    sentences = written_answer(table, study.stricter_rule, dec).sentences
    where = [s for s in sentences if s.startswith("Where ")]
    assert len(where) == 3
    assert where[0].startswith("Where Foreign Military Sales case (FMS)'s +6,0")
    assert "at the USA AMRAAM line (usa_rtx_amraam)" in where[0]
    assert "offset by" in where[0] and "cze_csg_155" in where[0]
    assert "JPN PAC3_MSE line (jpn_mhi_pac3)" in where[1]
    assert "usa_lm_pac3" in where[2] and "fms reform" in where[2]
    write_answer(study, table, dec)
    path = write_decomposition(study, dec)
    assert path.name == "decomposition.csv" and len(pd.read_csv(path)) == len(dec)
    assert "usa_rtx_amraam" in (study.folder.path / "answer.md").read_text()


def test_a_folder_without_producer_series_has_no_decomposition(tmp_path):
    path = synthetic.barrier_study(tmp_path / "s")
    (path / "timeseries.parquet").unlink()
    study = load_study(path)
    assert decomposition(study).empty and write_decomposition(study) is None
    assert not any(s.startswith("Where ") for s in written_answer(effects(study)).sentences)


def test_report_draws_where_the_top_effects_are_made(planted):
    import matplotlib.image as mpimg
    from dibsim.experiments.analysis.plots.decomposition import plot_decomposition, top_effects

    study, table, dec = planted
    top = top_effects(table, dec, synthetic.VALUE_12M, "baseline")
    assert list(top["subject"][:3]) == ["fms_case", "export_licence", "fms_reform"]
    rec = plot_decomposition(table, dec, synthetic.VALUE_12M, "baseline", study.folder.path / "plots")
    image = mpimg.imread(rec.path)
    assert rec.kind == "decomposition" and image.shape[1] > 800 and image[..., :3].std() > 0.01
    assert "Foreign Military Sales case (FMS)" in rec.caption
