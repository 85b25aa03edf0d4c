"""summary and compare on fabricated results folders with known answers, and their CLI."""

import numpy as np
import pandas as pd
import pytest
import synthetic
from dibsim.experiments.analysis.compare import compare
from dibsim.experiments.analysis.summary import write_summary
from dibsim.experiments.cli import main
from dibsim.experiments.engine.results import load_results


@pytest.fixture(scope="module")
def crn(tmp_path_factory):
    return synthetic.crn_study(tmp_path_factory.mktemp("crn") / "study", with_series=False)


def test_summary_counts_failures_and_reports_probabilities(crn):
    path, table = write_summary(crn)
    assert path.name == "summary.csv" and pd.read_csv(path).shape == table.shape
    base = table[(table["scenario"] == "baseline") & (table["metric"] == "surge_ratio")].iloc[0]
    assert base["n"] == 19 and base["n_failed"] == 1
    fail = table[table["metric"] == synthetic.FAILURE]
    assert set(fail["method"]) == {"wilson"} and fail["ci_high"].le(1).all()


def test_paired_intervals_are_narrower_than_unpaired_on_common_random_numbers(crn):
    table = compare([load_results(crn)], metrics=["surge_ratio"])
    assert set(table["method"]) == {"paired t (common seeds)"}
    paired = table["ci_high"] - table["ci_low"]
    unpaired = table["unpaired_ci_high"] - table["unpaired_ci_low"]
    assert (paired < 0.3 * unpaired).all()
    truth = synthetic.TRUTH
    for r in table.itertuples():
        true = truth[r.scenario]["surge_ratio"] - truth["baseline"]["surge_ratio"]
        assert r.ci_low <= true <= r.ci_high


def test_compare_across_folders_without_shared_seeds_is_unpaired(crn, tmp_path):
    other = synthetic.crn_study(tmp_path / "other", root_seed=99, with_series=False)
    table = compare([load_results(crn), load_results(other)], baseline="study/baseline",
                    metrics=["surge_ratio", synthetic.FAILURE])
    cross = table[table["scenario"].str.startswith("other/")]
    assert set(cross.loc[cross["metric"] == "surge_ratio", "method"]) == {"Welch t (unpaired)"}
    assert set(cross.loc[cross["metric"] == synthetic.FAILURE, "method"]) == \
        {"Newcombe (unpaired)"}
    same = table[table["scenario"].str.startswith("study/")]
    assert set(same["method"]) == {"paired t (common seeds)"}


def test_compare_cli_writes_tables_and_forest_plots(crn, tmp_path, capsys):
    assert main(["compare", str(crn), "--metric", "surge_ratio", "--out", str(tmp_path)]) == 0
    assert "paired t (common seeds)" in capsys.readouterr().out
    assert (tmp_path / "comparison.csv").is_file() and (tmp_path / "comparison.md").is_file()
    assert (tmp_path / "plots" / "forest_surge_ratio.png").stat().st_size > 5000


@pytest.mark.parametrize("argv, words", [
    (["summary", "{missing}"], "does not exist"),
    (["compare", "{crn}", "--baseline", "nope"], "--baseline 'nope'"),
    (["compare", "{crn}", "--metric", "nope"], "--metric 'nope'"),
    (["plot", "{crn}", "--metric", "nope"], "--metric 'nope'"),
    (["sensitivity", "{crn}"], "no swept scenario"),
    (["discover", "{crn}", "--metric", "surge_ratio", "--below", "2"], "no swept settings"),
])
def test_bad_input_is_one_line_and_exit_2(crn, tmp_path, capsys, argv, words):
    argv = [a.format(crn=crn, missing=tmp_path / "missing") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and "Traceback" not in err[0]


def test_summary_cli_prints_table(crn, capsys):
    assert main(["summary", str(crn), "--metric", "surge_ratio"]) == 0
    out = capsys.readouterr().out
    assert "baseline / 0" in out and "summary.csv" in out
    assert np.isfinite(pd.read_csv(crn / "summary.csv")["mean"]).all()
