"""The report's analysis is made once: the study's decomposition is reused by its report, the
series names come from the file's dictionaries (and follow a rewritten file), and a week no
run has a value in is a gap, not a console warning."""

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import synthetic
from dibsim.experiments.analysis import decomposition as decomposition_module
from dibsim.experiments.analysis.answer import effects, load_study
from dibsim.experiments.analysis.plots.common import week_quantiles
from dibsim.experiments.analysis.report import build_report
from dibsim.experiments.engine.results import (
    TIMESERIES_FILE,
    TIMESERIES_SCHEMA,
    list_series,
    load_results,
    read_timeseries,
)


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory):
    return synthetic.barrier_study(tmp_path_factory.mktemp("reuse") / "study", replications=4)


def test_the_studys_report_reuses_its_effects_and_decomposition(study_dir, monkeypatch):
    study = load_study(study_dir)
    table, dec = effects(study), decomposition_module.decomposition(study)
    assert not dec.empty

    def again(*_args, **_kwargs):
        raise AssertionError("the report made the decomposition again")

    monkeypatch.setattr(decomposition_module, "decomposition", again)
    path = build_report([study_dir], answer=(table, dec))
    assert "Where " in path.read_text(encoding="utf-8")  # the decomposition's sentences
    with pytest.raises(AssertionError, match="again"):  # without it the report makes its own
        build_report([study_dir])


def test_series_names_are_the_distinct_stored_names_and_follow_a_rewritten_file(study_dir,
                                                                                tmp_path):
    study_dir = Path(shutil.copytree(study_dir, tmp_path / "copy"))
    file = study_dir / TIMESERIES_FILE
    plain = sorted(pd.read_parquet(file, columns=["series"])["series"].astype(str).unique())
    assert list_series(study_dir) == plain and len(plain) > 3
    folder = load_results(study_dir)
    assert folder.series_names() == plain
    kept = pq.read_table(file).filter(pa.compute.is_in(pa.compute.field("series"),
                                                       pa.array(plain[:2])))
    pq.write_table(kept.cast(TIMESERIES_SCHEMA), file, row_group_size=max(1, kept.num_rows // 3))
    assert folder.series_names() == plain[:2]  # read again: the file changed
    coded = read_timeseries(study_dir, categories=True)
    text = read_timeseries(study_dir)
    assert str(coded["series"].dtype) == "category" and str(coded["run_id"].dtype) == "category"
    assert (coded["series"].astype(str).to_numpy() == text["series"].to_numpy()).all()


def test_a_week_no_run_has_a_value_in_is_a_gap_without_a_warning():
    values = np.array([[1.0, np.nan, 3.0], [2.0, np.nan, np.nan], [4.0, np.nan, 5.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q = week_quantiles(values, [25, 50, 75])
    assert np.isnan(q[:, 1]).all()
    assert q[:, 0] == pytest.approx(np.percentile([1.0, 2.0, 4.0], [25, 50, 75]))
    assert q[1, 2] == pytest.approx(4.0)
