"""The barrier headline table (experiments/validation/barrier_headlines.py): its plan and its
paired intervals on hand-made values.
"""

import math

import pytest
from dibsim.experiments.errors import UserError
from dibsim.experiments.validation.barrier_headlines import (
    BEGIN,
    END,
    HEADLINES,
    arm_name,
    docs_block,
    headline_plan,
    main,
    summarise,
    table,
    write_block,
)
from scipy import stats as st


def test_the_plan_has_a_base_arm_and_one_removed_arm_per_barrier_on_shared_seeds():
    plan = headline_plan(["baseline"], 3, ["fms_case", "export_licence"], timeseries=False)
    names = [s.name for s in plan.scenarios]
    assert names == ["baseline__base", "baseline__fms_case", "baseline__export_licence"]
    assert all(s.replications == 3 for s in plan.scenarios)
    base, fms, dsp5 = plan.scenarios
    assert base.scenario.barriers.fms_case.enabled and not fms.scenario.barriers.fms_case.enabled
    assert fms.scenario.barriers.export_licence.enabled and not dsp5.scenario.barriers.export_licence.enabled
    assert len({base.hash, fms.hash, dsp5.hash}) == 3
    assert all(m in plan.metric_names for m in HEADLINES)


def test_the_paired_change_uses_students_t_on_the_per_seed_differences():
    base = {0: 10.0, 1: 20.0, 2: 30.0, 3: 40.0}
    diffs = [1.0, 3.0, 2.0, 2.0]
    values = {}
    for m in HEADLINES:
        values[(arm_name("s", None), m)] = base
        values[(arm_name("s", "b"), m)] = {r: base[r] + d for r, d in enumerate(diffs)}
    rows = summarise(values, ["s"], ["b"])
    assert len(rows) == len(HEADLINES)
    h = rows[0]
    sd = float(st.tstd(diffs))
    half = float(st.t.ppf(0.975, 3)) * sd / 2.0
    assert h.diff_mean == pytest.approx(2.0) and h.se == pytest.approx(sd / 2.0)
    assert (h.ci_low, h.ci_high) == pytest.approx((2.0 - half, 2.0 + half))
    assert h.resolved and h.base_mean == pytest.approx(25.0) and h.n == 4
    text = table(rows, "s")
    assert "| `b` |" in text and text.count("**") == 2 * len(HEADLINES) and "| yes |" in text


def test_a_change_within_noise_is_not_resolved_and_missing_replicates_are_dropped():
    values = {}
    for m in HEADLINES:
        values[(arm_name("s", None), m)] = {0: 1.0, 1: 1.0, 2: 1.0, 3: 5.0}
        values[(arm_name("s", "b"), m)] = {0: 2.0, 1: 0.0, 2: 1.0}  # replicate 3 failed
    h = summarise(values, ["s"], ["b"])[0]
    assert h.n == 3 and h.diff_mean == pytest.approx(0.0) and not h.resolved
    assert h.base_mean == pytest.approx(1.0)
    assert "| no |" in table(summarise(values, ["s"], ["b"]), "s")
    empty = summarise({}, ["s"], ["b"])[0]
    assert empty.n == 0 and math.isnan(empty.diff_mean) and not empty.resolved


def test_bad_flags_exit_2_with_one_line(capsys, tmp_path):
    assert main(["--barrier", "no_such_barrier", "--seeds", "2", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_barrier" in err[0]
    with pytest.raises(SystemExit) as exc:
        main(["--seeds", "1", "--out", str(tmp_path)])
    assert exc.value.code == 2


def test_the_docs_block_replaces_only_the_text_between_its_markers(tmp_path):
    values = {}
    for m in HEADLINES:
        values[(arm_name("s", None), m)] = {0: 1.0, 1: 2.0, 2: 3.0}
        values[(arm_name("s", "b"), m)] = {0: 2.0, 1: 3.1, 2: 3.9}
    block = docs_block(summarise(values, ["s"], ["b"]), ["s"], 3, 7)
    assert block.startswith(BEGIN) and block.endswith(END)
    assert "3 paired replicate seeds of root seed 7" in block and "(1 of 1 barriers" in block
    doc = tmp_path / "ODD.md"
    doc.write_text(f"before\n{BEGIN}\nold\n{END}\nafter\n", encoding="utf-8")
    write_block(doc, block)
    assert doc.read_text(encoding="utf-8") == f"before\n{block}\nafter\n"
    doc.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(UserError, match="marker"):
        write_block(doc, block)
