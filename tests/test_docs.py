"""The documentation an analyst audits stays in step with the code."""

import json
import re
from pathlib import Path

from dibsim.experiments import docs_gen
from dibsim.experiments.engine.results import RUN_COLUMNS
from dibsim.model.loader import available_scenarios
from dibsim.model.metrics import METRICS
from dibsim.model.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_parameters_md_is_generated_from_the_current_schema():
    committed = (DOCS / "parameters.md").read_text(encoding="utf-8")
    assert committed == docs_gen.render(), "run: python -m dibsim.experiments.docs_gen"


def test_parameters_md_has_a_row_for_every_schema_field():
    text = docs_gen.render()
    for prefix, model in docs_gen.merged_sections(Scenario):
        for name in model.model_fields:
            path = f"{prefix}.{name}" if prefix else name
            assert f"| `{path}` |" in text, path


def test_description_split_reads_unit_and_source():
    assert docs_gen.split_description("median DSP-5 time (days; P6, P7, P9)") == (
        "median DSP-5 time", "days", "P6, P7, P9")
    assert docs_gen.split_description("weight; A1", "deterrence") == ("deterrence", "weight", "A1")
    assert docs_gen.split_description("denial share (probability; assumption)")[2] == "assumption"
    assert docs_gen.split_description("a fee (P12)") == ("a fee", "", "P12")


def test_metrics_md_table_is_generated_from_the_metric_declarations():
    committed = (DOCS / "metrics.md").read_text(encoding="utf-8")
    assert docs_gen.metrics_table() in committed, "run: python -m dibsim.experiments.docs_gen"
    assert docs_gen.render_metrics(committed) == committed


def test_docs_gen_check_fails_on_a_stale_file(tmp_path):
    for name in (docs_gen.PARAMETERS_FILE, docs_gen.METRICS_FILE):
        (tmp_path / name).write_text((DOCS / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 0
    stale = (DOCS / "metrics.md").read_text(encoding="utf-8").replace("| higher |", "| lower |", 1)
    (tmp_path / docs_gen.METRICS_FILE).write_text(stale, encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 1


def test_metrics_md_defines_every_metric_with_its_unit():
    text = (DOCS / "metrics.md").read_text(encoding="utf-8")
    for name, spec in METRICS.items():
        row = re.search(rf"^\| `{name}` \|(.*)$", text, re.M)
        assert row, name
        assert f"| {spec.unit} |" in row.group(0), name


def test_architecture_md_lists_the_run_table_columns_in_order():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    bullet = text[text.index("* `runs.parquet`"):text.index("* `timeseries.parquet`")]
    places = [bullet.find(f"`{c}`") for c in RUN_COLUMNS]
    assert -1 not in places and places == sorted(places), dict(zip(RUN_COLUMNS, places))


def test_scenarios_md_describes_every_shipped_scenario():
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    for name in available_scenarios():
        assert f"`{name}`" in text, name


def test_odd_md_has_every_section_of_the_protocol():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8").lower()
    for heading in ("purpose and patterns", "entities, state variables and scales",
                    "process overview and scheduling", "design concepts", "initialisation",
                    "input data", "submodels"):
        assert re.search(rf"^## \d+\. {re.escape(heading)}$", text, re.M), heading
    for concept in ("emergence", "adaptation", "objectives", "learning", "prediction", "sensing",
                    "interaction", "stochasticity", "collectives", "observation"):
        assert f"**{concept}.**" in text, concept


def test_readme_keeps_quick_start_first_and_links_the_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.index("## Quick start")
    assert text.index("make run") > quick and text.index("make test") > quick
    assert quick < text.index("## Documentation")
    for doc in ("ODD.md", "parameters.md", "metrics.md", "scenarios.md"):
        assert f"(docs/{doc})" in text, doc


def test_the_readme_metric_count_is_generated_from_the_metrics():
    from pathlib import Path

    from dibsim.model.metrics import METRICS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert docs_gen.render_readme(readme) == readme, "run: python -m dibsim.experiments.docs_gen"
    word = docs_gen.NUMBER_WORDS[len(METRICS)] if len(METRICS) < len(docs_gen.NUMBER_WORDS) else str(len(METRICS))
    assert f"the {word} run metrics" in readme


def test_calibration_md_tables_are_generated_from_the_stored_records():
    from dibsim.experiments.validation.calib_record import BEGIN, stored_records

    committed = (DOCS / "calibration.md").read_text(encoding="utf-8")
    records = stored_records()
    assert records, "no stored calibration record under scenarios/calibration/results"
    for record in records:
        assert BEGIN.format(name=record["name"]) in committed, record["name"]
    assert docs_gen.render_calibration(committed) == committed, "run: python -m dibsim.experiments.docs_gen"


def test_calibration_md_drift_from_the_stored_record_is_caught(tmp_path):
    import copy

    from dibsim.experiments.validation.calib_record import render_doc, stored_records

    committed = (DOCS / "calibration.md").read_text(encoding="utf-8")
    record = copy.deepcopy(stored_records()[0])
    record["plausible_set"]["plausible"] += 1  # the stored result moved; the page did not
    assert render_doc(committed, [record]) != committed
    for name in (docs_gen.PARAMETERS_FILE, docs_gen.METRICS_FILE, docs_gen.CALIBRATION_FILE):
        (tmp_path / name).write_text((DOCS / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 0
    stale = committed.replace("| fitted | yes |", "| fitted | no |", 1)
    (tmp_path / docs_gen.CALIBRATION_FILE).write_text(stale, encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 1


def test_calibration_md_cross_validation_is_generated_from_its_stored_record():
    import copy

    from dibsim.experiments.validation.cv_record import CV_BEGIN, render_cv, stored_cv_records

    committed = (DOCS / "calibration.md").read_text(encoding="utf-8")
    records = stored_cv_records()
    assert records, "no stored cross-validation under scenarios/calibration/results/cross_validation"
    for record in records:
        assert CV_BEGIN.format(name=record["name"]) in committed, record["name"]
    assert render_cv(committed, records) == committed, "run: python -m dibsim.experiments.docs_gen"
    moved = copy.deepcopy(records[0])
    moved["replays"][0]["out_of_sample"]["error"] += 0.5  # the stored result moved; the page did not
    assert render_cv(committed, [moved]) != committed


def _fit(folder, name, fitted, rows, values):
    """A finished calibration fit as dibsim calibrate leaves it (the files the record reads)."""
    import csv
    import json

    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "name": name, "completed": True, "fingerprint": "f00d", "trials": 12, "root_seed": 5,
        "config": {"loss": {"seeds": 2}}, "code_revision": {"commit": "abcdef1234567", "dirty": False},
        "finished_at": "2026-12-07T10:00:00", "fitted": fitted}))
    (folder / "best.json").write_text(json.dumps({"trial": 3, "loss": 0.2, "values": values}))
    with open(folder / "summary.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["replay", "role", "reached", "error", "rate_error",
                                           "targets_ok", "targets"])
        w.writeheader()
        w.writerows(rows)


def _row(replay, role, error, rate, ok, n=4, reached=True):
    return {"replay": replay, "role": role, "reached": str(reached), "error": error,
            "rate_error": rate, "targets_ok": ok, "targets": n}


def test_a_finished_cross_validation_folder_becomes_the_generated_table(tmp_path, capsys):
    from dibsim.experiments.validation.cv_record import CV_BEGIN, CV_END, cv_table, render_cv, store_cv

    cv = tmp_path / "demo-cv"
    _fit(cv / "all", "demo", ["a", "b"], [_row("a", "fitted", 0.1, 0.02, 4), _row("b", "fitted", 0.3, 0.07, 3),
                                          _row("c", "out of sample", 0.5, "nan", 1, 2, False)], {"lag": 80})
    _fit(cv / "without-a", "demo", ["b"], [_row("a", "out of sample", 0.9, 0.25, 2)], {"lag": 61})
    _fit(cv / "without-b", "demo", ["a"], [_row("b", "out of sample", 0.4, 0.1, 4)], {"lag": 77.5})
    path = store_cv(cv, tmp_path / "stored")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["format"] == "dibsim-cross-validation/1" and path.name == "demo.json"
    text = cv_table(record)
    assert "each fit 12 trials × 2 seeds, root seed 5, code abcdef1234, finished 2026-12-07" in text
    assert ("| `a` | 0.10 (2.0 %), 4/4 targets met | 0.90 (25 %), 2/4 targets met "
            "(fit on `b`: `lag` 61) | yes |") in text
    assert "| `c` | — | 0.50, 1/2 targets met | **no** |" in text
    page = f"intro\n{CV_BEGIN.format(name='demo')}\nstale\n{CV_END.format(name='demo')}\nafter\n"
    assert render_cv(page, [record]) == page.replace("stale", text)
    (cv / "without-b" / "best.json").unlink()  # a fit that did not finish: one line, exit 2
    assert docs_gen.main(["--store-cross-validation", str(cv), "--docs", str(tmp_path / "no")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--store-cross-validation: ") and "without-b" in err
    assert len(err.strip().splitlines()) == 1


def test_the_readmes_other_numbers_are_those_of_the_makefile_and_the_fuzz():
    """The README's make run budget is the Makefile's, its fuzz sizes the fuzz test's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run = re.search(r"^run:.*\n\t(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert run, "the Makefile has no run target"
    budget = re.search(r"--budget-minutes (\d+)", run.group(1))
    assert budget and f"within a {budget.group(1)}-minute budget" in readme
    fuzz = (ROOT / "tests" / "test_loader_fuzz.py").read_text(encoding="utf-8")
    full = re.search(r"^FUZZ = settings\(max_examples=(\d+)", fuzz, re.M)
    quick = re.search(r"^QUICK_EXAMPLES = (\d+)", fuzz, re.M)
    assert full and quick
    assert (f"the {full.group(1)}-example input fuzz (`make test` runs {quick.group(1)} other "
            "examples of it)") in " ".join(readme.split())


def test_a_generated_block_runs_from_its_begin_marker_to_the_next_end_marker():
    import pytest
    from dibsim.experiments.errors import UserError
    from dibsim.experiments.validation.calib_record import replace_block as lenient

    begin, end = "<!-- b -->", "<!-- e -->"
    page = f"{end} named in the text first\n{begin}\nold\n{end}\nafter {end}\n"
    start, stop = docs_gen.block_span(page, begin, end)
    assert page[start:stop] == f"{begin}\nold\n{end}"
    assert docs_gen.replace_block(page, begin, end, "new", "p.md (x)") == page.replace(
        f"{begin}\nold\n{end}", "new")
    assert lenient(page, begin, end, "new") == page.replace("old", "new")
    bare = "no markers\n"
    assert docs_gen.block_span(bare, begin, end) is None and lenient(bare, begin, end, "x") == bare
    with pytest.raises(UserError, match=r"^p\.md \(x\): the marker comments are missing"):
        docs_gen.replace_block(f"{begin} only\n", begin, end, "new", "p.md (x)")
